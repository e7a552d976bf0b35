import { benchSample } from '../../src/bench/sample-speed.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

const base = { preset: 'tiny', size: 32, channels: 1, images: 12, chunk: 5 } as const;

describe('bench sample', () => {
  it('times every sampler over the images in chunks, counting the network evaluations per image', () => {
    const result = benchSample({ ...base, degradation: 'gaussian', steps: 4, samplers: ['direct', 'alg1', 'alg2', 'ddim'] });
    expect(result).toMatchObject({ bench: 'sample', backend: 'wasm', degradation: 'gaussian', T: 4, images: 12, chunk: 5 });
    // direct restores once; the iterative samplers once per step s = T … 1.
    expect(result.samplers.map((s) => [s.sampler, s.evaluationsPerImage])).toEqual([
      ['direct', 1],
      ['alg1', 4],
      ['alg2', 4],
      ['ddim', 4],
    ]);
    for (const s of result.samplers) expect(s.imgsPerSec).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a degradation with asset banks and a sampler that does not apply, in one line', () => {
    expect(() => benchSample({ ...base, degradation: 'animorph', samplers: ['direct'] })).toThrow(
      "bench sample needs a degradation without asset banks; 'animorph' draws from animal-faces. Pick e.g. gaussian or blur.",
    );
    expect(() => benchSample({ ...base, degradation: 'blur', samplers: ['ddim'] })).toThrow(
      "Sampler 'ddim' does not apply to degradation 'blur': it needs a mix √ᾱ·x0 + √(1−ᾱ)·ε such as gaussian; pick one of direct, alg1, alg2.",
    );
  });
});
