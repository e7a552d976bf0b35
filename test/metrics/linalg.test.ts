import { eigs } from 'mathjs';
import { symmetricEigen } from '../../src/metrics/linalg.js';
import { Rng } from '../../src/util/rng.js';

/** A d×d covariance-like matrix: εZZᵀ/d + diag(shift) from seeded normals (row-major). */
function spd(rng: Rng, d: number, eps: number, shift: number): Float64Array {
  const z = rng.normals(d * d);
  return Float64Array.from({ length: d * d }, (_, k) => {
    const [i, j] = [Math.floor(k / d), k % d];
    let s = 0;
    for (let m = 0; m < d; m++) s += z[i * d + m] * z[j * d + m];
    return (eps * s) / d + (i === j ? shift : 0);
  });
}

describe('symmetricEigen', () => {
  it.each([
    ['a random Gram matrix', 12, 1, 0],
    ['a near-identity covariance (clustered eigenvalues)', 20, 0.01, 1],
  ])('decomposes %s: A = VΛVᵀ, VᵀV = I, eigenvalues as mathjs', (_, d, eps, shift) => {
    const a = spd(new Rng(d), d, eps, shift);
    const { values, vectors: v } = symmetricEigen(a, d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let [rec, gram] = [0, 0];
        for (let k = 0; k < d; k++) {
          rec += v[i * d + k] * values[k] * v[j * d + k];
          gram += v[k * d + i] * v[k * d + j];
        }
        expect(Math.abs(rec - a[i * d + j])).toBeLessThan(1e-13);
        expect(Math.abs(gram - (i === j ? 1 : 0))).toBeLessThan(1e-13);
      }
    }
    // Reference: mathjs 15's own eigs (Jacobi with largest-element pivoting), sorted.
    const rows = Array.from({ length: d }, (_, i) => Array.from(a.subarray(i * d, (i + 1) * d)));
    const theirs = (eigs(rows, { eigenvectors: false }).values as number[]).slice().sort((x, y) => x - y);
    Array.from(values)
      .sort((x, y) => x - y)
      .forEach((l, k) => expect(Math.abs(l - theirs[k])).toBeLessThan(1e-12));
  });

  it('gives the exact spectrum of a diagonal matrix and of [[2, 1], [1, 2]]', () => {
    expect(Array.from(symmetricEigen([3, 0, 0, 0, -1, 0, 0, 0, 0], 3).values)).toEqual([3, -1, 0]);
    // Reference: by hand, eigenvalues 2 ± 1.
    expect(Array.from(symmetricEigen([2, 1, 1, 2], 2, false).values).sort()).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
  });
});
