import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { errors } from '../errors.js';
import { featureMatrix, type Features } from './features.js';
import { symmetricEigen } from './linalg.js';

/** Mean and covariance of a feature set, in float64; cache these for the real data. */
export interface FeatureStats {
  /** Number of feature vectors. */
  readonly n: number;
  /** Mean vector μ (length d). */
  readonly mu: Float64Array;
  /** Covariance Σ with N − 1 normalisation, row-major d×d. */
  readonly sigma: Float64Array;
}

/**
 * μ and Σ (unbiased, N − 1) of [N, d] features, accumulated in float64 (two-pass: centre, then
 * outer products); of the rows `rows` (a bootstrap resample, repeats allowed) when given.
 */
export function featureStats(features: Features, rows?: ArrayLike<number>): FeatureStats {
  const { data, n: all, dim: d } = featureMatrix(features, 'fid');
  const n = rows?.length ?? all;
  const at = (i: number) => (rows ? rows[i] : i) * d;
  const mu = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mu[k] += data[at(i) + k];
  mu.forEach((v, k) => (mu[k] = v / n));
  const sigma = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) row[k] = data[at(i) + k] - mu[k];
    for (let p = 0; p < d; p++) {
      const rp = row[p];
      for (let q = p; q < d; q++) sigma[p * d + q] += rp * row[q];
    }
  }
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) sigma[q * d + p] = sigma[p * d + q] /= n - 1;
  }
  return { n, mu, sigma };
}

/**
 * Tr((Σ1Σ2)^½) as Σ √λ_i of the symmetric PSD S Σ2 S, S = Σ1^½. It has the same eigenvalues as
 * Σ1Σ2 (AB and BA share their spectrum), but a symmetric eigensolver is backward stable and gives
 * real eigenvalues, where Σ1Σ2 is non-symmetric and rounding makes complex pairs appear.
 * Negative eigenvalues (rounding of a singular Σ) are clipped to 0.
 */
export function traceSqrtProduct(sigma1: ArrayLike<number>, sigma2: ArrayLike<number>, d: number): number {
  return traceSqrtSandwich(psdSqrt(sigma1, d), sigma2, d);
}

/** S = Σ^½ = V diag(√λ) Vᵀ of a symmetric PSD matrix (negative rounding eigenvalues clipped to 0). */
function psdSqrt(sigma: ArrayLike<number>, d: number): Float64Array {
  const e = symmetricEigen(sigma, d);
  const s = new Float64Array(d * d);
  e.values.forEach((lambda, k) => {
    const r = Math.sqrt(Math.max(lambda, 0));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s[i * d + j] += r * e.vectors[i * d + k] * e.vectors[j * d + k];
  });
  return s;
}

/** Σ √λ_i of S Σ S: Tr((S²Σ)^½). */
function traceSqrtSandwich(s: Float64Array, sigma: ArrayLike<number>, d: number): number {
  const m = mul(mul(s, sigma, d), s, d);
  return symmetricEigen(m, d, false).values.reduce((acc, l) => acc + Math.sqrt(Math.max(l, 0)), 0);
}

/** A fixed reference for many Fréchet distances: its μ, Tr Σ and Σ^½ computed once. */
export interface FrechetReference {
  readonly mu: Float64Array;
  readonly traceSigma: number;
  readonly root: Float64Array;
}

export function frechetReference(stats: FeatureStats): FrechetReference {
  const d = stats.mu.length;
  let traceSigma = 0;
  for (let k = 0; k < d; k++) traceSigma += stats.sigma[k * d + k];
  return { mu: stats.mu, traceSigma, root: psdSqrt(stats.sigma, d) };
}

/**
 * frechetFromStats(μ, Σ, reference) with the reference's square root reused: Tr((ΣΣr)^½) =
 * Tr((RΣR)^½), R = Σr^½ (ΣΣr = ΣR·R and R·ΣR share their spectrum), so a bootstrap replicate costs
 * one eigenvalue solve instead of a full decomposition and a solve.
 */
export function frechetToReference(stats: Pick<FeatureStats, 'mu' | 'sigma'>, reference: FrechetReference): number {
  return outsideRoot(stats, reference) - 2 * traceSqrtSandwich(reference.root, stats.sigma, stats.mu.length);
}

/** ‖μ − μr‖² + Tr Σ + Tr Σr: the Fréchet distance but for its −2·Tr((ΣΣr)^½) term. */
function outsideRoot(stats: Pick<FeatureStats, 'mu' | 'sigma'>, reference: FrechetReference): number {
  const d = stats.mu.length;
  let dist = reference.traceSigma;
  for (let k = 0; k < d; k++) dist += (stats.mu[k] - reference.mu[k]) ** 2 + stats.sigma[k * d + k];
  return dist;
}

/**
 * frechetToReference of each resample of `features` (rows listed in `resamples`), for bootstrap
 * intervals. The eigenvalues of RΣ_bR come from ml-matrix's tridiagonal QL solver (JAMA's tred2 +
 * tql2), several times faster than our Jacobi (docs/method.md), which stays for the point
 * estimate; both agree to rounding (tested).
 */
export function frechetReplicates(features: Features, resamples: readonly ArrayLike<number>[], reference: FrechetReference): number[] {
  const d = reference.mu.length;
  const root = new Matrix(Array.from({ length: d }, (_, i) => Array.from(reference.root.subarray(i * d, (i + 1) * d))));
  return resamples.map((rows) => {
    const stats = featureStats(features, rows);
    const sigma = new Matrix(Array.from({ length: d }, (_, i) => Array.from(stats.sigma.subarray(i * d, (i + 1) * d))));
    const { realEigenvalues } = new EigenvalueDecomposition(root.mmul(sigma).mmul(root), { assumeSymmetric: true });
    return outsideRoot(stats, reference) - 2 * realEigenvalues.reduce((acc, l) => acc + Math.sqrt(Math.max(l, 0)), 0);
  });
}

/** Row-major d×d product in float64. */
function mul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k];
      for (let j = 0; j < d; j++) c[i * d + j] += aik * b[k * d + j];
    }
  }
  return c;
}

/** Fréchet distance ‖μ1−μ2‖² + Tr(Σ1 + Σ2 − 2(Σ1Σ2)^½) between Gaussians (Dowson & Landau 1982; FID, Heusel et al. 2017). */
export function frechetFromStats(
  mu1: ArrayLike<number>,
  sigma1: ArrayLike<number>,
  mu2: ArrayLike<number>,
  sigma2: ArrayLike<number>,
): number {
  const d = mu1.length;
  if (mu2.length !== d || sigma1.length !== d * d || sigma2.length !== d * d) {
    throw errors.metricInput(
      'fid',
      `statistics of dimension ${d} and ${mu2.length} (covariances of ${sigma1.length} and ${sigma2.length} entries) do not match`,
    );
  }
  let dist = 0;
  for (let k = 0; k < d; k++) dist += (mu1[k] - mu2[k]) ** 2;
  for (let k = 0; k < d; k++) dist += sigma1[k * d + k] + sigma2[k * d + k];
  return dist - 2 * traceSqrtProduct(sigma1, sigma2, d);
}

/** Fréchet distance between the Gaussians fitted to two [N, d] feature sets ("FID-like" with coldbench's feature net). */
export function frechetDistance(a: Features, b: Features): number {
  const [sa, sb] = [featureStats(a), featureStats(b)];
  return frechetFromStats(sa.mu, sa.sigma, sb.mu, sb.sigma);
}
