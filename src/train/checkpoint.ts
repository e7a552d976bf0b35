import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadLayersModel, loadTensors, saveLayersModel, saveTensors } from '../model/io.js';
import type { AdamState } from './adam.js';
import { runPaths } from '../results/layout.js';

/** Scalars saved with a checkpoint. */
export interface TrainState {
  /** Steps completed. */
  readonly step: number;
  /** Loss at every completed step, in order. */
  readonly losses: number[];
  /** Hash of everything that determines training; a checkpoint of another config is refused. */
  readonly configHash: string;
  /**
   * Wall-clock ms spent training to `step`, summed over the attempts that reached it (absent in
   * checkpoints from before it was recorded): what a resumed run adds to its own attempt's time.
   */
  readonly trainMs?: number;
}

export interface Checkpoint {
  readonly state: TrainState;
  /** Current weights, a TF.js layers model. */
  readonly model: tfl.LayersModel;
  /** EMA weights in the same topology: the model sampling uses. */
  readonly ema: tfl.LayersModel;
  readonly optimizer: AdamState;
}

/** SHA-256 of every other file of a checkpoint, written last: what `readCheckpoint` verifies. */
const MANIFEST = 'manifest.json';

/** A checkpoint whose files do not match its manifest (or cannot be read): never used. */
export class DamagedCheckpoint extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`checkpoint ${path} is damaged (${problem})`);
    this.name = 'DamagedCheckpoint';
  }
}

/** Every file under `root`, as paths relative to it, sorted. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/**
 * Writes a checkpoint as `<dir>/checkpoint/{model,ema}/model.json` (TF.js format),
 * `optimizer.{json,bin}` and `state.json`. Atomic: everything goes into a temp folder that
 * replaces the old one by rename, so a kill at any moment leaves one whole checkpoint.
 */
export async function writeCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  const temp = `${runPaths(dir).checkpoint}.tmp`;
  const old = `${runPaths(dir).checkpoint}.old`;
  await rm(temp, { recursive: true, force: true });
  await saveLayersModel(checkpoint.model, join(temp, 'model'));
  await saveLayersModel(checkpoint.ema, join(temp, 'ema'));
  const { m, v, step } = checkpoint.optimizer;
  await saveTensors(Object.fromEntries([...m.map((t, i) => [`m${i}`, t]), ...v.map((t, i) => [`v${i}`, t])]), temp, 'optimizer');
  await writeFile(join(temp, 'state.json'), JSON.stringify({ ...checkpoint.state, optimizerStep: step }));
  const files = await filesUnder(temp);
  const digests = Object.fromEntries(await Promise.all(files.map(async (f) => [f, await sha256(join(temp, f))] as const)));
  await writeFile(join(temp, MANIFEST), JSON.stringify({ sha256: digests }));
  if (existsSync(runPaths(dir).checkpoint)) {
    await rm(old, { recursive: true, force: true });
    await rename(runPaths(dir).checkpoint, old);
  }
  await rename(temp, runPaths(dir).checkpoint);
  await rm(old, { recursive: true, force: true });
}

/** Checks every file of the checkpoint at `path` against its manifest; throws DamagedCheckpoint naming the first that differs. */
async function verify(path: string): Promise<void> {
  if (!existsSync(join(path, MANIFEST))) throw new DamagedCheckpoint(path, `${MANIFEST} is missing`);
  let recorded: Record<string, string>;
  try {
    recorded = (JSON.parse(await readFile(join(path, MANIFEST), 'utf8')) as { sha256: Record<string, string> }).sha256;
  } catch {
    throw new DamagedCheckpoint(path, `${MANIFEST} does not parse`);
  }
  const files = (await filesUnder(path)).filter((f) => f !== MANIFEST);
  const listed = Object.keys(recorded).sort();
  if (files.join('\n') !== listed.join('\n'))
    throw new DamagedCheckpoint(path, `its files are not the ${listed.length} its manifest lists`);
  for (const file of listed) {
    if ((await sha256(join(path, file))) !== recorded[file]) throw new DamagedCheckpoint(path, `${file} does not match its SHA-256`);
  }
}

/**
 * Reads the checkpoint under `dir`, if any, after checking every file against its manifest; a
 * kill between the two renames is recovered. A damaged one throws DamagedCheckpoint.
 */
export async function readCheckpoint(dir: string): Promise<Checkpoint | undefined> {
  const path = [runPaths(dir).checkpoint, `${runPaths(dir).checkpoint}.old`].find((p) => existsSync(join(p, 'state.json')));
  if (!path) return undefined;
  await verify(path);
  const { optimizerStep, ...state } = JSON.parse(await readFile(join(path, 'state.json'), 'utf8')) as TrainState & {
    optimizerStep: number;
  };
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

/** Removes the checkpoint (and a half-renamed one) under `dir`. */
export async function removeCheckpoint(dir: string): Promise<void> {
  const path = runPaths(dir).checkpoint;
  await Promise.all([path, `${path}.old`, `${path}.tmp`].map((p) => rm(p, { recursive: true, force: true })));
}

/** Frees a checkpoint's tensors and models. */
export function disposeCheckpoint(checkpoint: Checkpoint): void {
  checkpoint.model.dispose();
  checkpoint.ema.dispose();
  tf.dispose([...checkpoint.optimizer.m, ...checkpoint.optimizer.v]);
}
