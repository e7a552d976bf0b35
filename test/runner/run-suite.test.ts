import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultFile } from '../../src/results/types.js';
import { featuresSection, samplingSection, trainSection, type RunSpec } from '../../src/results/config.js';
import type { PlannedRun } from '../../src/runner/expand.js';
import { runSuite } from '../../src/runner/run-suite.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coldbench-suite-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

function planned(key: string, degradation: string, params: RunSpec['params']): PlannedRun {
  const spec: RunSpec = {
    key,
    seed: 3,
    evaluationSeed: 4,
    dataset: 'digits',
    size: 32,
    degradation,
    params,
    model: { preset: 'tiny' },
    train: trainSection.parse({ steps: 20, batch: 8, checkpointEvery: 10, emaStart: 10 }),
    sampling: samplingSection.parse({ count: 16, generation: false, samplers: ['direct', 'alg2'] }),
    features: featuresSection.parse({ steps: 20 }),
  };
  const point = { variant: key, degradation, params, settings: {}, seed: 0, dataset: 'digits', size: 32, preset: 'tiny' };
  return { key, id: idOf(key), spec, point };
}

/** A run id as real ones look (12 hex digits): results readers skip other folder names. */
const idOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 12);

const suite = { name: 'test-suite', definition: { name: 'test-suite' } };
const options = (dir: string) => ({
  resultsDir: dir,
  workers: 2,
  backend: 'wasm' as const,
  featureCache: join(root, 'features'),
  progress: false,
  log: () => {},
});
const readResult = async (dir: string, id: string) => JSON.parse(await readFile(join(dir, id, 'result.json'), 'utf8')) as ResultFile;

describe('runSuite', () => {
  // pixelate with 6 steps needs 2^6 | 32: it fails inside the worker, after the suite started.
  const runs = [planned('blur-ok', 'blur', { steps: 3, radius: 1, sigma: 1 }), planned('pixelate-bad', 'pixelate', { steps: 6 })];

  it('records a crashing run as errored and finishes the others', async () => {
    const dir = join(root, 'a');
    const start = performance.now();
    const { counts, seconds } = await runSuite(suite, runs, options(dir));
    const wall = (performance.now() - start) / 1000;
    expect(counts).toMatchObject({ completed: 1, errored: 1, done: 0 });
    // Both phases are timed, and together they fit inside the call.
    expect(seconds.prepare).toBeGreaterThan(0);
    expect(seconds.runs).toBeGreaterThan(0);
    expect(seconds.prepare + seconds.runs).toBeLessThanOrEqual(wall);
    expect((await readResult(dir, idOf('blur-ok'))).state).toBe('completed');
    const bad = await readResult(dir, idOf('pixelate-bad'));
    expect(bad.state).toBe('errored');
    expect(bad.state === 'errored' && bad.error).toContain('pixelate');
    expect(existsSync(join(dir, idOf('blur-ok'), 'loss.csv'))).toBe(true);
  }, 240_000);

  it('skips completed runs on a rerun and retries errored ones', async () => {
    const dir = join(root, 'a');
    const { counts } = await runSuite(suite, runs, options(dir));
    expect(counts).toMatchObject({ done: 1, errored: 1, completed: 0 });
  }, 240_000);

  it('lets a changed suite take over its folder: suite.json is replaced and the finished runs it still has are reused', async () => {
    const dir = join(root, 'a');
    const lines: string[] = [];
    const grown = { name: 'test-suite', definition: { name: 'test-suite', seeds: [0, 1] } };
    const { counts } = await runSuite(grown, runs.slice(0, 1), { ...options(dir), log: (line: string) => lines.push(line) });
    expect(counts).toMatchObject({ done: 1, completed: 0 });
    expect(lines).toContain(`suite test-suite changed since ${dir} was written: its finished runs that the suite still has are reused`);
    expect(JSON.parse(await readFile(join(dir, 'suite.json'), 'utf8')).definition).toEqual(grown.definition);
  }, 240_000);

  it("refuses another suite's results folder, naming both suites", async () => {
    const dir = join(root, 'other');
    await runSuite({ name: 'first-suite', definition: { name: 'first-suite' } }, [], options(dir));
    await expect(runSuite(suite, runs, options(dir))).rejects.toThrow(
      `${dir} holds results of suite 'first-suite', not 'test-suite'; pass --results <dir> for this one.`,
    );
  }, 60_000);

  it('refuses a folder that is not a coldbench results folder', async () => {
    const dir = join(root, 'foreign');
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(runSuite(suite, runs, options(dir))).rejects.toThrow('is not a coldbench results folder');
  });

  it('stops cleanly when aborted: nothing starts, nothing is half-written', async () => {
    const dir = join(root, 'b');
    const stop = new AbortController();
    stop.abort();
    const { counts } = await runSuite(suite, runs, { ...options(dir), signal: stop.signal });
    expect(counts).toMatchObject({ stopped: 2, completed: 0 });
    expect(existsSync(join(dir, idOf('blur-ok'), 'result.json'))).toBe(false);
  }, 240_000);

  it('ends a run whose files cannot be written as errored, naming the path, and finishes the others', async () => {
    const dir = join(root, 'c');
    const [ok, blocked] = [
      planned('blur-ok', 'blur', { steps: 3, radius: 1, sigma: 1 }),
      planned('blur-blocked', 'blur', { steps: 3, radius: 1, sigma: 2 }),
    ];
    // A folder where result.json goes fails the write as a full disk would; and a killed
    // attempt's temp files lie in the other run's folder.
    const fs = await import('node:fs/promises');
    await runSuite(suite, [], options(dir)); // claims the folder (suite.json)
    await fs.mkdir(join(dir, blocked.id, 'result.json'), { recursive: true });
    await fs.mkdir(join(dir, ok.id), { recursive: true });
    await writeFile(join(dir, ok.id, '.result.json.123.456.tmp'), 'half');
    const lines: string[] = [];
    const { counts } = await runSuite(suite, [ok, blocked], { ...options(dir), log: (line: string) => lines.push(line) });
    expect(counts).toMatchObject({ completed: 1, errored: 1 });
    expect(lines.find((l) => l.startsWith('errored') && l.includes('blur-blocked'))).toContain(join(dir, blocked.id, 'result.json'));
    expect((await readResult(dir, ok.id)).state).toBe('completed');
    expect((await fs.readdir(join(dir, ok.id))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 240_000);
});
