import * as tf from '@tensorflow/tfjs-core';
import { laplacianEnergy, sharpness } from '../../src/metrics/sharpness.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

/** A [1, n, n, 1] image whose [0, 1] values are f(i, j). */
const image = (n: number, f: (i: number, j: number) => number) =>
  tf.tensor4d(
    Float32Array.from({ length: n * n }, (_, k) => 2 * f(Math.floor(k / n), k % n) - 1),
    [1, n, n, 1],
  );

describe('laplacianEnergy', () => {
  it('matches hand computations', () => {
    const dot = image(3, (i, j) => (i === 1 && j === 1 ? 1 : 0));
    const ramp = image(5, (i, j) => 0.1 * i + 0.05 * j);
    const bowl = image(5, (i, j) => 0.02 * (i * i + j * j));
    // Reference: by hand. A lone unit pixel: one valid position, response −4 → 16.
    expect(laplacianEnergy(dot)).toBeCloseTo(16, 5);
    // A linear ramp has zero Laplacian.
    expect(laplacianEnergy(ramp)).toBeCloseTo(0, 6);
    // u = 0.02(i² + j²): ∇²u = 0.02·(2 + 2) = 0.08 at every position → 0.0064.
    expect(laplacianEnergy(bowl)).toBeCloseTo(0.0064, 6);
    tf.dispose([dot, ramp, bowl]);
  });
});

describe('sharpness', () => {
  it('is 1 for real data, < 1 when blurred, > 1 when noisy, without leaks', () => {
    const rng = new Rng(1);
    const real = tf.tidy(
      () => tf.add(smoothImages(rng, 8, 16, 3), tf.tensor4d(rng.normals(8 * 16 * 16 * 3, 0, 0.05), [8, 16, 16, 3])) as tf.Tensor4D,
    );
    const blurred = tf.tidy(() => tf.avgPool(real, 3, 1, 'same'));
    const noisy = tf.tidy(() => tf.add(real, tf.tensor4d(rng.normals(8 * 16 * 16 * 3, 0, 0.2), real.shape)) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    expect(sharpness(real, real)).toBe(1);
    expect(sharpness(blurred, real)).toBeLessThan(0.5);
    expect(sharpness(noisy, real)).toBeGreaterThan(2);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([real, blurred, noisy]);
  });
});
