import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { residualGaussianity } from '../analysis/gaussianity.js';
import { batchTensor } from '../data/batch.js';
import { loadDataset } from '../data/index.js';
import type { ImageSplit } from '../data/types.js';
import { degrade, drawNoise } from '../degradations/degrade.js';
import { getDegradation, resolveParams } from '../degradations/index.js';
import type { Assets, Degradation, Noise, ParamValues } from '../degradations/types.js';
import { timeEmbedding } from '../model/time-embedding.js';
import { getPreset, type UNetConfig } from '../model/unet.js';
import { canGenerate, fitPrior } from '../sampling/prior.js';
import { appliesTo, getSampler, restorationStart, type Restorer } from '../sampling/samplers.js';
import { featureNet, type FeatureNet } from '../train/feature-net.js';
import { train } from '../train/train.js';
import { withPrecision } from '../engine/backend.js';
import { writeFileAtomic } from '../util/fs.js';
import { gridToPng } from '../util/image.js';
import { Rng } from '../util/rng.js';
import type { RunSpec } from '../results/config.js';
import { gridFile, runPaths } from '../results/layout.js';
import type { GaussianityRow, GenerationStarts, Measurements, MetricRow, SampleGridFile, StartPrior, Timing } from '../results/types.js';
import { evaluate, makeReference, realFloor, restorationScores, type Reference } from './evaluate.js';

/** √ᾱ_T of a mix degradation (see Evaluation.x0ShareAtT), or null. */
export function x0ShareAtT(deg: Degradation, params: ParamValues): number | null {
  const alphaBar = deg.alphaBar?.(params);
  return alphaBar ? Math.sqrt(alphaBar[params.steps as number]) : null;
}

/** The number of distinct images in a batch (bit-equal pixels). */
function distinctImages(images: tf.Tensor4D): number {
  const [n] = images.shape;
  const data = images.dataSync() as Float32Array;
  const per = data.length / n;
  const seen = new Set<string>();
  for (let i = 0; i < n; i++)
    seen.add(
      createHash('sha256')
        .update(new Uint8Array(data.buffer, data.byteOffset + i * per * 4, per * 4))
        .digest('hex'),
    );
  return seen.size;
}

/** Runs `work` and appends its wall time to `timings` under `phase`. */
function timed<T>(timings: Timing[], phase: string, work: () => T): T {
  const start = performance.now();
  const out = work();
  if (out instanceof Promise) return out.finally(() => timings.push({ phase, ms: Math.round(performance.now() - start) })) as T;
  timings.push({ phase, ms: Math.round(performance.now() - start) });
  return out;
}

/** The outcome of one run (STYLE.md §5: a tagged union). */
export type RunResult =
  | (Measurements & {
      readonly state: 'completed';
      readonly losses: number[];
      /**
       * Where the run's time went, phase by phase, in ms; training resumed from a checkpoint counts
       * the earlier attempts' time to it too (as far as the checkpoint recorded it).
       */
      readonly timings: Timing[];
      /** Of that, training time spent in earlier attempts (ms): what the run's own clock did not see. */
      readonly earlierMs: number;
    })
  | { readonly state: 'diverged'; readonly step: number; readonly loss: number; readonly losses: number[] }
  | { readonly state: 'stopped'; readonly step: number; readonly losses: number[] };

export interface RunOptions {
  /** Folder of the run: checkpoint, sample grids, metrics. */
  readonly dir: string;
  /** Where feature networks are cached. */
  readonly featureCache: string;
  readonly onStep?: (step: number, loss: number) => void;
  readonly onCheckpoint?: (losses: readonly number[]) => Promise<void>;
  /** Write `samples/training-step-<k>.png` at each checkpoint: a few held-out images restored by the EMA model so far. */
  readonly trainingGrids?: boolean;
  /** Called as each phase (see Timing) starts. */
  readonly onPhase?: (phase: string) => void;
  readonly signal?: AbortSignal;
}

/** Batches of a split in order, for fitting priors without one giant tensor. */
export function* batches(split: ImageSplit, size = 512): Generator<tf.Tensor4D> {
  for (let start = 0; start < split.n; start += size) {
    const batch = batchTensor(
      split,
      Int32Array.from({ length: Math.min(size, split.n - start) }, (_, i) => start + i),
    );
    yield batch;
    batch.dispose();
  }
}

/**
 * R(x_t, t) from the EMA network: what every sampler calls. The whole chunk is one network batch
 * (predict would otherwise cut it into batches of 32); the outputs do not depend on the batch size,
 * bit for bit, on either engine (test/worker/run.test.ts).
 */
export function restorer(model: tfl.LayersModel, timeDim: number): Restorer {
  return (xt, t) =>
    tf.tidy(() => model.predict([xt, timeEmbedding(new Array(xt.shape[0]).fill(t), timeDim)], { batchSize: xt.shape[0] }) as tf.Tensor4D);
}

/** Images per sampler call: bounds memory; larger chunks were not faster (docs/engine.md, `bench sample --chunk`). */
export const INFERENCE_CHUNK = 128;

/** Runs a sampler over `xT` in chunks so memory stays bounded; returns x̂0. `rng` feeds stochastic samplers (ddpm). */
export function sampleChunked(
  name: string,
  restore: Restorer,
  deg: Degradation,
  params: ParamValues,
  noise: Noise,
  xT: tf.Tensor4D,
  rng: Rng,
  chunk = INFERENCE_CHUNK,
): tf.Tensor4D {
  const { sample } = getSampler(name);
  const n = xT.shape[0];
  const parts: tf.Tensor4D[] = [];
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const slice = <T extends tf.Tensor>(t: T) => tf.slice(t, start, size) as T;
    const chunkNoise = Object.fromEntries(Object.entries(noise).map(([k, v]) => [k, slice(v)]));
    const xChunk = slice(xT);
    parts.push(sample(restore, { degradation: deg, params, noise: chunkNoise, rng: rng.fork(`chunk-${start}`) }, xChunk).x0);
    tf.dispose([xChunk, ...Object.values(chunkNoise)]);
  }
  const x0 = tf.concat(parts, 0);
  tf.dispose(parts);
  return x0;
}

/** R(x, t) over `x` in chunks of 128 images. */
function restoreChunked(restore: Restorer, x: tf.Tensor4D, t: number): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [];
  for (let start = 0; start < x.shape[0]; start += INFERENCE_CHUNK) {
    parts.push(tf.tidy(() => restore(tf.slice(x, start, Math.min(INFERENCE_CHUNK, x.shape[0] - start)), t)));
  }
  const out = tf.concat(parts, 0);
  tf.dispose(parts);
  return out;
}

/**
 * Residual statistics (see GaussianityRow) at evenly spaced t in 1..T and, given `restoration`,
 * the one-shot restoration's FID-like and L1 at each of them.
 */
export function gaussianity(
  deg: Degradation,
  params: ParamValues,
  x0: tf.Tensor4D,
  noise: Noise,
  count: number,
  rng: Rng,
  restoration?: { restore: Restorer; reference: Reference },
): GaussianityRow[] {
  const T = params.steps as number;
  const alphaBar = deg.alphaBar?.(params);
  const steps = [...new Set(Array.from({ length: count }, (_, i) => Math.max(1, Math.round(((i + 1) * T) / count))))];
  return steps.map((t) => {
    const xt = degrade(deg, x0, t, params, noise);
    const residual = tf.tidy(() => tf.sub(xt, alphaBar ? tf.mul(x0, Math.sqrt(alphaBar[t])) : x0));
    const stats = residualGaussianity(residual, rng.fork(t));
    residual.dispose();
    let scores: GaussianityRow['restoration'];
    if (restoration) {
      const x0hat = restoreChunked(restoration.restore, xt, t);
      scores = restorationScores(x0hat, restoration.reference, x0);
      x0hat.dispose();
    }
    xt.dispose();
    return { t, ...stats, ...(scores && { restoration: scores }) };
  });
}

/**
 * One run: train R to invert one degradation, sample with every sampler in restoration and
 * generation mode (docs/reference.md §1, §3), and measure all metrics against held-out images.
 * Writes sample grids under `<dir>/samples/` and resumes training from `<dir>/checkpoint`.
 */
export async function runOne(spec: RunSpec, options: RunOptions): Promise<RunResult> {
  const deg = getDegradation(spec.degradation);
  const params = resolveParams(deg, spec.params);
  const data = await loadDataset(spec.dataset, { size: spec.size });
  const { size, channels } = data.train;
  // Asset banks (animorph's animal faces): training draws from their training split, evaluation
  // (restoration ε and generation starts) from the held-out split, animals R never saw.
  const assets: Assets = {},
    heldOutAssets: Assets = {};
  for (const name of deg.requires ?? []) {
    const bank = await loadDataset(name, { size, channels });
    assets[name] = batchTensor(
      bank.train,
      Int32Array.from({ length: bank.train.n }, (_, i) => i),
    );
    heldOutAssets[name] = batchTensor(
      bank.test,
      Int32Array.from({ length: bank.test.n }, (_, i) => i),
    );
  }
  const model: UNetConfig = { ...getPreset(spec.model.preset), ...spec.model, size, channels };
  const rng = new Rng(spec.seed);
  const tensors: tf.Tensor[] = [...Object.values(assets), ...Object.values(heldOutAssets)];
  let net: FeatureNet | undefined;
  let ema: tfl.LayersModel | undefined, raw: tfl.LayersModel | undefined;
  const timings: Timing[] = [];
  // While training: the first held-out images (evaluation seed), x_T and the one-shot restoration
  // by the EMA weights at each checkpoint, so a run shows what it learns before it ends.
  const trainingGrid = async (step: number, emaSoFar: tfl.LayersModel) => {
    const x0 = batchTensor(
      data.test,
      Int32Array.from({ length: Math.min(spec.sampling.gridImages, data.test.n) }, (_, i) => i),
    );
    const noise = drawNoise(deg, x0.shape, params, new Rng(spec.evaluationSeed).fork('training-grid'), heldOutAssets);
    const xT = restorationStart(deg, params, x0, noise);
    const x0hat = restorer(emaSoFar, model.timeDim)(xT, params.steps as number);
    await writeFileAtomic(runPaths(options.dir).sample(`training-step-${step}.png`), await gridToPng([x0, xT, x0hat], { scale: 2 }));
    tf.dispose([x0, xT, x0hat, ...Object.values(noise)]);
  };
  // Each phase is announced as it starts (the progress line shows it) and timed.
  const time = <T>(phase: string, work: () => T): T => {
    options.onPhase?.(phase);
    return timed(timings, phase, work);
  };
  try {
    const precision = spec.train.precision ?? 'fp32'; // results from before it existed ran fp32
    const outcome = await time('train', () =>
      withPrecision(precision, () =>
        train({
          dir: options.dir,
          seed: spec.seed,
          model,
          train: spec.train,
          degradation: deg,
          params,
          data: data.train,
          assets,
          onStep: options.onStep,
          signal: options.signal,
          onCheckpoint: async (losses, emaSoFar) => {
            await options.onCheckpoint?.(losses);
            if (options.trainingGrids) await trainingGrid(losses.length, emaSoFar);
          },
        }),
      ),
    );
    if (outcome.state !== 'completed') return outcome;
    ({ ema, raw } = outcome);
    const earlierMs = outcome.earlierMs;
    const trained = timings.findIndex((t) => t.phase === 'train');
    timings[trained] = { phase: 'train', ms: timings[trained].ms + earlierMs };
    // Sampling runs the U-Net at the run's precision; metrics and feature networks at fp32.
    const atPrecision = restorer(ema, model.timeDim);
    const restore: Restorer = (xt, t) => withPrecision(precision, () => atPrecision(xt, t));
    const samplers = spec.sampling.samplers.filter((name) => appliesTo(name, deg)); // ddim: mix degradations only

    net = await time('features', () => featureNet(data, spec.features, options.featureCache));
    const count = Math.min(spec.sampling.count, data.test.n);
    // Images, ε and floor from the repetition's evaluation seed: every configuration sees the same.
    const evaluation = new Rng(spec.evaluationSeed);
    const x0 = batchTensor(data.test, evaluation.fork('eval-images').permutation(data.test.n).slice(0, count));
    const reference: Reference = time('reference', () => makeReference(x0, data.test, net!, evaluation.fork('bootstrap')));
    const noise = drawNoise(deg, x0.shape, params, evaluation.fork('eval-noise'), heldOutAssets);
    tensors.push(x0, reference.features, ...Object.values(noise));
    const floor = time('floor', () => realFloor(data.train, count, reference, evaluation.fork('floor')));
    const metrics: MetricRow[] = [];
    const rawRestoration: MetricRow[] = [];
    const starts: GenerationStarts[] = [];
    let startPrior: StartPrior | null = null;
    const grid = (t: tf.Tensor4D) => tf.slice(t, 0, Math.min(spec.sampling.gridImages, count));
    const grids: SampleGridFile[] = [];
    const saveGrid = async (mode: SampleGridFile['mode'], delta: number | null, labels: string[], rows: tf.Tensor4D[]) => {
      const file = gridFile(mode, delta);
      await writeFileAtomic(runPaths(options.dir).sample(file), await gridToPng(rows, { scale: 2 }));
      grids.push({ file, mode, delta, rows: [...labels, ...samplers] });
    };

    if (spec.sampling.restoration) {
      const xT = restorationStart(deg, params, x0, noise);
      tensors.push(xT);
      metrics.push(
        ...time('metrics restoration degraded', () =>
          evaluate(xT, reference, { mode: 'restoration', sampler: 'degraded', delta: null }, x0),
        ),
      );
      const rows = [grid(x0), grid(xT)];
      for (const name of samplers) {
        const x0hat = time(`sample restoration ${name}`, () =>
          sampleChunked(name, restore, deg, params, noise, xT, rng.fork(`restoration-${name}`)),
        );
        metrics.push(
          ...time(`metrics restoration ${name}`, () => evaluate(x0hat, reference, { mode: 'restoration', sampler: name, delta: null }, x0)),
        );
        rows.push(grid(x0hat));
        x0hat.dispose();
      }
      await saveGrid('restoration', null, ['x0 (real)', 'x_T (degraded)'], rows);
      tf.dispose(rows);
      // The raw (non-EMA) weights, one-shot: does the EMA help or lag?
      rawRestoration.push(
        ...time('raw', () => {
          const rawX0 = sampleChunked(
            'direct',
            (xt, t) => withPrecision(precision, () => restorer(raw!, model.timeDim)(xt, t)),
            deg,
            params,
            noise,
            xT,
            rng.fork('raw'),
          );
          const rows = evaluate(rawX0, reference, { mode: 'restoration', sampler: 'direct', delta: null }, x0);
          rawX0.dispose();
          return rows;
        }),
      );
    }

    if (spec.sampling.generation && canGenerate(deg)) {
      const prior = time('prior', () =>
        fitPrior(deg, params, batches(data.train), rng.fork('prior'), { components: spec.sampling.gmmComponents, assets: heldOutAssets }),
      );
      const dims = prior.gmm?.model.dim ?? null;
      startPrior = { kind: prior.kind, dims, flat: dims !== null && dims <= channels };
      for (const delta of spec.sampling.deltas) {
        const start = prior.draw(count, rng.fork(`start-${delta}`), { delta });
        starts.push({ delta, distinct: distinctImages(start.xT), of: count, alg2KeepsNoise: delta });
        const rows = [grid(start.xT)];
        for (const name of samplers) {
          const x0hat = time(`sample generation ${name} δ=${delta}`, () =>
            sampleChunked(name, restore, deg, params, start.noise, start.xT, rng.fork(`generation-${delta}-${name}`)),
          );
          metrics.push(
            ...time(`metrics generation ${name} δ=${delta}`, () =>
              evaluate(x0hat, reference, { mode: 'generation', sampler: name, delta }),
            ),
          );
          rows.push(grid(x0hat));
          x0hat.dispose();
        }
        await saveGrid('generation', delta, [`x_T (prior, δ=${delta})`], rows);
        tf.dispose([start.xT, ...Object.values(start.noise), ...rows]);
      }
    }

    const residuals = time('gaussianity', () =>
      gaussianity(
        deg,
        params,
        x0,
        noise,
        spec.sampling.gaussianitySteps,
        rng.fork('gaussianity'),
        spec.sampling.restoration ? { restore, reference } : undefined,
      ),
    );
    return {
      state: 'completed',
      metrics,
      losses: outcome.losses,
      timings,
      earlierMs,
      grids,
      gaussianity: residuals,
      featureNet: { hash: net.hash, weights: net.weights, objective: net.objective, testAccuracy: net.testAccuracy },
      evaluation: { images: count, referenceImages: data.test.n, floor, starts, prior: startPrior, x0ShareAtT: x0ShareAtT(deg, params) },
      rawRestoration,
    };
  } finally {
    tf.dispose(tensors);
    net?.dispose();
    ema?.dispose();
    raw?.dispose();
  }
}
