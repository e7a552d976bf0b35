import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAIN_DEFAULTS } from '../../src/train/train.js';
import { FEATURE_NET_DEFAULTS } from '../../src/train/feature-net.js';
import { runOne, type RunResult } from '../../src/worker/run.js';
import { SAMPLING_DEFAULTS, type RunSpec } from '../../src/worker/spec.js';
import { useWasmEngine } from '../helpers/engine.js';

let dir: string;
let result: RunResult;
const spec: RunSpec = {
  key: 'blur[test]', seed: 11, dataset: 'digits', size: 32, degradation: 'blur',
  params: { steps: 5, sigma: 2, radius: 2 },
  model: { preset: 'tiny' },
  train: { ...TRAIN_DEFAULTS, steps: 300, batch: 16, lr: 2e-3, emaStart: 200, emaEvery: 5, checkpointEvery: 100 },
  sampling: { ...SAMPLING_DEFAULTS, count: 48, deltas: [0, 0.05], gmmComponents: 3 },
  features: { ...FEATURE_NET_DEFAULTS, steps: 150 },
};

beforeAll(async () => {
  await useWasmEngine();
  dir = await mkdtemp(join(tmpdir(), 'coldbench-run-'));
  result = await runOne(spec, { dir, featureCache: join(dir, 'features') });
}, 300_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('one run: train, sample, measure', () => {
  it('completes with every metric for every sampler', () => {
    if (result.state !== 'completed') throw new Error(`run ${result.state}`);
    expect(result.losses).toHaveLength(300);
    const restoration = result.metrics.filter((r) => r.mode === 'restoration');
    const generation = result.metrics.filter((r) => r.mode === 'generation');
    // degraded + 3 samplers, each with 4 distribution + 4 pixel metrics.
    expect(restoration).toHaveLength(4 * 8);
    // 2 start-noise levels × 3 samplers × 4 distribution metrics.
    expect(generation).toHaveLength(2 * 3 * 4);
    for (const row of result.metrics) expect(Number.isFinite(row.value)).toBe(true);
    expect(result.gaussianity.map((g) => g.t)).toEqual([1, 2, 3, 4, 5]);
    expect(result.featureNet.objective).toBe('labels');
  });

  it('restores: every sampler beats the degraded input on L1', () => {
    if (result.state !== 'completed') throw new Error(`run ${result.state}`);
    const l1 = (sampler: string) => result.state === 'completed' && result.metrics.find((r) => r.mode === 'restoration' && r.sampler === sampler && r.metric === 'l1')!.value;
    for (const sampler of ['direct', 'alg1', 'alg2']) expect(l1(sampler)).toBeLessThan(l1('degraded') as number);
  });

  it('saves sample grids and a checkpoint', () => {
    for (const file of ['samples/restoration.png', 'samples/generation-delta-0.png', 'samples/generation-delta-0.05.png', 'checkpoint/ema/model.json']) {
      expect(existsSync(join(dir, file))).toBe(true);
    }
  });
});
