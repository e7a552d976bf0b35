import * as tf from '@tensorflow/tfjs-core';
import { engineInfo, withPrecision, type Precision } from '../engine/backend.js';
import { Adam } from '../train/adam.js';
import { buildReferenceUNet, type ReferenceUNetOptions } from '../model/reference-unet.js';
import { trainingForward } from '../model/training-forward.js';
import { Rng, seedFrom } from '../util/rng.js';

/** Named shapes for the training-speed bench; `reference` matches scripts/torch_unet.py. */
export const BENCH_PRESETS = {
  reference: { size: 32, channels: 1, base: 32, batch: 32 },
  small: { size: 32, channels: 1, base: 16, batch: 16 },
  faces64: { size: 64, channels: 3, base: 32, batch: 16 },
} as const satisfies Record<string, ReferenceUNetOptions & { batch: number }>;
export type BenchPreset = keyof typeof BENCH_PRESETS;

export interface TrainBenchOptions {
  readonly preset: BenchPreset;
  /** Timed steps (after `warmup` untimed ones). */
  readonly steps: number;
  readonly warmup: number;
  /** Overrides the preset's batch size. */
  readonly batch?: number;
  /** Then times the kernels of one more step (tf.profile) and reports them. */
  readonly profile?: boolean;
  /** The convolutions' precision (bf16: native engine on a CPU with bf16). */
  readonly precision?: Precision;
}

/** Milliseconds and calls of one kernel over a profiled step. */
export interface KernelTime {
  readonly ms: number;
  readonly calls: number;
}

export interface TrainBenchResult {
  readonly bench: 'train';
  readonly preset: BenchPreset;
  readonly backend: string;
  readonly provider: string;
  readonly threads: number;
  readonly precision: Precision;
  readonly params: number;
  readonly size: number;
  readonly channels: number;
  readonly base: number;
  readonly batch: number;
  readonly steps: number;
  readonly msPerStep: number;
  readonly imgsPerSec: number;
  /** L1 loss before the first and after the last timed step: proof that it trains. */
  readonly lossFirst: number;
  readonly lossLast: number;
  /** With `profile`: one step's kernels, slowest first. */
  readonly kernels?: Record<string, KernelTime>;
}

/** Kernel times of one run of `f` (tf.profile), summed by kernel name, slowest first. */
export async function profileKernels(f: () => void): Promise<Record<string, KernelTime>> {
  const info = await tf.profile(f);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const kernel of info.kernels) {
    const entry = byName.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : NaN; // a backend's timing error
    entry.calls += 1;
    byName.set(kernel.name, entry);
  }
  const sorted = [...byName].sort((a, b) => b[1].ms - a[1].ms);
  return Object.fromEntries(sorted.map(([name, { ms, calls }]) => [name, { ms: Number(ms.toFixed(2)), calls }]));
}

/**
 * Times Adam (lr 2e-4) steps of L1 regression on a fixed random batch, the loop of
 * scripts/torch_unet.py, with coldbench's own Adam (train/adam.ts, as runs train), on the engine
 * already chosen with `initEngine`, at `precision`.
 */
export async function benchTrain(options: TrainBenchOptions): Promise<TrainBenchResult> {
  const engine = engineInfo();
  if (!engine) throw new Error('benchTrain needs initEngine() first');
  const shape = BENCH_PRESETS[options.preset];
  const batch = options.batch ?? shape.batch;
  const model = buildReferenceUNet(shape);
  const rng = new Rng(seedFrom('bench-train', options.preset));
  const x = tf.tensor4d(rng.normals(batch * shape.size ** 2 * (shape.channels + 1)), [batch, shape.size, shape.size, shape.channels + 1]);
  const y = tf.tensor4d(rng.normals(batch * shape.size ** 2 * shape.channels), [batch, shape.size, shape.size, shape.channels]);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const forward = trainingForward(model);
  const optimizer = new Adam(vars, 2e-4);
  const precision = options.precision ?? 'fp32';
  const step = (): number =>
    withPrecision(precision, () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(forward([x]), y))) as tf.Scalar, vars);
      optimizer.update(vars.map((v) => grads[v.name]));
      const loss = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);
      return loss;
    });

  for (let i = 0; i < options.warmup; i++) step();
  const lossFirst = step();
  const start = performance.now();
  let lossLast = lossFirst;
  for (let i = 0; i < options.steps; i++) lossLast = step();
  const msPerStep = (performance.now() - start) / options.steps;
  const kernels = options.profile ? await profileKernels(() => void step()) : undefined;

  const params = model.countParams();
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  const round = (v: number, digits = 2) => Number(v.toFixed(digits));
  return {
    bench: 'train',
    preset: options.preset,
    backend: engine.backend,
    provider: engine.provider,
    threads: engine.threads,
    precision,
    params,
    ...shape,
    batch,
    steps: options.steps,
    msPerStep: round(msPerStep),
    imgsPerSec: round((batch * 1000) / msPerStep),
    lossFirst: round(lossFirst, 4),
    lossLast: round(lossLast, 4),
    ...(kernels && { kernels }),
  };
}
