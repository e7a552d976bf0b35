import * as tf from '@tensorflow/tfjs-core';
import type { FeatureNet } from '../../src/train/feature-net.js';
import { Rng } from '../../src/util/rng.js';
import { referenceFeatures } from '../../src/worker/evaluate.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothSplit } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

/** A stand-in feature net: each image's mean and max pixel (of the 8-bit image), counting its passes. */
function countingNet(weights: string): FeatureNet & { passes: number } {
  const net = {
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
    analyse: () => {
      throw new Error('not used');
    },
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
