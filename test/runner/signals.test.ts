import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// A run whose only checkpoint would be at its end (checkpointEvery = steps): a stop must not wait for it.
const suite = {
  name: 'signals',
  description: 'a run stopped by a signal',
  dataset: { name: 'digits', size: 32 },
  model: { preset: 'tiny' },
  train: { steps: 3000, batch: 8, lr: 2e-3, emaStart: 10, emaEvery: 5, checkpointEvery: 3000 },
  sampling: { count: 16, samplers: ['direct'], generation: false },
  features: { steps: 20 },
  seeds: [0],
  degradations: [{ name: 'blur', params: { steps: 3, sigma: 1, radius: 1 } }],
};
const bin = resolve('bin/coldbench.js');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-signals-'));
  await writeFile(join(dir, 'suite.json'), JSON.stringify(suite));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `coldbench run` in `dir`; sends `signal` once the run has trained for a moment. */
async function run(results: string, signal?: NodeJS.Signals): Promise<{ code: number | null; seconds: number; stderr: string }> {
  const child = spawn('node', [bin, '--backend', 'wasm', 'run', 'suite.json', '--workers', '1', '--results', results, '--no-progress'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let gone = false;
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => ((gone = true), done(code))));
  let sent = 0;
  if (signal) {
    const folder = join(dir, results);
    for (
      let i = 0;
      i < 600 && !gone && !(existsSync(folder) && (await readdir(folder)).some((e) => existsSync(join(folder, e, 'config.json'))));
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2000)); // training is under way
    child.kill(signal);
    sent = performance.now();
  }
  const code = await exited;
  return { code, seconds: (performance.now() - sent) / 1000, stderr };
}

async function checkpointStep(results: string): Promise<number> {
  const folder = join(dir, results);
  const [id] = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  return (JSON.parse(await readFile(join(folder, id, 'checkpoint', 'state.json'), 'utf8')) as { step: number }).step;
}

describe('signals', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s stops a run within seconds, with a checkpoint at its step, exit code %i',
    async (signal, exitCode) => {
      const results = `stopped-${signal}`;
      const { code, seconds, stderr } = await run(results, signal);
      expect(code).toBe(exitCode);
      expect(seconds).toBeLessThan(10);
      expect(stderr).toContain(`stopping (${signal}): runs in progress write a checkpoint; run the same command again to resume`);
      const step = await checkpointStep(results);
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThan(3000); // not the end-of-run checkpoint
    },
    120_000,
  );

  it('the same command then resumes and completes the run', async () => {
    const results = 'stopped-SIGTERM';
    const before = await checkpointStep(results);
    const { code } = await run(results);
    expect(code).toBe(0);
    const folder = join(dir, results);
    const [id] = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    const result = JSON.parse(await readFile(join(folder, id, 'result.json'), 'utf8')) as { state: string };
    expect(result.state).toBe('completed');
    expect((await readFile(join(folder, id, 'loss.csv'), 'utf8')).trim().split('\n')).toHaveLength(3000 + 1); // header + every step
    expect(before).toBeGreaterThan(0);
  }, 300_000);
});
