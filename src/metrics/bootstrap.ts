import type { Rng } from '../util/rng.js';
import { featureMatrix, type Features } from './features.js';

/**
 * Bootstrap replicates per sample set. 100 gives the standard error to about 7% (1/√(2B)), enough
 * for a 95% normal interval; each FID-like replicate costs one 64×64 eigenvalue solve (~8 ms).
 */
export const BOOTSTRAP_DRAWS = 100;

/**
 * `draws` resamples of n indices with replacement. Drawn once per repetition from its evaluation
 * seed and used for every sample set of size n, so replicate b resamples the same positions in
 * every configuration: the same evaluation images in restoration, the same starts within a
 * generation δ. A difference of two configurations' replicates is then a paired bootstrap.
 */
export function bootstrapIndices(n: number, rng: Rng, draws = BOOTSTRAP_DRAWS): Int32Array[] {
  return Array.from({ length: draws }, (_, b) => {
    const r = rng.fork(`resample-${b}`);
    return Int32Array.from({ length: n }, () => r.int(n));
  });
}

/** The mean of per-image `values` over each resample. */
export function resampledMeans(values: ArrayLike<number>, resamples: readonly Int32Array[]): number[] {
  return resamples.map((rows) => {
    let total = 0;
    for (const i of rows) total += values[i];
    return total / rows.length;
  });
}

/**
 * `diversity` (mean feature distance over pairs) of each resample: the N×N distance matrix once,
 * then the mean over position pairs a < b of D[rows[a], rows[b]] (a pair drawn twice counts its
 * zero distance, about 1/N of the pairs).
 */
export function resampledDiversity(features: Features, resamples: readonly Int32Array[]): number[] {
  const { data, n, dim: d } = featureMatrix(features, 'diversity');
  const distance = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (data[i * d + k] - data[j * d + k]) ** 2;
      distance[i * n + j] = distance[j * n + i] = Math.sqrt(s);
    }
  }
  return resamples.map((rows) => {
    let total = 0;
    for (let a = 0; a < rows.length; a++) {
      const base = rows[a] * n;
      for (let b = a + 1; b < rows.length; b++) total += distance[base + rows[b]];
    }
    return total / ((rows.length * (rows.length - 1)) / 2);
  });
}
