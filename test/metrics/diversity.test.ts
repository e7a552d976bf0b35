import * as tf from '@tensorflow/tfjs-core';
import { diversity } from '../../src/metrics/diversity.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('diversity', () => {
  it('averages all pairwise distances (hand-checked)', () => {
    // Reference: by hand. Points 0, 3, 4 on a line: (3 + 4 + 1)/3 = 8/3.
    expect(diversity({ data: [0, 3, 4], dim: 1 })).toBeCloseTo(8 / 3, 14);
    // Unit-square corners: four sides of 1 and two diagonals of √2 over 6 pairs.
    expect(diversity({ data: [0, 0, 1, 0, 0, 1, 1, 1], dim: 2 })).toBeCloseTo((4 + 2 * Math.SQRT2) / 6, 14);
  });

  it('subsamples pairs deterministically and stays close to the exact mean', () => {
    const f = tf.tensor2d(new Rng(1).normals(1000 * 2), [1000, 2]);
    const before = tf.memory().numTensors;
    const sampled = diversity(f, { maxPairs: 20_000, rng: new Rng(2) });
    expect(tf.memory().numTensors).toBe(before);
    const exact = diversity(f, { maxPairs: Infinity });
    f.dispose();
    expect(diversity({ data: new Rng(1).normals(1000 * 2), dim: 2 }, { maxPairs: 20_000, rng: new Rng(2) })).toBe(sampled);
    // Reference: for x, y iid N(0, I₂), x − y ~ N(0, 2I) and ‖x − y‖ is Rayleigh with σ = √2, mean σ√(π/2) = √π.
    // The SD of one distance is √(4 − π) ≈ 0.93, so 2·10⁴ pairs give ±0.0066 (1 SD) about the exact mean.
    expect(Math.abs(sampled - exact)).toBeLessThan(0.03);
    expect(Math.abs(exact - Math.sqrt(Math.PI))).toBeLessThan(0.06);
  });
});
