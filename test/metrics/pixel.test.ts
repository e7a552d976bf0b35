import * as tf from '@tensorflow/tfjs-core';
import { meanPixelScores, pixelScores } from '../../src/metrics/pixel.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('pixel metrics', () => {
  // Two 2×2 grey images in [−1, 1]; in [0, 1]: image 0 is 0 vs 0.5, image 1 is 1 vs [1, 1, 1, 0.8].
  const x = () => tf.tensor4d([-1, -1, -1, -1, 1, 1, 1, 1.5], [2, 2, 2, 1]); // 1.5 is clipped to 1
  const y = () => tf.tensor4d([0, 0, 0, 0, 1, 1, 1, 0.6], [2, 2, 2, 1]);

  it('matches hand-computed L1, RMSE and PSNR per image and per batch', () => {
    const [a, b] = [x(), y()];
    const s = pixelScores(a, b);
    const m = meanPixelScores(a, b);
    tf.dispose([a, b]);
    // Reference: by hand. Image 0: |d| = 0.5 everywhere → L1 0.5, MSE 0.25, PSNR 10·log10(4) = 6.0206 dB.
    // Image 1: one pixel off by 0.2 → L1 0.05, MSE 0.01, RMSE 0.1, PSNR 20 dB.
    expect(Array.from(s.l1)).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.05, 7)]);
    expect(Array.from(s.rmse)).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.1, 7)]);
    expect(s.psnr[0]).toBeCloseTo(6.020599913279624, 10);
    expect(s.psnr[1]).toBeCloseTo(20, 5);
    // Batch means are per-image means; PSNR of the pooled MSE 0.13 would be 8.86 dB instead.
    expect(m.l1).toBeCloseTo(0.275, 7);
    expect(m.rmse).toBeCloseTo(0.3, 7);
    expect(m.psnr).toBeCloseTo((6.020599913279624 + 20) / 2, 5);
  });

  it('gives zero error and infinite PSNR for identical images, and leaks no tensors', () => {
    const a = tf.tensor4d(new Rng(1).normals(3 * 8 * 8 * 3, 0, 0.5), [3, 8, 8, 3]);
    const before = tf.memory().numTensors;
    const m = meanPixelScores(a, a);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    expect(m).toEqual({ l1: 0, rmse: 0, psnr: Infinity });
  });

  it('scores each image alone across chunk boundaries', () => {
    const rng = new Rng(2);
    const a = tf.tensor4d(rng.normals(70 * 4 * 4, 0, 0.5), [70, 4, 4, 1]);
    const b = tf.tensor4d(rng.normals(70 * 4 * 4, 0, 0.5), [70, 4, 4, 1]);
    const all = pixelScores(a, b);
    const [a69, b69] = [tf.slice(a, [69], [1]), tf.slice(b, [69], [1])];
    const last = pixelScores(a69, b69);
    tf.dispose([a, b, a69, b69]);
    expect(all.psnr[69]).toBe(last.psnr[0]);
  });

  it('refuses images of different shapes', () => {
    const [a, b] = [tf.zeros([1, 4, 4, 1]) as tf.Tensor4D, tf.zeros([1, 4, 4, 3]) as tf.Tensor4D];
    expect(() => pixelScores(a, b)).toThrow("Metric 'pixel' cannot be computed: image shapes [1,4,4,1] and [1,4,4,3] differ.");
    tf.dispose([a, b]);
  });
});
