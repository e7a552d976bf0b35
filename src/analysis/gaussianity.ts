import * as tf from '@tensorflow/tfjs-core';
import { erf } from 'mathjs';
import { errors } from '../errors.js';
import { Rng, seedFrom } from '../util/rng.js';
import type { Gaussianity } from '../results/types.js';

export type { Gaussianity } from '../results/types.js';

/** How far a residual r = x_t − x0 is from a normal distribution. NaN fields when r is constant (e.g. t = 0). */
/** Options of `residualGaussianity`. */
export interface GaussianityOptions {
  /**
   * Use at most this many values, picked without replacement by the rng, so A² (which grows with n)
   * compares across runs. Default 10,000.
   */
  readonly maxSamples?: number;
}

/**
 * ln erfc(x) for x ≥ 0 to ~1e-14 relative, tails included. Hand-written because mathjs has erf but
 * no erfc, and 1 − erf(x) has no relative accuracy in the tail that A² takes logarithms of.
 * x < 2: 1 − erf(x) (mathjs erf, Cody's rational approximations; erfc(2) ≈ 0.0047 keeps the
 * difference accurate); x ≥ 2: Laplace's continued fraction erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …))))
 * (Abramowitz & Stegun 7.1.14), 80 terms, evaluated in log space so it never underflows.
 */
export function logErfc(x: number): number {
  if (x < 2) return Math.log(1 - erf(x));
  let f = x;
  for (let k = 80; k >= 1; k--) f = x + k / 2 / f;
  return -x * x - Math.log(Math.sqrt(Math.PI) * f);
}

/** ln Φ(z) of the standard normal CDF, accurate in both tails: Φ(z) = ½ erfc(−z/√2). */
export function logNormalCdf(z: number): number {
  return z < 0 ? Math.log(0.5) + logErfc(-z / Math.SQRT2) : Math.log1p(-0.5 * Math.exp(logErfc(z / Math.SQRT2)));
}

/** `k` of the `n` indices, distinct and uniformly chosen (Floyd's algorithm, O(k)). */
function sampleIndices(n: number, k: number, rng: Rng): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen];
}

/**
 * Anderson–Darling A² = −n − (1/n) Σ (2i−1)[ln Φ(z_(i)) + ln(1 − Φ(z_(n+1−i)))] for sorted
 * standardised z (Anderson & Darling 1954; Stephens 1974).
 */
export function andersonDarlingNormal(sortedZ: Float64Array): number {
  const n = sortedZ.length;
  let s = 0;
  for (let i = 1; i <= n; i++) s += (2 * i - 1) * (logNormalCdf(sortedZ[i - 1]) + logNormalCdf(-sortedZ[n - i]));
  return -n - s / n;
}

/**
 * Skewness, excess kurtosis and Anderson–Darling A² of a degradation residual r = x_t − x0
 * (any shape; flattened), on at most `maxSamples` values picked by `rng`, in float64.
 */
export function residualGaussianity(
  residual: Float32Array | tf.Tensor,
  rng: Rng = new Rng(seedFrom('gaussianity')),
  options: GaussianityOptions = {},
): Gaussianity {
  const { maxSamples = 10_000 } = options;
  const all = residual instanceof tf.Tensor ? residual.dataSync() : residual;
  const x =
    all.length <= maxSamples ? Float64Array.from(all) : Float64Array.from(sampleIndices(all.length, maxSamples, rng), (i) => all[i]);
  const n = x.length;
  if (n < 2) throw errors.metricInput('gaussianity', `needs at least 2 values, got ${n}`);
  const mean = x.reduce((s, v) => s + v, 0) / n;
  let [m2, m3, m4] = [0, 0, 0];
  for (const v of x) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  [m2, m3, m4] = [m2 / n, m3 / n, m4 / n];
  if (!(m2 > 0)) return { skewness: NaN, excessKurtosis: NaN, andersonDarling: NaN, n };
  const s = Math.sqrt((m2 * n) / (n - 1));
  const z = x.map((v) => (v - mean) / s).sort();
  return { skewness: m3 / m2 ** 1.5, excessKurtosis: m4 / (m2 * m2) - 3, andersonDarling: andersonDarlingNormal(z), n };
}
