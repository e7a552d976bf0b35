import { Rng, seedFrom } from '../util/rng.js';
import { featureMatrix, type Features } from './features.js';

/** Options of `diversity`. */
export interface DiversityOptions {
  /** Above this many distinct pairs, average over this many seeded random pairs instead of all. Default 100,000. */
  readonly maxPairs?: number;
  /** Picks the pairs. Default: a stream seeded from the name 'diversity'. */
  readonly rng?: Rng;
}

/**
 * Mean Euclidean distance ‖f_i − f_j‖ over pairs i ≠ j of generated samples' features, in float64:
 * over all N(N−1)/2 pairs when that is at most `maxPairs`, else over `maxPairs` pairs drawn
 * uniformly (with replacement) by the seeded rng. Higher = more varied samples.
 */
export function diversity(features: Features, options: DiversityOptions = {}): number {
  const { maxPairs = 100_000, rng = new Rng(seedFrom('diversity')) } = options;
  const { data, n, dim: d } = featureMatrix(features, 'diversity');
  const dist = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += (data[i * d + k] - data[j * d + k]) ** 2;
    return Math.sqrt(s);
  };
  let total = 0;
  if ((n * (n - 1)) / 2 <= maxPairs) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) total += dist(i, j);
    return total / ((n * (n - 1)) / 2);
  }
  for (let p = 0; p < maxPairs; p++) {
    const i = rng.int(n);
    const j = rng.int(n - 1);
    total += dist(i, j < i ? j : j + 1); // uniform over ordered, hence unordered, pairs i ≠ j
  }
  return total / maxPairs;
}
