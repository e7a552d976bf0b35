/**
 * The native engine's self-test, run in a child process by src/engine/native/self-test.ts (a
 * crash here must not take the caller with it). Usage: `node native-probe.js <addon path>`.
 *
 * Phase 1 runs every workload the presets really produce (training steps of the speed-bench
 * U-Nets at batches 1–64, the suites' U-Nets training and sampling, the feature nets training and
 * embedding) on the native engine. Before a kernel meets a shape for the first time the probe
 * prints `kernel <label>` (a synchronous write, so a segfault leaves it as the last line); then
 * it checks that shape's output against the wasm kernel it replaces. Phase 2 runs a few plain
 * training steps of each speed-bench preset, as `bench train` does. Lines on stdout:
 *   workload <name> | kernel <label> | mismatch <label> <error> | ok <kernels> <workloads>
 * Exit 0 when everything ran and agreed; 1 at the first mismatch or on an error; a signal on a crash.
 * COLDBENCH_NATIVE_FAULT=<kernel name> raises SIGSEGV at that kernel's first shape, and
 * <kernel name>:wrong changes its first output there by 1: the tests use them to prove that a
 * crash or a wrong result disables the engine.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { writeSync } from 'node:fs';
import { loadNativeAddon } from '../engine/native/addon.js';
import { NATIVE_BACKEND, registerNativeBackend, type NativeKernelWrap } from '../engine/native/index.js';
import { buildFeatureNet } from '../model/feature-net.js';
import { buildReferenceUNet } from '../model/reference-unet.js';
import { timeEmbedding } from '../model/time-embedding.js';
import { trainingForward } from '../model/training-forward.js';
import { UNET_PRESETS, buildUNet, type UNetPreset } from '../model/unet.js';
import { Rng } from '../util/rng.js';
import { BENCH_PRESETS, type BenchPreset } from './train-speed.js';
import { INFERENCE_CHUNK } from '../worker/run.js';

/** Largest |native − wasm| allowed, relative to 1 + the largest |wasm| value of that output. */
const TOLERANCE = 1e-3;
/** Batches of the speed-bench presets' training steps. */
const BENCH_BATCHES = [1, 2, 16, 32, 64];
/** Image shapes the datasets give: digits 32×1, faces and animals 32×3 and 64×3. */
const IMAGES = [
  [32, 1],
  [32, 3],
  [64, 3],
] as const;
/** The suites' training batch, the samplers' chunk (one network batch) and one odd remainder. */
const SUITE_TRAIN_BATCH = 32,
  SAMPLE_BATCHES = [INFERENCE_CHUNK, 5];
/** The feature net's training batch and its embedding batch (src/train/feature-net.ts). */
const FEATURE_TRAIN_BATCH = 64,
  FEATURE_EMBED_BATCH = 256;
/** Plain training steps per speed-bench preset in phase 2. */
const PHASE2_STEPS = 3;

const say = (line: string) => writeSync(1, `${line}\n`);
let workloads = 0;
function workload(name: string): void {
  workloads++;
  say(`workload ${name}`);
}
const rng = new Rng(20221127);
const random = (shape: number[]) => tf.tensor(rng.normals(tf.util.sizeFromShape(shape)), shape);

/** A kernel call's identity: its name, its inputs' shapes and the attributes that shape it. */
function label(name: string, args: Parameters<tf.KernelFunc>[0]): string {
  const inputs = Object.entries(args.inputs).map(([k, t]) => `${k}[${t?.shape.join(',')}]`);
  const keys = [
    'strides',
    'pad',
    'dilations',
    'inputShape',
    'filterShape',
    'axis',
    'numOrSizeSplits',
    'size',
    'filterSize',
    'transposeA',
    'transposeB',
    'activation',
    'keepDims',
  ];
  const attrs = keys.filter((k) => args.attrs?.[k] !== undefined).map((k) => `${k}=${JSON.stringify(args.attrs![k])}`);
  return [name, ...inputs, ...attrs].join(' ');
}

function largestError(ours: Float32Array, reference: Float32Array): number {
  if (ours.length !== reference.length) return Infinity;
  let error = 0,
    scale = 0;
  for (let i = 0; i < ours.length; i++) {
    const e = Math.abs(ours[i] - reference[i]);
    error = Number.isNaN(e) ? Infinity : Math.max(error, e);
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return error / (1 + scale);
}

const seen = new Set<string>();
const [faultKernel, faultKind] = (process.env.COLDBENCH_NATIVE_FAULT ?? '').split(':');

/** Announces each new shape, then checks the native output against the wasm kernel's. */
const watch: NativeKernelWrap = (name, native, stock) => (args) => {
  const id = label(name, args);
  const first = !seen.has(id);
  if (first) {
    seen.add(id);
    say(`kernel ${id}`);
    if (faultKernel === name && faultKind !== 'wrong') process.kill(process.pid, 'SIGSEGV');
  }
  const out = native(args);
  if (out === undefined) return stock.kernelFunc(args);
  if (first) {
    const backend = args.backend as BackendWasm;
    if (faultKernel === name && faultKind === 'wrong') (backend.typedArrayFromHeap([out].flat()[0]) as Float32Array)[0] += 1;
    const reference = stock.kernelFunc(args);
    const [ours, theirs] = [[out].flat(), [reference].flat()];
    const error = Math.max(
      ...ours.map((t, i) =>
        largestError(backend.typedArrayFromHeap(t) as Float32Array, backend.typedArrayFromHeap(theirs[i]) as Float32Array),
      ),
    );
    theirs.forEach((t) => backend.disposeData(t.dataId));
    if (!(error <= TOLERANCE)) {
      say(`mismatch ${id} ${error}`);
      process.exit(1);
    }
  }
  return out;
};

/** One Adam step of L1 regression through the forward pass every training in coldbench runs. */
function trainStep(model: tfl.LayersModel, optimizer: tf.Optimizer, inputs: tf.Tensor[], target: tf.Tensor): number {
  const forward = trainingForward(model);
  const loss = optimizer.minimize(() => tf.mean(tf.abs(tf.sub(forward(inputs), target))) as tf.Scalar, true)!;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

function benchWorkloads(preset: BenchPreset): void {
  const { size, channels, base } = BENCH_PRESETS[preset];
  const model = buildReferenceUNet({ size, channels, base });
  const optimizer = tf.train.adam(2e-4);
  for (const batch of BENCH_BATCHES) {
    workload(`train ${preset} batch ${batch}`);
    tf.tidy(() => void trainStep(model, optimizer, [random([batch, size, size, channels + 1])], random([batch, size, size, channels])));
  }
  optimizer.dispose();
  model.dispose();
}

function suiteWorkloads(preset: UNetPreset, size: number, channels: 1 | 3): void {
  const config = { ...UNET_PRESETS[preset], size, channels };
  const model = buildUNet(config);
  const optimizer = tf.train.adam(2e-4);
  const inputs = (batch: number) => [
    random([batch, size, size, channels]),
    timeEmbedding(
      Array.from({ length: batch }, (_, i) => i + 1),
      config.timeDim,
    ),
  ];
  workload(`suite ${preset} ${size}x${channels} train batch ${SUITE_TRAIN_BATCH}`);
  tf.tidy(() => void trainStep(model, optimizer, inputs(SUITE_TRAIN_BATCH), random([SUITE_TRAIN_BATCH, size, size, channels])));
  for (const batch of SAMPLE_BATCHES) {
    workload(`suite ${preset} ${size}x${channels} sample batch ${batch}`);
    tf.tidy(() => void (model.predict(inputs(batch), { batchSize: batch }) as tf.Tensor).dataSync());
  }
  optimizer.dispose();
  model.dispose();
}

function featureWorkloads(size: number, channels: 1 | 3): void {
  const classes = channels === 1 ? 10 : 4;
  const model = buildFeatureNet({ size, channels, classes, dim: 64 });
  const optimizer = tf.train.adam(1e-3);
  workload(`features ${size}x${channels} train batch ${FEATURE_TRAIN_BATCH}`);
  tf.tidy(
    () => void trainStep(model, optimizer, [random([FEATURE_TRAIN_BATCH, size, size, channels])], random([FEATURE_TRAIN_BATCH, classes])),
  );
  workload(`features ${size}x${channels} embed batch ${FEATURE_EMBED_BATCH}`);
  tf.tidy(() => void (model.predict(random([FEATURE_EMBED_BATCH, size, size, channels])) as tf.Tensor).dataSync());
  optimizer.dispose();
  model.dispose();
}

function plainTraining(preset: BenchPreset): void {
  const { size, channels, base, batch } = BENCH_PRESETS[preset];
  workload(`${PHASE2_STEPS} training steps ${preset}`);
  const model = buildReferenceUNet({ size, channels, base });
  const optimizer = tf.train.adam(2e-4);
  const [x, y] = [random([batch, size, size, channels + 1]), random([batch, size, size, channels])];
  for (let i = 0; i < PHASE2_STEPS; i++) {
    const loss = trainStep(model, optimizer, [x], y);
    if (!Number.isFinite(loss)) throw new Error(`${preset}: training step ${i + 1} gave loss ${loss}`);
  }
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
}

async function main(path: string): Promise<void> {
  const loaded = loadNativeAddon(path);
  if ('reason' in loaded) throw new Error(loaded.reason);
  loaded.addon.setThreads(1);
  await registerNativeBackend(loaded.addon, watch);
  await tf.setBackend(NATIVE_BACKEND);
  const presets = Object.keys(BENCH_PRESETS) as BenchPreset[];
  for (const preset of presets) benchWorkloads(preset);
  for (const preset of Object.keys(UNET_PRESETS) as UNetPreset[])
    for (const [size, channels] of IMAGES) suiteWorkloads(preset, size, channels);
  for (const [size, channels] of IMAGES) featureWorkloads(size, channels);
  for (const preset of presets) plainTraining(preset);
  say(`ok ${seen.size} ${workloads}`);
}

main(process.argv[2] ?? '').catch((error: Error) => {
  say(`error ${error.message.split('\n')[0]}`);
  process.exit(1);
});
