import { PLUGINS } from '../../src/plugins.js';
import { benchScaling, scalingBenchSuite, scalingSummary } from '../../src/bench/scaling.js';
import { expandSuite } from '../../src/runner/expand.js';
import { validateSuite } from '../../src/runner/validate.js';

describe('bench scaling', () => {
  it('times a valid suite of identical runs that differ only in their seeds', () => {
    const suite = validateSuite(scalingBenchSuite({ degradation: 'blur', runs: 4, steps: 200 }), 'test', PLUGINS);
    const runs = expandSuite(suite, PLUGINS);
    expect(runs).toHaveLength(4);
    expect(new Set(runs.map((r) => r.id)).size).toBe(4);
    expect(new Set(runs.map((r) => r.spec.seed)).size).toBe(4);
    const { seed: _seed, evaluationSeed: _eval, key: _key, ...first } = runs[0].spec;
    for (const run of runs) {
      const { seed: _s, evaluationSeed: _e, key: _k, ...rest } = run.spec;
      expect(rest).toEqual(first);
    }
    expect(runs[0].spec.train.steps).toBe(200);
    expect(runs[0].spec.params.steps).toBe(20); // blur's own default T
  });

  it('caps T at 20 and keeps a smaller default', () => {
    const steps = (degradation: string) =>
      expandSuite(validateSuite(scalingBenchSuite({ degradation, runs: 2, steps: 10 }), 'test', PLUGINS), PLUGINS)[0].spec.params.steps;
    expect(steps('snow')).toBe(20); // default 200
    expect(steps('pixelate')).toBe(3); // default 3 (32 px → 4 px)
  });

  it('reports the speedup and the ideal one', () => {
    // A pair measured in an earlier session (native, 4 runs, 2 workers): 35.29 s and 19.56 s.
    const even = scalingSummary(4, { workers: 1, seconds: 35.29 }, { workers: 2, seconds: 19.56 });
    expect(even.speedup).toBeCloseTo(35.29 / 19.56, 3);
    expect(even.ideal).toBe(2);
    // 3 runs on 2 workers: the second worker's one run leaves it idle half the time, 3 / ⌈3/2⌉.
    expect(scalingSummary(3, { workers: 1, seconds: 30 }, { workers: 2, seconds: 20 }).ideal).toBeCloseTo(1.5, 6);
    expect(scalingSummary(5, { workers: 1, seconds: 50 }, { workers: 4, seconds: 20 })).toMatchObject({ speedup: 2.5, ideal: 2.5 });
  });

  it('refuses a comparison that cannot scale, before starting any worker', async () => {
    const base = { degradation: 'blur', runs: 4, steps: 10, backend: 'wasm' as const, threads: 1, featureCache: '/nonexistent' };
    await expect(benchScaling({ ...base, workers: 1 })).rejects.toThrow('pass --workers 2 or more (got 1)');
    await expect(benchScaling({ ...base, workers: 3, runs: 2 })).rejects.toThrow('pass --runs 3 or more (got 2)');
    await expect(benchScaling({ ...base, workers: 2, degradation: 'blurr' })).rejects.toThrow("Did you mean 'blur'?");
  });
});
