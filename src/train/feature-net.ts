import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { batchTensor } from '../data/batch.js';
import type { ImageSplit, LoadedDataset } from '../data/types.js';
import { FEATURE_LAYER, buildFeatureNet } from '../model/feature-net.js';
import { initWeights } from '../model/init.js';
import { loadLayersModel, saveLayersModel } from '../model/io.js';
import { hashOf } from '../util/canonical.js';
import { Rng, seedFrom } from '../util/rng.js';
import { Adam } from './adam.js';
import { onReproducibleEngine } from '../engine/backend.js';
import type { FeatureNetSpec } from '../results/config.js';

/**
 * `labels`: classify the dataset's labels (digits: a "Fréchet LeNet" classifier);
 * `rotation`: self-supervised, predict which of 0/90/180/270° an image was turned by
 * (Gidaris et al. 2018), for sets without labels.
 */
export type FeatureObjective = 'labels' | 'rotation';

export interface FeatureNet {
  /** Content hash of data + spec + architecture: the cache key. */
  readonly hash: string;
  /** SHA-256 of the trained weights; every result records it, and a cached net is checked against it. */
  readonly weights: string;
  readonly objective: FeatureObjective;
  /** Accuracy of the objective on the held-out split. */
  readonly testAccuracy: number;
  readonly dim: number;
  /** Its cache folder, where the features of held-out splits are kept too (worker/evaluate.ts); absent for a net not from the cache. */
  readonly dir?: string;
  /** Features [N, dim] of images in [−1, 1] (owned by the caller). */
  embed(images: tf.Tensor4D): tf.Tensor2D;
  /** The head's softmax [N, classes] (the dataset's labels, or the 4 rotations); owned by the caller. */
  probabilities(images: tf.Tensor4D): tf.Tensor2D;
  /** Both in one pass through the network (what `embed` and `probabilities` give, at the cost of one). */
  analyse(images: tf.Tensor4D): { readonly features: tf.Tensor2D; readonly probabilities: tf.Tensor2D };
  dispose(): void;
}

/** Bumped when the architecture or training loop changes, so old caches are not reused. */
const VERSION = 3;

/** SHA-256 of a network's weights, in order, as float32 bytes. */
export function weightsHash(net: tfl.LayersModel): string {
  const hash = createHash('sha256');
  for (const w of net.getWeights()) {
    const data = w.dataSync() as Float32Array;
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}

/** Rotates image i by turns[i] quarter turns: all four rotations of the batch, then a gather. */
function rotate(images: tf.Tensor4D, turns: Int32Array): tf.Tensor4D {
  return tf.tidy(() => {
    const rotations = [images];
    for (let r = 1; r < 4; r++) rotations.push(tf.reverse(tf.transpose(rotations[r - 1], [0, 2, 1, 3]), 2));
    const n = images.shape[0];
    return tf.gather(
      tf.concat(rotations, 0),
      Int32Array.from(turns, (k, i) => k * n + i),
    );
  });
}

/** A batch for the objective: images and integer targets. */
function objectiveBatch(split: ImageSplit, objective: FeatureObjective, indices: Int32Array, rng: Rng): { x: tf.Tensor4D; y: Int32Array } {
  const images = batchTensor(split, indices);
  if (objective === 'labels') return { x: images, y: Int32Array.from(indices, (i) => split.labels![i]) };
  const turns = Int32Array.from(indices, () => rng.int(4));
  const x = rotate(images, turns);
  images.dispose();
  return { x, y: turns };
}

function accuracy(net: tfl.LayersModel, split: ImageSplit, objective: FeatureObjective, seed: number): number {
  const rng = new Rng(seedFrom(seed, 'test'));
  let correct = 0;
  for (let start = 0; start < split.n; start += 256) {
    const indices = Int32Array.from({ length: Math.min(256, split.n - start) }, (_, i) => start + i);
    const { x, y } = objectiveBatch(split, objective, indices, rng);
    const predicted = tf.tidy(() => tf.argMax(net.predict(x) as tf.Tensor, 1).dataSync());
    x.dispose();
    predicted.forEach((p, i) => (correct += Number(p === y[i])));
  }
  return correct / split.n;
}

function trainNet(net: tfl.LayersModel, split: ImageSplit, objective: FeatureObjective, spec: FeatureNetSpec, classes: number): void {
  initWeights(net, new Rng(seedFrom(spec.seed, 'feature-init')));
  const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new Adam(vars, spec.lr);
  for (let step = 1; step <= spec.steps; step++) {
    const rng = new Rng(seedFrom(spec.seed, 'feature-step', step));
    const indices = Int32Array.from({ length: spec.batch }, () => rng.int(split.n));
    const { x, y } = objectiveBatch(split, objective, indices, rng);
    const target = tf.oneHot(tf.tensor1d(y, 'int32'), classes);
    const { value, grads } = tf.variableGrads(() => {
      const p = net.apply(x, { training: true }) as tf.Tensor;
      return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.log(tf.add(p, 1e-7))), 1))) as tf.Scalar;
    }, vars);
    adam.update(vars.map((v) => grads[v.name]));
    tf.dispose([x, target, value, ...Object.values(grads)]);
  }
  adam.dispose();
}

/** SHA-256 of a split's pixels and labels. */
export function splitDigest(split: ImageSplit): string {
  const hash = createHash('sha256').update(split.pixels);
  if (split.labels) hash.update(new Uint8Array(split.labels.buffer, split.labels.byteOffset, split.labels.byteLength));
  return hash.digest('hex');
}

/**
 * The cached net in `dir` when its weights hash to what info.json recorded; otherwise (none, a
 * damaged or older file) undefined, after one line saying why where a file was there, so the
 * caller retrains it.
 */
async function loadCached(dir: string): Promise<{ net: tfl.LayersModel; testAccuracy: number; weights: string } | undefined> {
  if (!existsSync(join(dir, 'info.json'))) return undefined;
  try {
    const info = JSON.parse(await readFile(join(dir, 'info.json'), 'utf8')) as { testAccuracy: number; weights?: string };
    const net = await loadLayersModel(dir);
    const weights = weightsHash(net);
    if (weights === info.weights) return { net, testAccuracy: info.testAccuracy, weights };
    net.dispose();
    console.error(`coldbench: the cached feature network ${dir} does not match its recorded weights hash; retraining it`);
  } catch (error) {
    console.error(
      `coldbench: the cached feature network ${dir} cannot be read (${(error as Error).message.split('\n')[0]}); retraining it`,
    );
  }
  return undefined;
}

/**
 * The dataset's feature network, trained once and cached under `<cacheDir>/<name>-<hash>/`
 * (TF.js format + info.json, written to a temp folder and renamed), keyed by the content hash
 * of its training data, spec and architecture.
 */
export async function featureNet(data: LoadedDataset, spec: FeatureNetSpec, cacheDir: string): Promise<FeatureNet> {
  const objective: FeatureObjective = data.train.labels ? 'labels' : 'rotation';
  if (objective === 'labels' && !data.classes)
    throw new Error(`dataset '${data.name}' has labels but declares no class count (DatasetDef.classes)`);
  const classes = objective === 'labels' ? data.classes! : 4;
  const config = { size: data.train.size, channels: data.train.channels, classes, dim: spec.dim };
  const hash = hashOf({ version: VERSION, config, spec, objective, train: splitDigest(data.train), test: splitDigest(data.test) });
  const dir = join(cacheDir, `${data.name}-${hash}`);
  const cached = await loadCached(dir);
  let net: tfl.LayersModel;
  let testAccuracy: number, weights: string;
  if (cached) {
    ({ net, testAccuracy, weights } = cached);
  } else {
    net = buildFeatureNet(config);
    // On the wasm engine, whatever engine the run uses: the same weights on every machine.
    testAccuracy = await onReproducibleEngine(() => {
      trainNet(net, data.train, objective, spec, classes);
      return accuracy(net, data.test, objective, spec.seed);
    });
    weights = weightsHash(net);
    const temp = `${dir}.tmp-${process.pid}`;
    await rm(temp, { recursive: true, force: true });
    await saveLayersModel(net, temp);
    await writeFile(join(temp, 'info.json'), JSON.stringify({ hash, weights, objective, testAccuracy, config, spec }));
    await mkdir(cacheDir, { recursive: true });
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  }
  const embedder = tfl.model({ inputs: net.inputs, outputs: net.getLayer(FEATURE_LAYER).output as tfl.SymbolicTensor });
  const both = tfl.model({ inputs: net.inputs, outputs: [net.getLayer(FEATURE_LAYER).output as tfl.SymbolicTensor, net.outputs[0]] });
  return {
    hash,
    weights,
    objective,
    testAccuracy,
    dim: spec.dim,
    dir,
    embed: (images) => tf.tidy(() => embedder.predict(images, { batchSize: 256 }) as tf.Tensor2D),
    probabilities: (images) => tf.tidy(() => net.predict(images, { batchSize: 256 }) as tf.Tensor2D),
    analyse: (images) => {
      const [features, probabilities] = both.predict(images, { batchSize: 256 }) as tf.Tensor2D[];
      return { features, probabilities };
    },
    dispose: () => net.dispose(),
  };
}
