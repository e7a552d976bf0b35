import { Rng, seedFrom } from '../../src/util/rng.js';

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one for another', () => {
    const a = new Rng(42).uniforms(5);
    expect(Array.from(new Rng(42).uniforms(5))).toEqual(Array.from(a));
    expect(Array.from(new Rng(43).uniforms(5))).not.toEqual(Array.from(a));
  });

  it('derives seeds from names, not from call order', () => {
    expect(seedFrom('blur', 1)).toBe(seedFrom('blur', 1));
    expect(seedFrom('blur', 1)).not.toBe(seedFrom('blur', 2));
    expect(new Rng(7).fork('x').seed).toBe(new Rng(7).fork('x').seed);
  });

  it('draws standard normals', () => {
    const z = new Rng(1).normals(200_000);
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / (z.length - 1);
    // Reference: N(0, 1); the standard error of the mean at n = 2e5 is 0.0022.
    expect(mean).toBeCloseTo(0, 2);
    expect(variance).toBeCloseTo(1, 1);
  });

  it('keeps float32 uniforms below 1', () => {
    // Reference: seed 3 draws a float64 value that rounds to 1.0 in float32 within 200,000 draws.
    const u = new Rng(3).uniforms(200_000);
    expect(u.reduce((m, v) => Math.max(m, v), 0)).toBeLessThan(1);
  });

  it('permutes', () => {
    const p = Array.from(new Rng(3).permutation(10));
    expect([...p].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
