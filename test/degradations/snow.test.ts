import * as tf from '@tensorflow/tfjs-core';
import { snow, snowLevel } from '../../src/degradations/snow.js';
import { gaussianKernel1d } from '../../src/util/gaussian-kernel.js';
import { resolveParams } from '../../src/degradations/index.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('snow', () => {
  const defaults = resolveParams(snow) as Parameters<typeof snowLevel>[1];

  it('interpolates the CIFAR-10 levels linearly', () => {
    // Reference: docs/reference.md §2 Snow: threshold 1.15 → 0.7, motion σ 0.05 → 16 over T = 200.
    expect(snowLevel(1, defaults)).toEqual({ threshold: 1.15, sigma: 0.05 });
    expect(snowLevel(200, defaults).threshold).toBeCloseTo(0.7, 12);
    expect(snowLevel(200, defaults).sigma).toBeCloseTo(16, 12);
    // Reference: t = 100 is 99/199 of the way: 1.15 − 0.45·0.4974874 = 0.9261307, 0.05 + 15.95·0.4974874 = 7.9849246.
    expect(snowLevel(100, defaults).threshold).toBeCloseTo(0.9261307, 6);
    expect(snowLevel(100, defaults).sigma).toBeCloseTo(7.9849246, 6);
  });

  it('adds one flake and its 180° rotation, streaked along its direction', () => {
    const layer = tf.buffer([2, 8, 8, 1]);
    layer.set(1.2, 0, 1, 2, 0); // above every threshold
    layer.set(1.2, 1, 1, 2, 0);
    const noise = { layer: layer.toTensor(), vertical: tf.tensor1d([0, 1]) };
    const x0 = tf.fill([2, 8, 8, 1], -1) as tf.Tensor4D;
    const sharp = snow.apply(x0, 1, defaults, noise).arraySync() as number[][][][];
    // Reference: σ = 0.05 leaves the flake (1.2, clipped to 1) on black: 0 + 1 → 1 in [−1, 1].
    expect(sharp[0][1][2][0]).toBeCloseTo(1, 6);
    expect(sharp[0][6][5][0]).toBeCloseTo(1, 6); // rotated by 180°: (7 − 1, 7 − 2)
    expect(sharp[0][1][3][0]).toBeCloseTo(-1, 6);
    const streaked = snow.apply(x0, 200, defaults, noise).arraySync() as number[][][][];
    // Horizontal image: only rows 1 and 6 brighten; vertical image: only columns 2 and 5.
    expect(streaked[0][1][7][0]).toBeGreaterThan(-1);
    expect(streaked[0][3][2][0]).toBeCloseTo(-1, 6);
    expect(streaked[1][6][2][0]).toBeGreaterThan(-1);
    expect(streaked[1][7][2][0]).toBeCloseTo(-1, 6); // 6 rows away: past the 11 taps
    expect(streaked[1][2][3][0]).toBeCloseTo(-1, 6);
    tf.dispose([x0, ...Object.values(noise)]);
  });

  it('streaks with the official fixed 11-tap kernel, zero past the edge', () => {
    // Reference: official Snow.generate_snow_layer: kernel_param = get_gaussian_kernel(c[4] = 11, σ)
    // in row 5 of an 11×11 kernel, F.conv2d(padding='same'): taps k = −5..5 ∝ exp(−k²/2σ²), zeros
    // past the image. A flake of 1 at column 7 of a horizontal image streaks to 2·g(j − 7) − 1.
    const p = { ...defaults, steps: 2 };
    const layer = tf.buffer([1, 16, 16, 1]);
    layer.set(1.2, 0, 1, 7, 0);
    layer.set(1.2, 0, 4, 1, 0); // one flake near the left edge
    const noise = { layer: layer.toTensor(), vertical: tf.tensor1d([0]) };
    const x0 = tf.fill([1, 16, 16, 1], -1) as tf.Tensor4D;
    const out = snow.apply(x0, 2, p, noise).arraySync() as number[][][][];
    const g = gaussianKernel1d(5, 16); // σ at T
    for (let j = 0; j < 16; j++) expect(out[0][1][j][0]).toBeCloseTo(Math.abs(j - 7) <= 5 ? 2 * g[j - 7 + 5] - 1 : -1, 5);
    // Near the edge the taps past it are dropped, not reflected back: column 0 gets g(−1) only.
    expect(out[0][4][0][0]).toBeCloseTo(2 * g[4] - 1, 5);
    expect(out[0][4][6][0]).toBeCloseTo(2 * g[10] - 1, 5);
    expect(out[0][4][7][0]).toBeCloseTo(-1, 6);
    tf.dispose([x0, ...Object.values(noise)]);
  });
});
