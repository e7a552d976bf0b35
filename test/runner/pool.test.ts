import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNativeAddon } from '../../src/engine/native/addon.js';
import { featuresSection, samplingSection, trainSection, type RunSpec } from '../../src/results/config.js';
import type { ResultFile } from '../../src/results/types.js';
import type { PlannedRun } from '../../src/runner/expand.js';
import { resolveIsolation } from '../../src/runner/pool.js';
import { runSuite } from '../../src/runner/run-suite.js';

// Worker processes (isolation `process`, for engines that are not thread-safe, such as tfjs-node)
// must give what worker threads give, to the last digit, on both engines CI has.
const engines: ('wasm' | 'native')[] = [
  'wasm',
  ...('addon' in loadNativeAddon() || process.env.COLDBENCH_REQUIRE_NATIVE === '1' ? ['native' as const] : []),
];

function planned(key: string, sigma: number): PlannedRun {
  const params = { steps: 3, radius: 1, sigma };
  const spec: RunSpec = {
    key,
    seed: 3,
    evaluationSeed: 4,
    dataset: 'digits',
    size: 32,
    degradation: 'blur',
    params,
    model: { preset: 'tiny' },
    train: trainSection.parse({ steps: 20, batch: 8, checkpointEvery: 5, emaStart: 10 }),
    sampling: samplingSection.parse({ count: 16, generation: false, samplers: ['direct', 'alg2'] }),
    features: featuresSection.parse({ steps: 20 }),
  };
  const point = { variant: key, degradation: 'blur', params, settings: {}, seed: 0, dataset: 'digits', size: 32, preset: 'tiny' };
  return { key, id: createHash('sha256').update(key).digest('hex').slice(0, 12), spec, point };
}

const runs = [planned('blur-a', 1), planned('blur-b', 2)];
const suite = { name: 'pool-suite', definition: { name: 'pool-suite' } };

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coldbench-pool-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** What a run measured and trained, without wall times (which differ between attempts). */
async function outcome(dir: string, id: string) {
  const result = JSON.parse(await readFile(join(dir, id, 'result.json'), 'utf8')) as ResultFile & { timings?: unknown };
  const { durationMs: _d, timings: _t, ...rest } = result;
  return { result: rest, loss: await readFile(join(dir, id, 'loss.csv'), 'utf8') };
}

describe('worker isolation', () => {
  it('picks processes for the tensorflow engine and threads for the others', () => {
    expect(resolveIsolation('auto', 'tensorflow')).toBe('process');
    expect(resolveIsolation('auto', 'native')).toBe('thread');
    expect(resolveIsolation('process', 'wasm')).toBe('process');
  });

  it.each(engines)(
    'gives in worker processes what worker threads give, stopped and resumed or not (%s)',
    async (backend) => {
      const options = (dir: string) => ({
        resultsDir: dir,
        workers: 2,
        backend,
        featureCache: join(root, 'features'),
        progress: false,
        log: () => {},
      });
      const threads = join(root, `${backend}-threads`);
      expect((await runSuite(suite, runs, { ...options(threads), isolation: 'thread' })).counts).toMatchObject({ completed: 2 });
      // Processes, stopped once both runs have trained a little (the plain progress line at step 2 of 20), then resumed.
      const processes = join(root, `${backend}-processes`);
      const stop = new AbortController();
      const lines: string[] = [];
      const log = (line: string) => {
        lines.push(line);
        if (lines.filter((l) => l.startsWith('training')).length >= 2) stop.abort();
      };
      const first = await runSuite(suite, runs, { ...options(processes), isolation: 'process', signal: stop.signal, log });
      expect(first.counts).toMatchObject({ stopped: 2, completed: 0 });
      expect((await runSuite(suite, runs, { ...options(processes), isolation: 'process' })).counts.completed).toBe(2);
      for (const run of runs) expect(await outcome(processes, run.id)).toEqual(await outcome(threads, run.id));
    },
    600_000,
  );
});
