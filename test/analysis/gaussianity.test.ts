/* eslint-disable no-loss-of-precision -- reference values are mpmath's and scipy's digits verbatim;
   JS rounds them to the nearest double, as intended */
import * as tf from '@tensorflow/tfjs-core';
import { andersonDarlingNormal, logErfc, logNormalCdf, residualGaussianity } from '../../src/analysis/gaussianity.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** A second, independent Φ: erf from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), fine away from the tails. */
function phiAS(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe('normal CDF', () => {
  it.each([
    // Reference: mpmath 1.3.0, log(erfc(x)) at 30 digits.
    [0.3, -0.3984300514400852726],
    [1, -1.8496055099332482486],
    [1.9, -4.9323458627802689327],
    [2, -5.3649412646166375745],
    [2.01, -5.4092152641902468268],
    [3, -10.720363041981112568],
    [5, -27.200889545537434422],
    [10, -102.87988902484488857],
    [30, -903.97411711064387808],
  ])('ln erfc(%p) is accurate to 1e-13 relative', (x, expected) => {
    expect(rel(logErfc(x), expected)).toBeLessThan(1e-13);
  });

  it.each([
    // Reference: mpmath 1.3.0, log(ncdf(z)) at 60 digits.
    [-40, -804.60844201375378817],
    [-10, -53.231285150512470578],
    [-1, -1.8410216450092635058],
    [0, -0.69314718055994530942],
    [3, -0.0013508099647481937988],
    [8, -6.2209605742717860585e-16],
    [10, -7.619853024160526066e-24],
  ])('ln Φ(%p) is accurate in both tails', (z, expected) => {
    expect(rel(logNormalCdf(z), expected)).toBeLessThan(1e-12);
  });
});

describe('Anderson–Darling A²', () => {
  it('matches a hand computation on {−1, 0, 1}', () => {
    // Reference: by hand. Mean 0, s (ddof 1) = 1, so z = −1, 0, 1; Φ(−1) = 0.158655253931457.
    // A² = −3 − ⅓[1·2 ln Φ(−1) + 3·2 ln ½ + 5·2 ln Φ(1)]
    //    = −3 − ⅓[−3.682043290018527 − 4.158883083359672 − 1.727537790234499] = 0.18948805453757.
    // scipy 1.17.1 stats.anderson([-1, 0, 1]).statistic = 0.18948805453756634.
    expect(residualGaussianity(Float32Array.from([-1, 0, 1])).andersonDarling).toBeCloseTo(0.18948805453756634, 12);
  });

  it('matches scipy and a second implementation on a skewed 5-point sample', () => {
    const x = [0.1, 0.4, 0.45, 1.2, 2.0];
    // Reference: scipy 1.17.1 stats.anderson(x, 'norm').statistic = 0.3460148737679747 (mpmath agrees to 15 digits).
    const ours = residualGaussianity(new Float32Array(x)).andersonDarling;
    expect(ours).toBeCloseTo(0.3460148737679747, 6); // float32 input rounds x at ~1e-8
    const mean = x.reduce((s, v) => s + v, 0) / 5;
    const s = Math.sqrt(x.reduce((acc, v) => acc + (v - mean) ** 2, 0) / 4);
    const z = Float64Array.from(x, (v) => (v - mean) / s).sort();
    let sum = 0; // Reference: the A² formula again, with the A&S 7.1.26 Φ (error ≤ 1.5e-7 → A² to ~1e-5).
    for (let i = 1; i <= 5; i++) sum += (2 * i - 1) * (Math.log(phiAS(z[i - 1])) + Math.log(1 - phiAS(z[5 - i])));
    expect(Math.abs(andersonDarlingNormal(z) - (-5 - sum / 5))).toBeLessThan(1e-5);
  });
});

describe('residualGaussianity', () => {
  it('finds N(0, 1) residuals Gaussian', () => {
    const g = residualGaussianity(new Rng(1).normals(10_000, 0.3, 2));
    // Reference: a normal has skew 0 and excess kurtosis 0; at n = 10⁴ their standard errors are
    // √(6/n) = 0.024 and √(24/n) = 0.049. A² < 1.035 is the 1% critical value (Stephens 1974, estimated μ, σ).
    expect(g.n).toBe(10_000);
    expect(Math.abs(g.skewness)).toBeLessThan(0.1);
    expect(Math.abs(g.excessKurtosis)).toBeLessThan(0.2);
    expect(g.andersonDarling).toBeLessThan(1);
  });

  it('measures a uniform residual: excess kurtosis −1.2, large A²', () => {
    const g = residualGaussianity(new Rng(2).uniforms(10_000));
    // Reference: U(0, 1) has skew 0 and excess kurtosis (1/80)/(1/12)² − 3 = −6/5 (SE of g2 ≈ 0.01 here).
    expect(Math.abs(g.skewness)).toBeLessThan(0.1);
    expect(g.excessKurtosis).toBeCloseTo(-1.2, 1);
    expect(g.andersonDarling).toBeGreaterThan(50);
  });

  it('measures an exponential residual: skewness 2, excess kurtosis 6', () => {
    const rng = new Rng(3);
    const x = Float32Array.from({ length: 1_000_000 }, () => -Math.log(1 - rng.uniform())); // inverse CDF of Exp(1)
    const g = residualGaussianity(x, undefined, { maxSamples: 1_000_000 });
    // Reference: Exp(1) has skewness 2 and excess kurtosis 6 (closed form). Their sample versions are
    // heavy-tailed (g2 involves the 8th moment): over 50 numpy draws at n = 10⁶ their SDs were 0.009
    // and 0.087, so the bounds below are ≥ 5 SDs wide.
    expect(g.skewness).toBeGreaterThan(1.95);
    expect(g.skewness).toBeLessThan(2.05);
    expect(g.excessKurtosis).toBeGreaterThan(5.5);
    expect(g.excessKurtosis).toBeLessThan(6.5);
    expect(g.andersonDarling).toBeGreaterThan(100);
  });

  it('subsamples deterministically and leaks no tensors', () => {
    const r = tf.tensor4d(new Rng(4).normals(4 * 32 * 32 * 3), [4, 32, 32, 3]);
    const before = tf.memory().numTensors;
    const a = residualGaussianity(r, new Rng(9), { maxSamples: 5000 });
    const b = residualGaussianity(r, new Rng(9), { maxSamples: 5000 });
    const c = residualGaussianity(r, new Rng(10), { maxSamples: 5000 });
    expect(tf.memory().numTensors).toBe(before);
    r.dispose();
    expect(a.n).toBe(5000);
    expect(b).toEqual(a);
    expect(c.skewness).not.toBe(a.skewness);
  });

  it('gives NaN for a constant residual (t = 0)', () => {
    const g = residualGaussianity(new Float32Array(100));
    expect(g.n).toBe(100);
    expect(g.skewness).toBeNaN();
    expect(g.andersonDarling).toBeNaN();
  });
});
