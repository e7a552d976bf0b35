import * as tf from '@tensorflow/tfjs-core';
import { kid, mmd2Unbiased } from '../../src/metrics/kid.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Unbiased MMD² with k(x, y) = (xᵀy/d + 1)³ written out pair by pair in float64 (Gretton et al. 2012, eq. 3). */
function mmd2Direct(x: Float32Array, m: number, y: Float32Array, n: number, d: number): number {
  const k = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += a[i * d + t] * b[j * d + t];
    return (s / d + 1) ** 3;
  };
  let [xx, yy, xy] = [0, 0, 0];
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) xx += k(x, i, x, j);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) yy += k(y, i, y, j);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) xy += k(x, i, y, j);
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

describe('mmd2Unbiased', () => {
  it('matches a hand computation', () => {
    // Reference: by hand, d = 1, k(a, b) = (ab + 1)³. x = {0, 1}, y = {1, 2}:
    // xx: 2·k(0,1)/2 = 1; yy: 2·k(1,2)/2 = 27; xy: (k(0,1) + k(0,2) + k(1,1) + k(1,2))·2/4 = (1+1+8+27)/2 = 18.5.
    expect(mmd2Unbiased({ data: [0, 1], dim: 1 }, { data: [1, 2], dim: 1 })).toBeCloseTo(1 + 27 - 18.5, 12);
  });

  it('agrees with the direct float64 implementation to 1e-9 (odd sizes, unequal sets)', () => {
    const rng = new Rng(1);
    const [m, n, d] = [37, 42, 5];
    const x = rng.normals(m * d);
    const y = rng.normals(n * d, 0.4, 1.2);
    // Reference: mmd2Direct above.
    expect(rel(mmd2Unbiased({ data: x, dim: d }, { data: y, dim: d }), mmd2Direct(x, m, y, n, d))).toBeLessThan(1e-9);
  });
});

describe('kid', () => {
  it('equals the full-set MMD² when every subset is the whole set', () => {
    const rng = new Rng(2);
    const [n, d] = [30, 7];
    const [x, y] = [rng.normals(n * d), rng.normals(n * d, 0.5)];
    const r = kid({ data: x, dim: d }, { data: y, dim: d }, { subsets: 4, subsetSize: n });
    // Reference: mmd2Direct; subsets of m = N are permutations, and MMD² does not depend on the order.
    const expected = mmd2Direct(x, n, y, n, d);
    expect(r.subsetSize).toBe(n);
    expect(rel(r.mean, expected)).toBeLessThan(1e-9);
    expect(r.std).toBeLessThan(1e-9 * Math.abs(expected));
  });

  it('is ≈ 0 for one distribution and clearly > 0 for a shifted one; seeded and leak-free', () => {
    const rng = new Rng(3);
    const [n, d] = [1500, 16];
    const a = tf.tensor2d(rng.normals(n * d), [n, d]);
    const b = tf.tensor2d(rng.normals(n * d), [n, d]);
    const shifted = tf.tensor2d(rng.normals(n * d, 0.3), [n, d]);
    const options = { subsets: 20, subsetSize: 500 };
    const before = tf.memory().numTensors;
    const same = kid(a, b, { ...options, rng: new Rng(7) });
    const other = kid(a, shifted, { ...options, rng: new Rng(7) });
    expect(tf.memory().numTensors).toBe(before);
    // Reference: the unbiased MMD² has expectation 0 for equal distributions; each subset's
    // estimate varies by `std`, so a mean within 3 std of 0 is the expected outcome.
    expect(same.subsetSize).toBe(500);
    expect(Math.abs(same.mean)).toBeLessThan(3 * same.std);
    // A mean shift of 0.3 per coordinate changes the kernel mean embedding, so MMD² > 0: far above the noise.
    expect(other.mean).toBeGreaterThan(10 * other.std);
    expect(other.mean).toBeGreaterThan(20 * Math.abs(same.mean));
    expect(kid(a, b, { ...options, rng: new Rng(7) })).toEqual(same);
    expect(kid(a, b, { ...options, rng: new Rng(8) }).mean).not.toBe(same.mean);
    tf.dispose([a, b, shifted]);
  });

  it('draws subsets of half the set by default, so its ± is a real spread at N = 512', () => {
    const rng = new Rng(4);
    const [n, d] = [512, 16];
    const [x, y] = [
      { data: rng.normals(n * d), dim: d },
      { data: rng.normals(n * d, 0.1), dim: d },
    ];
    const r = kid(x, y, { subsets: 50 });
    expect(r.subsetSize).toBe(256);
    // Reference: with m = N (the old default) every subset is the whole set: std is rounding only.
    const whole = kid(x, y, { subsets: 5, subsetSize: n });
    expect(whole.std).toBeLessThan(1e-9 * Math.abs(whole.mean));
    // Half-size subsets: each estimate varies by O(1/m); the spread is a sizeable part of the mean.
    expect(r.std).toBeGreaterThan(0.05 * Math.abs(r.mean));
    // Both are unbiased estimates of the same MMD²: their means agree to well within one spread.
    expect(Math.abs(r.mean - whole.mean)).toBeLessThan(r.std);
  });

  it('refuses feature sets of different dimensions', () => {
    expect(() => kid({ data: [0, 1, 2, 3], dim: 2 }, { data: [0, 1, 2], dim: 1 })).toThrow(
      "Metric 'kid' cannot be computed: feature dimensions 2 and 1 differ.",
    );
  });
});
