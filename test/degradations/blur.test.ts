import * as tf from '@tensorflow/tfjs-core';
import { blur } from '../../src/degradations/blur.js';
import { gaussianKernel1d } from '../../src/degradations/filters.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

/** One reference blur step: pad (circular by slicing, or reflect), then a depthwise 2-D Gaussian. */
function convStep(x: tf.Tensor4D, radius: number, sigma: number, circular: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const g = gaussianKernel1d(radius, sigma);
    const k2 = Float32Array.from({ length: g.length ** 2 }, (_, i) => g[Math.floor(i / g.length)] * g[i % g.length]);
    const c = x.shape[3];
    const filter = tf.tile(tf.tensor4d(k2, [g.length, g.length, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const [h, w] = [x.shape[1], x.shape[2]];
    const r = radius;
    const padded = circular
      ? tf.concat([tf.slice(x, [0, 0, w - r, 0], [-1, -1, r, -1]), x, tf.slice(x, [0, 0, 0, 0], [-1, -1, r, -1])], 2)
      : tf.mirrorPad(x, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
    const both = circular
      ? tf.concat([tf.slice(padded, [0, h - r, 0, 0], [-1, r, -1, -1]), padded, tf.slice(padded, [0, 0, 0, 0], [-1, r, -1, -1])], 1)
      : padded;
    return tf.depthwiseConv2d(both as tf.Tensor4D, filter, 1, 'valid');
  });
}

describe('blur', () => {
  it('has normalised Gaussian taps', () => {
    // Reference: exp(−k²/2) for k = −1, 0, 1 over their sum 1 + 2e^−½ = 2.2130613.
    const g = gaussianKernel1d(1, 1);
    expect(g[1]).toBeCloseTo(1 / 2.2130613, 6);
    expect(g[0]).toBeCloseTo(0.2740686, 6);
    expect(g[1] ** 2).toBeCloseTo(0.2041800, 6); // centre of the separable 3×3 kernel
    const paper = gaussianKernel1d(5, 7); // 11 taps, σ = 7 (the MNIST operator)
    expect(paper.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(paper[0] / paper[5]).toBeCloseTo(Math.exp(-25 / 98), 12);
  });

  it.each([true, false])('equals t depthwise convolutions (circular = %s)', (circular) => {
    const params = { steps: 4, radius: 2, sigma: 1, growth: 0.5, circular, finalMean: false };
    const x0 = smoothImages(new Rng(1), 2, 9, 3);
    let reference = x0.clone();
    for (let i = 1; i <= 3; i++) {
      const next = convStep(reference, params.radius, params.sigma + (i - 1) * params.growth, circular);
      reference.dispose();
      reference = next;
      const ours = blur.apply(x0, i, params, {});
      expect(Math.max(...tf.abs(tf.sub(ours, reference)).dataSync())).toBeLessThan(1e-5);
      ours.dispose();
    }
    tf.dispose([x0, reference]);
  });

  it('ends in the per-channel mean with finalMean', () => {
    const params = { steps: 2, radius: 1, sigma: 1, growth: 0, circular: true, finalMean: true };
    const x0 = smoothImages(new Rng(2), 2, 8, 3);
    const xT = blur.apply(x0, 2, params, {});
    // Reference: a circular blur keeps the mean, so x_T = mean(x0) per image and channel.
    const expected = tf.broadcastTo(tf.mean(x0, [1, 2], true), x0.shape);
    expect(Math.max(...tf.abs(tf.sub(xT, expected)).dataSync())).toBeLessThan(1e-6);
    tf.dispose([x0, xT, expected]);
  });
});
