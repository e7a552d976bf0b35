import { bootstrapIndices, resampledDiversity, resampledMeans } from '../../src/metrics/bootstrap.js';
import { diversity } from '../../src/metrics/diversity.js';
import { featureStats, frechetFromStats, frechetReference, frechetReplicates, frechetToReference } from '../../src/metrics/frechet.js';
import { Rng } from '../../src/util/rng.js';

const features = (n: number, d: number, seed: number, shift = 0) => ({ data: new Rng(seed).normals(n * d, shift, 1), dim: d });

describe('bootstrapIndices', () => {
  it('draws each resample with replacement from 0..n−1, the same for the same seed', () => {
    const a = bootstrapIndices(50, new Rng(7), 20);
    expect(a).toHaveLength(20);
    expect(a.every((r) => r.length === 50 && r.every((i) => i >= 0 && i < 50))).toBe(true);
    expect(bootstrapIndices(50, new Rng(7), 20)).toEqual(a);
    // With replacement: a resample of 50 keeps on average 1 − (1 − 1/50)^50 ≈ 63.6% distinct positions.
    const distinct = a.map((r) => new Set(r).size / 50).reduce((s, x) => s + x, 0) / a.length;
    expect(distinct).toBeCloseTo(0.636, 1);
  });
});

describe('resampledMeans', () => {
  it('averages the chosen values, repeats counted', () => {
    expect(resampledMeans([1, 2, 3, 10], [Int32Array.from([0, 0, 3, 3]), Int32Array.from([1, 2, 1, 2])])).toEqual([5.5, 2.5]);
  });

  it('gives the standard error of a mean: σ/√n for n = 400 normal values', () => {
    const values = new Rng(3).normals(400);
    const boot = resampledMeans(values, bootstrapIndices(400, new Rng(4), 1000));
    const m = boot.reduce((s, x) => s + x, 0) / boot.length;
    const se = Math.sqrt(boot.reduce((s, x) => s + (x - m) ** 2, 0) / (boot.length - 1));
    expect(se).toBeCloseTo(1 / Math.sqrt(400), 2); // 0.05, the textbook standard error
  });
});

describe('resampledDiversity', () => {
  it('is diversity itself on the identity resample', () => {
    const f = features(40, 8, 1);
    const identity = Int32Array.from({ length: 40 }, (_, i) => i);
    expect(resampledDiversity(f, [identity])[0]).toBeCloseTo(diversity(f), 10); // all 780 pairs either way
  });
});

describe('frechetToReference', () => {
  it('equals frechetFromStats with the reference square root reused', () => {
    const [a, b] = [featureStats(features(300, 16, 1, 0.3)), featureStats(features(500, 16, 2))];
    expect(frechetToReference(a, frechetReference(b))).toBeCloseTo(frechetFromStats(a.mu, a.sigma, b.mu, b.sigma), 9);
  });

  it('gives the same replicates through ml-matrix (frechetReplicates) as through the Jacobi solver', () => {
    const f = features(120, 16, 8, 0.2);
    const reference = frechetReference(featureStats(features(400, 16, 9)));
    const resamples = bootstrapIndices(120, new Rng(10), 5);
    const fast = frechetReplicates(f, resamples, reference);
    resamples.forEach((rows, b) => expect(fast[b]).toBeCloseTo(frechetToReference(featureStats(f, rows), reference), 8));
  });

  it('scores a resample as the materialised resampled features', () => {
    const f = features(30, 4, 5);
    const rows = Int32Array.from([0, 0, 1, 5, 7, 7, 7, 29, 3, 2]);
    const copy = { data: Float32Array.from([...rows].flatMap((i) => [...f.data.slice(i * 4, i * 4 + 4)])), dim: 4 };
    const [picked, materialised] = [featureStats(f, rows), featureStats(copy)];
    materialised.sigma.forEach((v, k) => expect(picked.sigma[k]).toBeCloseTo(v, 12));
    materialised.mu.forEach((v, k) => expect(picked.mu[k]).toBeCloseTo(v, 12));
  });
});
