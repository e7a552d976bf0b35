import type { Rng } from '../util/rng.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** Added to every component's responsibility mass so an emptied component keeps a finite mean. */
const TINY = 10 * Number.EPSILON;
/**
 * Responsibilities below this are set to 0: their share of any sum is far below float64 precision,
 * while their products underflow to subnormals, which made the M-step ~20× slower on x86.
 */
const NEGLIGIBLE = 1e-100;

/** Options of `fitGmm`; reg, tol and maxIter default to scikit-learn's GaussianMixture values. */
export interface GmmOptions {
  /** Number of components k. Default 10. */
  readonly components?: number;
  /** Added to every covariance's diagonal, keeping it positive definite. Default 1e-6. */
  readonly reg?: number;
  /** Stop when the mean log-likelihood per point changes by less than this. Default 1e-3. */
  readonly tol?: number;
  /** Most EM iterations. Default 100. */
  readonly maxIter?: number;
  /** Fit on a seeded random subset of at most this many points (EM is O(n·k·d²) per iteration). Default 10,000. */
  readonly maxPoints?: number;
  /**
   * EM runs from this many k-means++ starts; the fit with the highest log-likelihood is kept
   * (scikit-learn's n_init). One start lands in a poor optimum now and then. Default 4.
   */
  readonly inits?: number;
}

/** A fitted mixture with the record of its EM run. */
export interface GmmFit {
  readonly model: GaussianMixture;
  /** Mean log-likelihood per point of the fitted points, one entry per EM iteration (the last is `model`'s). */
  readonly logLikelihoods: number[];
  readonly converged: boolean;
  /** Number of points EM ran on (after subsampling). */
  readonly points: number;
}

/** A mixture as plain JSON, for saving with a run. */
export interface GmmJson {
  readonly weights: number[];
  readonly means: number[][];
  /** Row-major d×d matrices. */
  readonly covariances: number[][];
}

/**
 * Lower Cholesky factor L (row-major) of a symmetric positive-definite d×d matrix, or null when it
 * is not positive definite. Written here because mathjs 15 has LU, QR and eigs but no Cholesky.
 */
export function cholesky(a: ArrayLike<number>, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let m = 0; m < j; m++) s -= l[i * d + m] * l[j * d + m];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j];
    }
  }
  return l;
}

/** A Gaussian mixture with full covariances, in float64; points are rows of a row-major n×d array. */
export class GaussianMixture {
  /** Number of components. */
  readonly k: number;
  /** Dimension of a point. */
  readonly dim: number;
  private readonly chol: Float64Array[];
  /** L_k⁻¹, lower triangular: ‖L_k⁻¹(x − μ_k)‖² is the Mahalanobis distance. */
  private readonly whiten: Float64Array[];
  /** log w_k − ½(d·log 2π + log det Σ_k) per component. */
  private readonly logNorm: Float64Array;

  constructor(
    readonly weights: Float64Array,
    readonly means: Float64Array[],
    readonly covariances: Float64Array[],
  ) {
    this.k = weights.length;
    this.dim = means[0]?.length ?? 0;
    const d = this.dim;
    if (!this.k || means.length !== this.k || covariances.length !== this.k || covariances.some((c) => c.length !== d * d)) {
      throw new RangeError(
        `GaussianMixture: ${this.k} weights, ${means.length} means, ${covariances.length} covariances of dimension ${d}`,
      );
    }
    this.chol = covariances.map((c, j) => {
      const l = cholesky(c, d);
      if (!l) throw new RangeError(`GaussianMixture: covariance ${j} is not positive definite; raise the regulariser`);
      return l;
    });
    this.whiten = this.chol.map((l) => invertLower(l, d));
    this.logNorm = Float64Array.from(this.chol, (l, j) => {
      let logDet = 0;
      for (let i = 0; i < d; i++) logDet += 2 * Math.log(l[i * d + i]);
      return Math.log(weights[j]) - 0.5 * (d * LOG_2PI + logDet);
    });
  }

  /** Mean log-likelihood per point of the rows of `x` (n×d, row-major). */
  logLikelihood(x: ArrayLike<number>): number {
    const n = x.length / this.dim;
    return this.logJoint(x instanceof Float64Array ? x : Float64Array.from(x), n, new Float64Array(n * this.k)) / n;
  }

  /** `n` points (n×d, row-major): a component by weight, then μ + L·z. */
  sample(n: number, rng: Rng): Float64Array {
    const d = this.dim;
    const out = new Float64Array(n * d);
    const z = new Float64Array(d);
    for (let p = 0; p < n; p++) {
      let u = rng.uniform();
      let j = 0;
      while (j < this.k - 1 && u >= this.weights[j]) u -= this.weights[j++];
      const [l, mu] = [this.chol[j], this.means[j]];
      for (let i = 0; i < d; i++) z[i] = rng.normal();
      for (let i = 0; i < d; i++) {
        let s = mu[i];
        for (let m = 0; m <= i; m++) s += l[i * d + m] * z[m];
        out[p * d + i] = s;
      }
    }
    return out;
  }

  toJSON(): GmmJson {
    return {
      weights: Array.from(this.weights),
      means: this.means.map((m) => Array.from(m)),
      covariances: this.covariances.map((c) => Array.from(c)),
    };
  }

  static fromJSON(json: GmmJson): GaussianMixture {
    return new GaussianMixture(
      Float64Array.from(json.weights),
      json.means.map((m) => Float64Array.from(m)),
      json.covariances.map((c) => Float64Array.from(c)),
    );
  }

  /**
   * E-step: fills `resp` (n×k) with the posterior of each component for each point and returns
   * the total log-likelihood, by log-sum-exp over log w_k + log N(x; μ_k, Σ_k), where the
   * Mahalanobis term is ‖L_k⁻¹(x − μ_k)‖² (two accumulators: the loop is latency-bound).
   */
  logJoint(x: Float64Array, n: number, resp: Float64Array): number {
    const [d, k] = [this.dim, this.k];
    const diff = new Float64Array(d);
    let total = 0;
    for (let p = 0; p < n; p++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        const u = this.whiten[j];
        const mu = this.means[j];
        for (let i = 0; i < d; i++) diff[i] = x[p * d + i] - mu[i];
        let maha = 0;
        for (let i = 0; i < d; i++) {
          const row = i * d;
          let s0 = u[row + i] * diff[i];
          let s1 = 0;
          let m = 0;
          for (; m + 1 < i; m += 2) {
            s0 += u[row + m] * diff[m];
            s1 += u[row + m + 1] * diff[m + 1];
          }
          if (m < i) s0 += u[row + m] * diff[m];
          maha += (s0 + s1) * (s0 + s1);
        }
        const v = this.logNorm[j] - 0.5 * maha;
        resp[p * k + j] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(resp[p * k + j] - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < k; j++) {
        const r = Math.exp(resp[p * k + j] - lse);
        resp[p * k + j] = r < NEGLIGIBLE ? 0 : r;
      }
      total += lse;
    }
    return total;
  }
}

/** Inverse of a lower-triangular d×d matrix (row-major), by forward substitution per column. */
function invertLower(l: Float64Array, d: number): Float64Array {
  const u = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    u[c * d + c] = 1 / l[c * d + c];
    for (let i = c + 1; i < d; i++) {
      let s = 0;
      for (let m = c; m < i; m++) s += l[i * d + m] * u[m * d + c];
      u[i * d + c] = -s / l[i * d + i];
    }
  }
  return u;
}

/** M-step: weights, means and regularised covariances from responsibilities `resp` (n×k). */
function maximise(x: Float64Array, n: number, d: number, resp: Float64Array, k: number, reg: number): GaussianMixture {
  const mass = new Float64Array(k).fill(TINY);
  const means = Array.from({ length: k }, () => new Float64Array(d));
  for (let p = 0; p < n; p++) {
    for (let j = 0; j < k; j++) {
      const r = resp[p * k + j];
      if (r === 0) continue;
      mass[j] += r;
      const mu = means[j];
      for (let i = 0; i < d; i++) mu[i] += r * x[p * d + i];
    }
  }
  means.forEach((mu, j) => mu.forEach((v, i) => (mu[i] = v / mass[j])));
  const covs = Array.from({ length: k }, () => new Float64Array(d * d));
  const diff = new Float64Array(d);
  for (let j = 0; j < k; j++) {
    const [c, mu] = [covs[j], means[j]];
    for (let p = 0; p < n; p++) {
      const r = resp[p * k + j];
      if (r === 0) continue;
      for (let i = 0; i < d; i++) diff[i] = x[p * d + i] - mu[i];
      for (let i = 0; i < d; i++) {
        const ri = r * diff[i];
        for (let m = 0; m <= i; m++) c[i * d + m] += ri * diff[m];
      }
    }
    for (let i = 0; i < d; i++) {
      for (let m = 0; m <= i; m++) c[m * d + i] = c[i * d + m] /= mass[j];
      c[i * d + i] += reg;
    }
  }
  return new GaussianMixture(
    Float64Array.from(mass, (m) => m / n),
    means,
    covs,
  );
}

/** Hard responsibilities from k-means++ seeding (Arthur & Vassilvitskii 2007) and a few Lloyd iterations. */
function kMeansResponsibilities(x: Float64Array, n: number, d: number, k: number, rng: Rng, iterations = 10): Float64Array {
  const dist2 = (p: number, c: Float64Array, at: number) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += (x[p * d + i] - c[at * d + i]) ** 2;
    return s;
  };
  const centres = new Float64Array(k * d);
  const first = rng.int(n);
  centres.set(x.subarray(first * d, first * d + d), 0);
  const nearest = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let p = 0; p < n; p++) total += nearest[p] = Math.min(nearest[p], dist2(p, centres, c - 1));
    let u = rng.uniform() * total;
    let pick = 0;
    while (pick < n - 1 && u >= nearest[pick]) u -= nearest[pick++];
    centres.set(x.subarray(pick * d, pick * d + d), c * d);
  }
  const label = new Int32Array(n).fill(-1);
  for (let it = 0; it < iterations; it++) {
    let changed = false;
    for (let p = 0; p < n; p++) {
      let [best, bestD] = [0, Infinity];
      for (let c = 0; c < k; c++) {
        const v = dist2(p, centres, c);
        if (v < bestD) [best, bestD] = [c, v];
      }
      if (label[p] !== best) [label[p], changed] = [best, true];
    }
    if (!changed) break;
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let p = 0; p < n; p++) {
      counts[label[p]]++;
      for (let i = 0; i < d; i++) sums[label[p] * d + i] += x[p * d + i];
    }
    for (let c = 0; c < k; c++) if (counts[c]) for (let i = 0; i < d; i++) centres[c * d + i] = sums[c * d + i] / counts[c];
  }
  const resp = new Float64Array(n * k);
  label.forEach((c, p) => (resp[p * k + c] = 1));
  return resp;
}

/** One EM run from a seeded k-means++ start. */
function em(
  x: Float64Array,
  n: number,
  dim: number,
  k: number,
  rng: Rng,
  reg: number,
  tol: number,
  maxIter: number,
): Omit<GmmFit, 'points'> {
  const resp = kMeansResponsibilities(x, n, dim, k, rng);
  let model = maximise(x, n, dim, resp, k, reg);
  const logLikelihoods: number[] = [];
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    logLikelihoods.push(model.logJoint(x, n, resp) / n);
    if (it > 0 && Math.abs(logLikelihoods[it] - logLikelihoods[it - 1]) < tol) {
      converged = true;
      break;
    }
    if (it < maxIter - 1) model = maximise(x, n, dim, resp, k, reg);
  }
  return { model, logLikelihoods, converged };
}

/**
 * Fits a k-component, full-covariance Gaussian mixture to the rows of `data` (n×d, row-major) by
 * EM (Dempster, Laird & Rubin 1977) from `inits` seeded k-means++ starts, keeping the most likely
 * fit; deterministic for a seed.
 */
export function fitGmm(data: ArrayLike<number>, dim: number, rng: Rng, options: GmmOptions = {}): GmmFit {
  const { components: k = 10, reg = 1e-6, tol = 1e-3, maxIter = 100, maxPoints = 10_000, inits = 4 } = options;
  const total = data.length / dim;
  if (!Number.isInteger(total) || total < k)
    throw new RangeError(`fitGmm: ${data.length} values are not at least k = ${k} points of dimension ${dim}`);
  const n = Math.min(total, maxPoints);
  const x = new Float64Array(n * dim);
  const rows = n < total ? rng.fork('subsample').permutation(total).subarray(0, n).sort() : null;
  for (let p = 0; p < n; p++) for (let i = 0; i < dim; i++) x[p * dim + i] = data[(rows ? rows[p] : p) * dim + i];

  const fits = Array.from({ length: inits }, (_, i) => em(x, n, dim, k, rng.fork(i === 0 ? 'init' : `init-${i}`), reg, tol, maxIter));
  const best = fits.reduce((a, b) => (b.logLikelihoods.at(-1)! > a.logLikelihoods.at(-1)! ? b : a));
  return { ...best, points: n };
}
