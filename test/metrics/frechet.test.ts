import * as tf from '@tensorflow/tfjs-core';
import { complex, eigs, sqrt, type Complex } from 'mathjs';
import { featureStats, frechetDistance, frechetFromStats, traceSqrtProduct } from '../../src/metrics/frechet.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const diag = (v: number[]) => v.flatMap((x, i) => v.map((_, j) => (i === j ? x : 0)));

/** Q·diag(v)·Qᵀ for Q = a 3-D rotation (Givens rotations about two axes); row-major. */
function rotated(v: number[]): number[] {
  const [c1, s1, c2, s2] = [Math.cos(0.7), Math.sin(0.7), Math.cos(-1.1), Math.sin(-1.1)];
  const q = [
    [c1, -s1 * c2, s1 * s2],
    [s1, c1 * c2, -c1 * s2],
    [0, s2, c2],
  ]; // R_z(0.7)·R_x(−1.1)
  return Array.from({ length: 9 }, (_, k) => v.reduce((s, vk, m) => s + q[Math.floor(k / 3)][m] * vk * q[k % 3][m], 0));
}

describe('featureStats', () => {
  it('computes the mean and the N − 1 covariance', () => {
    const s = featureStats({ data: [0, 0, 2, 0, 0, 2], dim: 2 });
    // Reference: by hand. Mean (2/3, 2/3); centred rows (−2/3, −2/3), (4/3, −2/3), (−2/3, 4/3);
    // Σxx = (4 + 16 + 4)/9/2 = 4/3, Σxy = (4 − 8 − 8)/9/2 = −2/3.
    expect(s.n).toBe(3);
    expect(Array.from(s.mu)).toEqual([expect.closeTo(2 / 3, 14), expect.closeTo(2 / 3, 14)]);
    expect(Array.from(s.sigma)).toEqual([4 / 3, -2 / 3, -2 / 3, 4 / 3].map((v) => expect.closeTo(v, 14)));
  });
});

describe('frechetFromStats', () => {
  it('matches the closed form for diagonal covariances', () => {
    const [a, b] = [
      [1, 2, 0.5, 4, 0.01],
      [3, 1, 0.5, 0.25, 2],
    ];
    const [m1, m2] = [
      [0, 1, 2, 3, 4],
      [0.5, 1, 1, 3, 6],
    ];
    // Reference: for commuting Σ, Tr((Σ1Σ2)^½) = Σ √(a_i b_i), so FD = Σ(μ1−μ2)² + Σ(a + b − 2√(ab)).
    const expected = m1.reduce((s, v, i) => s + (v - m2[i]) ** 2 + a[i] + b[i] - 2 * Math.sqrt(a[i] * b[i]), 0);
    expect(rel(frechetFromStats(m1, diag(a), m2, diag(b)), expected)).toBeLessThan(1e-10);
  });

  it('matches the closed form for commuting, non-diagonal covariances', () => {
    const [a, b] = [
      [1, 2, 0.5],
      [3, 0.1, 2],
    ];
    // Reference: Σ1 = Q diag(a) Qᵀ and Σ2 = Q diag(b) Qᵀ commute, so Tr((Σ1Σ2)^½) = Σ √(a_i b_i); μ1 = μ2.
    const expected = a.reduce((s, v, i) => s + v + b[i] - 2 * Math.sqrt(v * b[i]), 0);
    expect(rel(frechetFromStats([1, 1, 1], rotated(a), [1, 1, 1], rotated(b)), expected)).toBeLessThan(1e-10);
  });

  it('matches a hand computation for non-commuting 2×2 covariances', () => {
    // Reference: by hand. Σ1 = [[2, 1], [1, 2]], Σ2 = diag(1, 3): M = Σ1Σ2 = [[2, 3], [1, 6]], tr M = 8,
    // det M = 3·3 = 9. For a 2×2 M with non-negative eigenvalues, Tr √M = √(tr M + 2√det M) = √14.
    // FD = ‖(1, 2)‖² + (4 + 4 − 2√14) = 13 − 2√14 = 5.516685226...
    expect(rel(frechetFromStats([0, 0], [2, 1, 1, 2], [1, 2], [1, 0, 0, 3]), 13 - 2 * Math.sqrt(14))).toBeLessThan(1e-10);
  });

  it('handles a singular covariance', () => {
    // Reference: by hand. Σ1 = diag(1, 0), Σ2 = diag(4, 9) commute: 1 + 0 + 4 + 9 − 2(√4 + √0) = 10.
    expect(frechetFromStats([0, 0], diag([1, 0]), [0, 0], diag([4, 9]))).toBeCloseTo(10, 10);
  });

  it("agrees with Σ Re √λ(Σ1Σ2) (torch-fidelity's route) on random 6×6 covariances", () => {
    const rng = new Rng(5);
    const spd = () => {
      const z = rng.normals(36);
      return Array.from({ length: 36 }, (_, k) => {
        let s = Math.floor(k / 6) === k % 6 ? 0.1 : 0;
        for (let m = 0; m < 6; m++) s += z[Math.floor(k / 6) * 6 + m] * z[(k % 6) * 6 + m];
        return s;
      });
    };
    const [s1, s2] = [spd(), spd()];
    const product = Array.from({ length: 6 }, (_, i) =>
      Array.from({ length: 6 }, (_, j) => s1.slice(i * 6, i * 6 + 6).reduce((s, v, m) => s + v * s2[m * 6 + j], 0)),
    );
    // Reference: the eigenvalues of the non-symmetric Σ1Σ2 from mathjs's general eigensolver, √ taken as complex numbers.
    const values = eigs(product, { eigenvectors: false }).values as (number | Complex)[];
    const expected = values.reduce((s: number, v) => s + (sqrt(complex(v)) as Complex).re, 0);
    expect(rel(traceSqrtProduct(s1, s2, 6), expected)).toBeLessThan(1e-9);
  });

  it('refuses statistics of different dimensions', () => {
    expect(() => frechetFromStats([0, 0], diag([1, 1]), [0], [1])).toThrow("Metric 'fid' cannot be computed:");
  });
});

describe('frechetDistance', () => {
  it('is 0 between a set and itself, symmetric, and takes tensors without leaks', () => {
    const rng = new Rng(6);
    const a = tf.tensor2d(rng.normals(500 * 8), [500, 8]);
    const b = tf.tensor2d(rng.normals(400 * 8, 0.3, 1.5), [400, 8]);
    const before = tf.memory().numTensors;
    const ab = frechetDistance(a, b);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(frechetDistance(a, a))).toBeLessThan(1e-10);
    expect(rel(frechetDistance(b, a), ab)).toBeLessThan(1e-10);
    // Reference: the populations N(0, I₈) and N(0.3·1, 2.25·I₈) are at 8·0.09 + 8·(1 − 1.5)² = 2.72;
    // the estimate from 500 and 400 samples is biased upward by O(d²/N) and noisy, so only roughly.
    expect(ab).toBeGreaterThan(2);
    expect(ab).toBeLessThan(3.6);
    expect(frechetDistance({ data: a.dataSync(), dim: 8 }, { data: b.dataSync(), dim: 8 })).toBe(ab);
    tf.dispose([a, b]);
  });
});
