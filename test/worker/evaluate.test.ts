import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureNet } from '../../src/train/feature-net.js';
import { Rng } from '../../src/util/rng.js';
import { forgetKeptFeatures, makeReference, realFloor, referenceFeatures } from '../../src/worker/evaluate.js';
import { batchTensor } from '../../src/data/batch.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothSplit } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

/** A stand-in feature net: each image's mean and max pixel (of the 8-bit image), counting its passes. */
function countingNet(weights: string, dir?: string): FeatureNet & { passes: number } {
  const net = {
    dir,
    hash: 'h',
    weights,
    objective: 'rotation' as const,
    testAccuracy: 1,
    dim: 2,
    passes: 0,
    embed(images: tf.Tensor4D): tf.Tensor2D {
      net.passes++;
      return tf.tidy(() => tf.stack([tf.mean(images, [1, 2, 3]), tf.max(images, [1, 2, 3])], 1) as tf.Tensor2D);
    },
    probabilities: () => {
      throw new Error('not used');
    },
    analyse: (images: tf.Tensor4D) => ({ features: net.embed(images), probabilities: tf.zeros([images.shape[0], 4]) as tf.Tensor2D }),
    dispose: () => {},
  };
  return net;
}

describe('referenceFeatures (the held-out split every sample set is compared with)', () => {
  it('embeds a split once per network and keeps it for the worker’s later runs; another network or split is another entry', () => {
    const split = smoothSplit(new Rng(1), 12, 8, 1);
    const net = countingNet('weights-a');
    const first = referenceFeatures(net, split);
    const again = referenceFeatures(net, split);
    expect(net.passes).toBe(1);
    expect(first.shape).toEqual([12, 2]);
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    // Image 0's first feature is its mean over the 8-bit image mapped to [−1, 1], as saved.
    const pixels = Array.from(split.pixels.subarray(0, 64), (p) => (p / 255) * 2 - 1);
    expect(first.dataSync()[0]).toBeCloseTo(pixels.reduce((s, v) => s + v, 0) / 64, 5);

    const retrained = countingNet('weights-b');
    tf.dispose(referenceFeatures(retrained, split));
    expect(retrained.passes).toBe(1);
    tf.dispose(referenceFeatures(net, smoothSplit(new Rng(2), 12, 8, 1)));
    expect(net.passes).toBe(2);
    tf.dispose([first, again]);
  });
});

describe('referenceFeatures on disk (beside the feature network, for other workers and processes)', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'coldbench-reference-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes them once and reads them back in a fresh worker; a damaged or foreign file is computed again', async () => {
    const split = smoothSplit(new Rng(8), 20, 8, 1);
    const net = countingNet('weights-disk', dir);
    const first = referenceFeatures(net, split);
    expect(net.passes).toBe(1);
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2); // reference-<hash>.f32 and .json
    const data = join(dir, files[0]);
    expect((await readFile(data)).byteLength).toBe(20 * 2 * 4);

    forgetKeptFeatures(); // as a second worker starts
    const read = referenceFeatures(net, split);
    expect(net.passes).toBe(1);
    expect(Array.from(read.dataSync())).toEqual(Array.from(first.dataSync()));

    const bytes = await readFile(data);
    bytes[5] ^= 0x10;
    await writeFile(data, bytes);
    forgetKeptFeatures();
    const again = referenceFeatures(net, split);
    expect(net.passes).toBe(2); // the SHA-256 no longer matched
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    forgetKeptFeatures();
    tf.dispose(referenceFeatures(net, split));
    expect(net.passes).toBe(2); // rewritten whole

    const other = countingNet('weights-other', dir);
    tf.dispose(referenceFeatures(other, split));
    expect(other.passes).toBe(1);
    expect(await readdir(dir)).toHaveLength(4);
    tf.dispose([first, read, again]);
  });
});

describe('realFloor (real-vs-real sets at a sample set’s size)', () => {
  it('is computed once per reference, real split, n and seed, and kept for the worker’s later runs', () => {
    const heldOut = smoothSplit(new Rng(3), 40, 8, 1);
    const real = smoothSplit(new Rng(4), 60, 8, 1);
    const net = countingNet('weights-floor');
    const x0 = batchTensor(
      heldOut,
      Int32Array.from({ length: 10 }, (_, i) => i),
    );
    const reference = makeReference(x0, heldOut, net, new Rng(5));
    const before = net.passes; // 1: the held-out split's features
    const floor = realFloor(real, 10, reference, new Rng(6).fork('floor'));
    expect(net.passes - before).toBe(5); // one pass per draw
    // n = 10 is above the feature dimension (2) and the reference's 40: the FID-like is defined.
    expect(floor.n).toBe(10);
    expect(floor.fid!.draws).toBe(5);
    expect(floor.fid!.mean).toBeGreaterThan(0);
    expect(floor.recognisable).toBeUndefined(); // not a label classifier

    expect(realFloor(real, 10, reference, new Rng(6).fork('floor'))).toEqual(floor);
    expect(net.passes - before).toBe(5);
    const otherSeed = realFloor(real, 10, reference, new Rng(7).fork('floor'));
    expect(net.passes - before).toBe(10);
    expect(otherSeed.fid!.mean).not.toBe(floor.fid!.mean);
    realFloor(real, 12, reference, new Rng(6).fork('floor'));
    expect(net.passes - before).toBe(15);
    tf.dispose([x0, reference.features]);
  });
});
