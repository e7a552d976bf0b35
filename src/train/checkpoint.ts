import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadLayersModel, loadTensors, saveLayersModel, saveTensors } from '../model/io.js';
import type { AdamState } from './adam.js';

/** Scalars saved with a checkpoint. */
export interface TrainState {
  /** Steps completed. */
  readonly step: number;
  /** Loss at every completed step, in order. */
  readonly losses: number[];
  /** Hash of everything that determines training; a checkpoint of another config is refused. */
  readonly configHash: string;
}

export interface Checkpoint {
  readonly state: TrainState;
  /** Current weights, a TF.js layers model. */
  readonly model: tfl.LayersModel;
  /** EMA weights in the same topology: the model sampling uses. */
  readonly ema: tfl.LayersModel;
  readonly optimizer: AdamState;
}

const NAME = 'checkpoint';

/**
 * Writes a checkpoint as `<dir>/checkpoint/{model,ema}/model.json` (TF.js format),
 * `optimizer.{json,bin}` and `state.json`. Atomic: everything goes into a temp folder that
 * replaces the old one by rename, so a kill at any moment leaves one whole checkpoint.
 */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const temp = join(dir, `${NAME}.tmp`);
  const old = join(dir, `${NAME}.old`);
  await rm(temp, { recursive: true, force: true });
  await saveLayersModel(checkpoint.model, join(temp, 'model'));
  await saveLayersModel(checkpoint.ema, join(temp, 'ema'));
  const { m, v, step } = checkpoint.optimizer;
  await saveTensors(Object.fromEntries([...m.map((t, i) => [`m${i}`, t]), ...v.map((t, i) => [`v${i}`, t])]), temp, 'optimizer');
  await writeFile(join(temp, 'state.json'), JSON.stringify({ ...checkpoint.state, optimizerStep: step }));
  if (existsSync(join(dir, NAME))) {
    await rm(old, { recursive: true, force: true });
    await rename(join(dir, NAME), old);
  }
  await rename(temp, join(dir, NAME));
  await rm(old, { recursive: true, force: true });
}

/** Reads the checkpoint under `dir`, if any; a kill between the two renames is recovered. */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const path = [join(dir, NAME), join(dir, `${NAME}.old`)].find((p) => existsSync(join(p, 'state.json')));
  if (!path) return undefined;
  const { optimizerStep, ...state } = JSON.parse(await readFile(join(path, 'state.json'), 'utf8')) as TrainState & { optimizerStep: number };
  const tensors = await loadTensors(path, 'optimizer');
  const count = Object.keys(tensors).length / 2;
  const pick = (prefix: string) => Array.from({ length: count }, (_, i) => tensors[`${prefix}${i}`]);
  return {
    state,
    model: await loadLayersModel(join(path, 'model')),
    ema: await loadLayersModel(join(path, 'ema')),
    optimizer: { step: optimizerStep, m: pick('m'), v: pick('v') },
  };
}

/** Frees a checkpoint's tensors and models. */
export function disposeCheckpoint(checkpoint: Checkpoint): void {
  checkpoint.model.dispose();
  checkpoint.ema.dispose();
  tf.dispose([...checkpoint.optimizer.m, ...checkpoint.optimizer.v]);
}
