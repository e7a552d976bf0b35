import { Rng, seedFrom } from '../util/rng.js';
import { checkSameDim, featureMatrix, type FeatureMatrix, type Features } from './features.js';

/** Options of `kid`; the defaults are those of Bińkowski et al. 2018 and torch-fidelity. */
export interface KidOptions {
  /** Number of random subset pairs. Default 100. */
  readonly subsets?: number;
  /**
   * Subset size m = min(N1, N2, subsetSize). Default: half the smaller set, at most 1000 (clean-fid's
   * m = 1000 at N ≫ 1000). With m = N every subset is the whole set and the ± is only rounding.
   */
  readonly subsetSize?: number;
  /** Picks the subsets. Default: a stream seeded from the name 'kid'. */
  readonly rng?: Rng;
}

/** KID over random subsets. */
export interface KidResult {
  /** Mean of the unbiased MMD² estimates. */
  readonly mean: number;
  /** Their standard deviation (population, ddof 0, as torch-fidelity's np.std). */
  readonly std: number;
  readonly subsets: number;
  /** Subset size m used. */
  readonly subsetSize: number;
}

/**
 * Σ_i Σ_j (a_iᵀb_j/d + 1)³ over all rows of `a` (na×d) and `b` (nb×d), in float64. Hand-written
 * with 2×4 register blocking: float64 keeps the unbiased MMD² exact to rounding, and in Node this
 * runs faster than wasm's float32 tf.matMul plus the read-back of the m×m kernel matrix.
 */
function polyKernelSum(a: Float64Array, na: number, b: Float64Array, nb: number, d: number): number {
  const cube = (s: number) => {
    const t = s / d + 1;
    return t * t * t;
  };
  const [ie, je] = [na - (na % 2), nb - (nb % 4)];
  let total = 0;
  for (let i = 0; i < ie; i += 2) {
    const [a0, a1] = [i * d, (i + 1) * d];
    for (let j = 0; j < je; j += 4) {
      const [b0, b1, b2, b3] = [j * d, (j + 1) * d, (j + 2) * d, (j + 3) * d];
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      for (let k = 0; k < d; k++) {
        const u = a[a0 + k],
          v = a[a1 + k];
        const w0 = b[b0 + k],
          w1 = b[b1 + k],
          w2 = b[b2 + k],
          w3 = b[b3 + k];
        s00 += u * w0;
        s01 += u * w1;
        s02 += u * w2;
        s03 += u * w3;
        s10 += v * w0;
        s11 += v * w1;
        s12 += v * w2;
        s13 += v * w3;
      }
      total += cube(s00) + cube(s01) + cube(s02) + cube(s03) + cube(s10) + cube(s11) + cube(s12) + cube(s13);
    }
  }
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k];
    return s;
  };
  for (let i = 0; i < na; i++) for (let j = i < ie ? je : 0; j < nb; j++) total += cube(dot(i, j)); // leftover rows and columns
  return total;
}

/** Σ_i k(x_i, x_i) = Σ_i (‖x_i‖²/d + 1)³. */
function diagonalSum(x: Float64Array, n: number, d: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k] ** 2;
    total += (s / d + 1) ** 3;
  }
  return total;
}

function mmd2(x: FeatureMatrix, y: FeatureMatrix): number {
  const [m, n, d] = [x.n, y.n, x.dim];
  const xx = polyKernelSum(x.data, m, x.data, m, d) - diagonalSum(x.data, m, d);
  const yy = polyKernelSum(y.data, n, y.data, n, d) - diagonalSum(y.data, n, d);
  const xy = polyKernelSum(x.data, m, y.data, n, d);
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - (2 * xy) / (m * n);
}

/** Unbiased MMD² (Gretton et al. 2012, eq. 3) with the polynomial kernel k(x, y) = (xᵀy/d + 1)³, in float64. */
export function mmd2Unbiased(x: Features, y: Features): number {
  const [a, b] = [featureMatrix(x, 'kid'), featureMatrix(y, 'kid')];
  checkSameDim('kid', a, b);
  return mmd2(a, b);
}

/** Rows `idx[0..m)` of `f`, copied into a new m×d matrix. */
function rows(f: FeatureMatrix, idx: Int32Array, m: number): FeatureMatrix {
  const data = new Float64Array(m * f.dim);
  for (let r = 0; r < m; r++) data.set(f.data.subarray(idx[r] * f.dim, (idx[r] + 1) * f.dim), r * f.dim);
  return { data, n: m, dim: f.dim };
}

/** Kernel Inception Distance (Bińkowski et al. 2018): unbiased MMD² over random subset pairs of size m, mean ± std. */
export function kid(a: Features, b: Features, options: KidOptions = {}): KidResult {
  const { subsets = 100, rng = new Rng(seedFrom('kid')) } = options;
  const [x, y] = [featureMatrix(a, 'kid'), featureMatrix(b, 'kid')];
  checkSameDim('kid', x, y);
  const m = Math.max(2, Math.min(x.n, y.n, options.subsetSize ?? Math.min(1000, Math.floor(Math.min(x.n, y.n) / 2))));
  const values = Array.from({ length: subsets }, () => mmd2(rows(x, rng.permutation(x.n), m), rows(y, rng.permutation(y.n), m)));
  const mean = values.reduce((s, v) => s + v, 0) / subsets;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / subsets);
  return { mean, std, subsets, subsetSize: m };
}
