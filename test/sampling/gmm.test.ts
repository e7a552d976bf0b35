import { cholesky, fitGmm, GaussianMixture } from '../../src/sampling/gmm.js';
import { Rng } from '../../src/util/rng.js';

/** A known 2-D mixture: weights, means and lower Cholesky factors [l11, l21, l22] of its covariances. */
const TRUE = {
  weights: [0.5, 0.3, 0.2],
  means: [
    [0, 0],
    [6, 1],
    [-2, 7],
  ],
  factors: [
    [1, 0.5, 0.8],
    [0.6, -0.3, 1.2],
    [1.1, 0, 0.4],
  ],
};
const covOf = ([a, b, c]: number[]) => [a * a, a * b, a * b, b * b + c * c];
const N = 6000;

/** N points of TRUE drawn with the test's own arithmetic (not GaussianMixture.sample); labels too. */
function drawTrue(seed: number): { x: Float64Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const x = new Float64Array(N * 2);
  const labels = new Int32Array(N);
  for (let p = 0; p < N; p++) {
    const u = rng.uniform();
    const j = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    const [a, b, c] = TRUE.factors[j];
    const [z1, z2] = [rng.normal(), rng.normal()];
    x[2 * p] = TRUE.means[j][0] + a * z1;
    x[2 * p + 1] = TRUE.means[j][1] + b * z1 + c * z2;
    labels[p] = j;
  }
  return { x, labels };
}

describe('cholesky', () => {
  it('factors a positive-definite matrix and refuses an indefinite one', () => {
    const a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
    const l = cholesky(a, 3)!;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let m = 0; m < 3; m++) s += l[i * 3 + m] * l[j * 3 + m];
        expect(s).toBeCloseTo(a[i * 3 + j], 12);
      }
    expect(l[1]).toBe(0); // lower triangular
    expect(cholesky([1, 2, 2, 1], 2)).toBeNull(); // eigenvalues 3 and −1
  });
});

describe('fitGmm', () => {
  const { x } = drawTrue(1);
  const fit = fitGmm(x, 2, new Rng(2), { components: 3 });

  it('recovers the weights, means and covariances of a known mixture', () => {
    expect(fit.converged).toBe(true);
    expect(fit.points).toBe(N);
    const { model } = fit;
    for (let j = 0; j < 3; j++) {
      // Match components by nearest mean (EM's labels are arbitrary); the clusters are ≥ 6σ apart.
      const dist = (m: Float64Array) => Math.hypot(m[0] - TRUE.means[j][0], m[1] - TRUE.means[j][1]);
      const f = model.means.map(dist).reduce((best, v, i, all) => (v < all[best] ? i : best), 0);
      const [w, cov] = [TRUE.weights[j], covOf(TRUE.factors[j])];
      const nj = N * w;
      // Tolerances are 4 standard errors at this sample size: weight √(w(1−w)/N), mean √(Σ_ii/n_j),
      // covariance entry √((Σ_ii·Σ_jj + Σ_ij²)/n_j) (Wishart variance of a sample covariance).
      expect(Math.abs(model.weights[f] - w)).toBeLessThan(4 * Math.sqrt((w * (1 - w)) / N));
      for (let i = 0; i < 2; i++) expect(Math.abs(model.means[f][i] - TRUE.means[j][i])).toBeLessThan(4 * Math.sqrt(cov[i * 3] / nj));
      for (const [r, c] of [
        [0, 0],
        [0, 1],
        [1, 1],
      ]) {
        const se = Math.sqrt((cov[r * 3] * cov[c * 3] + cov[r * 2 + c] ** 2) / nj);
        expect(Math.abs(model.covariances[f][r * 2 + c] - cov[r * 2 + c])).toBeLessThan(4 * se);
      }
    }
  });

  it('never lowers the log-likelihood across EM iterations', () => {
    expect(fit.logLikelihoods.length).toBeGreaterThan(1);
    fit.logLikelihoods.slice(1).forEach((ll, i) => expect(ll).toBeGreaterThanOrEqual(fit.logLikelihoods[i] - 1e-12));
    // The last entry is the returned model's own log-likelihood.
    expect(fit.model.logLikelihood(x)).toBeCloseTo(fit.logLikelihoods.at(-1)!, 10);
  });

  it('gives the identical fit for the same seed', () => {
    const again = fitGmm(x, 2, new Rng(2), { components: 3 });
    expect(again.logLikelihoods).toEqual(fit.logLikelihoods);
    expect(again.model.toJSON()).toEqual(fit.model.toJSON());
  });

  it('fits a seeded subset of at most maxPoints points', () => {
    const a = fitGmm(x, 2, new Rng(3), { components: 3, maxPoints: 1000 });
    const b = fitGmm(x, 2, new Rng(3), { components: 3, maxPoints: 1000 });
    expect(a.points).toBe(1000);
    expect(a.model.toJSON()).toEqual(b.model.toJSON());
    expect(a.model.toJSON()).not.toEqual(fit.model.toJSON());
  });

  it('keeps the best of several starts, where one start sometimes lands in a poor optimum', () => {
    // Four unit 3-D clusters on a square of side 4: over 100 seeds one k-means++ start now and then
    // ends in a poorer optimum (a mean log-likelihood 0.05 below the best found; sklearn with one
    // init fails likewise), while the best of 4 starts never does on these seeds.
    const rng = new Rng(21);
    const centres = [
      [0, 0, 0],
      [4, 0, 0],
      [0, 4, 0],
      [4, 4, 0],
    ];
    const data = Array.from({ length: 300 }, (_, p) => centres[p % 4].map((c) => c + rng.normal())).flat();
    const final = (seed: number, inits: number) => fitGmm(data, 3, new Rng(seed), { components: 4, inits }).logLikelihoods.at(-1)!;
    const single = Array.from({ length: 100 }, (_, seed) => final(seed, 1));
    const several = Array.from({ length: 100 }, (_, seed) => final(seed, 4));
    const best = Math.max(...single, ...several);
    const poor = (lls: number[]) => lls.filter((ll) => ll < best - 0.05).length;
    expect(poor(single)).toBeGreaterThanOrEqual(1);
    expect(poor(several)).toBe(0);
    several.forEach((ll, seed) => expect(ll).toBeGreaterThanOrEqual(single[seed])); // start 0 is the single start
  });

  it('fails when there are fewer points than components', () => {
    expect(() => fitGmm([1, 2, 3, 4], 2, new Rng(1), { components: 3 })).toThrow(RangeError);
  });
});

describe('GaussianMixture', () => {
  it('computes the log-density of a single Gaussian', () => {
    // Reference: log N(x; μ, Σ) = −log 2π − ½·log det Σ − ½·(x−μ)ᵀΣ⁻¹(x−μ); with μ = (1, −1),
    // Σ = [[2, .5], [.5, 1]], x = 0: det = 1.75, quadratic form (1 + .5 + .5 + 2)/1.75 = 4/1.75.
    const g = new GaussianMixture(Float64Array.of(1), [Float64Array.of(1, -1)], [Float64Array.of(2, 0.5, 0.5, 1)]);
    expect(g.logLikelihood([0, 0])).toBeCloseTo(-Math.log(2 * Math.PI) - 0.5 * Math.log(1.75) - 0.5 * (4 / 1.75), 12);
  });

  it('samples with the mixture mean and variance', () => {
    const g = new GaussianMixture(
      Float64Array.from(TRUE.weights),
      TRUE.means.map((m) => Float64Array.from(m)),
      TRUE.factors.map((f) => Float64Array.from(covOf(f))),
    );
    const n = 20000;
    const s = g.sample(n, new Rng(4));
    for (let i = 0; i < 2; i++) {
      // Reference: mixture mean Σ w_j μ_j; variance Σ w_j (Σ_j,ii + μ_j,i²) − mean².
      const mean = TRUE.weights.reduce((acc, w, j) => acc + w * TRUE.means[j][i], 0);
      const variance = TRUE.weights.reduce((acc, w, j) => acc + w * (covOf(TRUE.factors[j])[i * 3] + TRUE.means[j][i] ** 2), 0) - mean ** 2;
      let [m1, m2] = [0, 0];
      for (let p = 0; p < n; p++) [m1, m2] = [m1 + s[2 * p + i] / n, m2 + s[2 * p + i] ** 2 / n];
      expect(Math.abs(m1 - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
      expect(Math.abs(m2 - m1 ** 2 - variance) / variance).toBeLessThan(0.05); // SE of a sample variance √((κ−1)/n) ≈ 1 % here
    }
    expect(Array.from(g.sample(10, new Rng(4)))).toEqual(Array.from(s.subarray(0, 20))); // seeded: a prefix of the same stream
  });

  it('round-trips through JSON', () => {
    const { x } = drawTrue(5);
    const { model } = fitGmm(x, 2, new Rng(6), { components: 3 });
    const back = GaussianMixture.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(back.logLikelihood(x)).toBe(model.logLikelihood(x));
  });
});
