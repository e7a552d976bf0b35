import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { batchTensor } from '../data/batch.js';
import type { ImageSplit } from '../data/types.js';
import { degrade, drawNoise } from '../degradations/degrade.js';
import type { Assets, Degradation, ParamValues } from '../degradations/types.js';
import { UserError } from '../errors.js';
import { initWeights } from '../model/init.js';
import { timeEmbedding } from '../model/time-embedding.js';
import { trainingForward } from '../model/training-forward.js';
import { buildUNet, type UNetConfig } from '../model/unet.js';
import { hashOf } from '../util/canonical.js';
import { Rng, seedFrom } from '../util/rng.js';
import { Adam } from './adam.js';
import { DamagedCheckpoint, disposeCheckpoint, readCheckpoint, removeCheckpoint, writeCheckpoint } from './checkpoint.js';
import { Ema } from './ema.js';
import type { TrainConfig } from '../results/config.js';

export interface TrainJob {
  /** Folder of the run; the checkpoint lives in `<dir>/checkpoint`. */
  readonly dir: string;
  /** The run's seed: data order, t and degradation noise all derive from it. */
  readonly seed: number;
  readonly model: UNetConfig;
  readonly train: TrainConfig;
  readonly degradation: Degradation;
  readonly params: ParamValues;
  readonly data: ImageSplit;
  readonly assets: Assets;
  /** Called after every step. */
  readonly onStep?: (step: number, loss: number) => void;
  /** Called after each checkpoint is written, with the loss of every step so far and the EMA weights' model (owned by training). */
  readonly onCheckpoint?: (losses: readonly number[], ema: tfl.LayersModel) => Promise<void>;
  /** Stops after the current step with a checkpoint. */
  readonly signal?: AbortSignal;
}

export type TrainOutcome =
  | {
      readonly state: 'completed';
      readonly losses: number[];
      /** The EMA weights, which sampling uses, and the raw last weights, measured beside them. */
      readonly ema: tfl.LayersModel;
      readonly raw: tfl.LayersModel;
      /** Training time of earlier attempts, resumed from (ms; 0 for a run trained in one go). */
      readonly earlierMs: number;
    }
  | { readonly state: 'diverged'; readonly step: number; readonly loss: number; readonly losses: number[] }
  | { readonly state: 'stopped'; readonly step: number; readonly losses: number[] };

/** The EMA decay per update: time constant emaHorizon·steps, in updates of emaEvery steps. */
export function emaDecay(cfg: Pick<TrainConfig, 'steps' | 'emaEvery' | 'emaHorizon'>): number {
  return Math.exp(-cfg.emaEvery / (cfg.emaHorizon * cfg.steps));
}

/** Scales gradients so their joint L2 norm is at most `clip` (as torch's clip_grad_norm_). */
function clipByGlobalNorm(grads: tf.Tensor[], clip: number): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const factor = tf.div(clip, tf.maximum(norm, clip));
    return grads.map((g) => tf.mul(g, factor));
  });
}

/** Image indices of step `step` (1-based): consecutive slices of one seeded permutation per epoch. */
function batchIndices(seed: number, step: number, batch: number, n: number, cache: Map<number, Int32Array>): Int32Array {
  const out = new Int32Array(batch);
  for (let j = 0; j < batch; j++) {
    const k = (step - 1) * batch + j;
    const epoch = Math.floor(k / n);
    if (!cache.has(epoch)) {
      cache.clear();
      cache.set(epoch, new Rng(seedFrom(seed, 'epoch', epoch)).permutation(n));
    }
    out[j] = cache.get(epoch)![k % n];
  }
  return out;
}

/**
 * Trains R(x_t, t) ≈ x0 (Cold Diffusion eq. 1: min E‖R(D(x0, t), t) − x0‖, t uniform in 1..T)
 * with Adam, optional clipping and an EMA, resuming from `<dir>/checkpoint` when present. Every
 * random choice is a function of (seed, step), so a resumed run repeats an uninterrupted one.
 */
export async function train(job: TrainJob): Promise<TrainOutcome> {
  const { train: cfg, degradation, params, data } = job;
  const T = params.steps as number;
  const configHash = hashOf({
    model: job.model,
    train: cfg,
    degradation: degradation.name,
    version: degradation.version,
    params,
    seed: job.seed,
    n: data.n,
  });
  const model = buildUNet(job.model);
  initWeights(model, new Rng(seedFrom(job.seed, 'init')));
  const emaModel = buildUNet(job.model);
  const forward = trainingForward(model);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new Adam(vars, cfg.lr);
  const ema = new Ema(vars);
  let losses: number[] = [];
  let earlierMs = 0;
  const started = performance.now();

  let saved: Awaited<ReturnType<typeof readCheckpoint>>;
  try {
    saved = await readCheckpoint(job.dir);
  } catch (error) {
    if (!(error instanceof DamagedCheckpoint)) throw error;
    // Never train on from damaged state: say so, drop it, start over (the run is deterministic).
    console.error(`coldbench: ${error.message}; training this run from scratch`);
    await removeCheckpoint(job.dir);
  }
  if (saved) {
    if (saved.state.configHash !== configHash) {
      disposeCheckpoint(saved);
      throw new UserError(`The checkpoint in ${job.dir} was made with another configuration; delete that folder to retrain.`);
    }
    model.setWeights(saved.model.getWeights());
    ema.shadow.forEach((s, i) => s.assign(saved.ema.getWeights()[i]));
    adam.restore(saved.optimizer);
    losses = [...saved.state.losses];
    earlierMs = saved.state.trainMs ?? 0;
    disposeCheckpoint(saved);
  }
  const checkpoint = async () => {
    emaModel.setWeights(ema.shadow);
    const optimizer = adam.state();
    const trainMs = Math.round(earlierMs + performance.now() - started);
    await writeCheckpoint(job.dir, { state: { step: losses.length, losses, configHash, trainMs }, model, ema: emaModel, optimizer });
    tf.dispose([...optimizer.m, ...optimizer.v]);
    await job.onCheckpoint?.(losses, emaModel);
  };
  const finish = (outcome: TrainOutcome) => {
    adam.dispose();
    ema.dispose();
    if (outcome.state !== 'completed') {
      model.dispose();
      emaModel.dispose();
    }
    return outcome;
  };

  const permutations = new Map<number, Int32Array>();
  for (let step = losses.length + 1; step <= cfg.steps; step++) {
    const rng = new Rng(seedFrom(job.seed, 'step', step));
    const indices = batchIndices(job.seed, step, cfg.batch, data.n, permutations);
    const t = Int32Array.from({ length: cfg.batch }, () => 1 + rng.int(T));
    const x0 = batchTensor(data, indices);
    const noise = drawNoise(degradation, x0.shape, params, rng.fork('noise'), job.assets);
    const xt = degrade(degradation, x0, t, params, noise);
    const temb = timeEmbedding(t, job.model.timeDim);
    const { value, grads } = tf.variableGrads(() => {
      const diff = tf.sub(forward([xt, temb]), x0);
      return tf.mean(cfg.loss === 'l1' ? tf.abs(diff) : tf.square(diff));
    }, vars);
    const loss = (await value.data())[0];
    if (Number.isFinite(loss)) {
      const ordered = vars.map((v) => grads[v.name]);
      const clipped = cfg.clipNorm > 0 ? clipByGlobalNorm(ordered, cfg.clipNorm) : ordered;
      adam.update(clipped);
      if (clipped !== ordered) tf.dispose(clipped);
    }
    tf.dispose([x0, xt, temb, value, ...Object.values(noise), ...Object.values(grads)]);
    if (!Number.isFinite(loss)) return finish({ state: 'diverged', step, loss, losses });

    losses.push(loss);
    if (step % cfg.emaEvery === 0) {
      if (step < cfg.emaStart) ema.reset();
      else ema.update(emaDecay(cfg));
    }
    job.onStep?.(step, loss);
    if (step % cfg.checkpointEvery === 0 || step === cfg.steps) await checkpoint();
    // TF.js's reads resolve without reaching the event loop, so a stop request (a message on the
    // worker's port) would wait for the next checkpoint's file I/O; this lets it in every step.
    if (job.signal) await new Promise((resolve) => setImmediate(resolve));
    if (job.signal?.aborted && step < cfg.steps) {
      if (step % cfg.checkpointEvery !== 0) await checkpoint();
      return finish({ state: 'stopped', step, losses });
    }
  }
  emaModel.setWeights(ema.shadow);
  return finish({ state: 'completed', losses, ema: emaModel, raw: model, earlierMs });
}
