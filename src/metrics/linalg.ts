/** Eigen-decomposition of a symmetric matrix: A = V diag(values) Vᵀ. */
export interface SymmetricEigen {
  /** Eigenvalues, unsorted. */
  readonly values: Float64Array;
  /** Row-major d×d; column k is the unit eigenvector of values[k] (empty unless asked for). */
  readonly vectors: Float64Array;
}

/**
 * Eigenvalues (and vectors) of a symmetric d×d row-major matrix by cyclic Jacobi rotations
 * (Golub & Van Loan §8.5; rotation as in Numerical Recipes §11.1), in float64, symmetrised first.
 * Hand-written because mathjs 15's eigs takes seconds on one 64×64 near-identity covariance
 * (docs/method.md, FID-like); cyclic Jacobi takes milliseconds and is accurate to rounding
 * (Demmel & Veselić 1992).
 */
export function symmetricEigen(m: ArrayLike<number>, d: number, wantVectors = true): SymmetricEigen {
  const a = Float64Array.from({ length: d * d }, (_, k) => (m[k] + m[(k % d) * d + Math.floor(k / d)]) / 2);
  const v = wantVectors ? Float64Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0)) : new Float64Array(0);
  const rotate = (x: Float64Array, i: number, j: number, c: number, s: number) => {
    const [xi, xj] = [x[i], x[j]];
    x[i] = c * xi - s * xj;
    x[j] = s * xi + c * xj;
  };
  const norm2 = a.reduce((s, x) => s + x * x, 0);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += 2 * a[p * d + q] ** 2;
    if (off <= Number.EPSILON ** 2 * norm2) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        // t = tan φ, the smaller root of t² + 2θt − 1 = 0, θ = (a_qq − a_pp)/(2 a_pq): zeroes a_pq.
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) rotate(a, k * d + p, k * d + q, c, s); // columns p, q
        for (let k = 0; k < d; k++) rotate(a, p * d + k, q * d + k, c, s); // rows p, q
        for (let k = 0; k < (wantVectors ? d : 0); k++) rotate(v, k * d + p, k * d + q, c, s);
      }
    }
  }
  return { values: Float64Array.from({ length: d }, (_, k) => a[k * d + k]), vectors: v };
}
