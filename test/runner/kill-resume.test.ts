import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** A one-run suite that checkpoints every 10 steps. */
const suite = {
  name: 'kill-test',
  description: 'killed and resumed',
  dataset: { name: 'digits', size: 32 },
  model: { preset: 'tiny' },
  train: { steps: 80, batch: 8, checkpointEvery: 10, emaStart: 20, emaEvery: 5 },
  sampling: { count: 16, samplers: ['direct', 'alg2'], generation: false },
  features: { steps: 20 },
  seeds: [0],
  degradations: [{ name: 'blur', params: { steps: 3, sigma: 1, radius: 1 } }],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-kill-'));
  await writeFile(join(dir, 'suite.json'), JSON.stringify(suite));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (results: string) =>
  promisify(execFile)('node', ['bin/coldbench.js', 'run', join(dir, 'suite.json'), '--workers', '1', '--results', results]);
async function runFolder(results: string): Promise<string> {
  const entries = await readdir(results, { withFileTypes: true });
  return join(results, entries.find((e) => e.isDirectory())!.name);
}

describe('a suite killed with kill -9', () => {
  it('resumes from its checkpoint to exactly the uninterrupted result', async () => {
    const whole = join(dir, 'whole');
    await run(whole);

    const killed = join(dir, 'killed');
    const child = spawn('node', ['bin/coldbench.js', 'run', join(dir, 'suite.json'), '--workers', '1', '--results', killed], {
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // Wait until the run has written a checkpoint, then kill the whole process group at once.
    for (
      let i = 0;
      i < 600 && !(existsSync(killed) && (await readdir(killed)).some((e) => existsSync(join(killed, e, 'checkpoint', 'state.json'))));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    const runDir = await runFolder(killed);
    expect(existsSync(join(runDir, 'result.json'))).toBe(false);
    const state = JSON.parse(await readFile(join(runDir, 'checkpoint', 'state.json'), 'utf8')) as { step: number; trainMs: number };
    expect(state.step).toBeGreaterThanOrEqual(10);
    expect(state.step).toBeLessThan(80);

    await run(killed);
    const read = async (results: string, file: string) => readFile(join(await runFolder(results), file), 'utf8');
    type Result = { state: string; metrics: unknown[]; durationMs: number; timings: { phase: string; ms: number }[] };
    const metrics = async (results: string) => JSON.parse(await read(results, 'result.json')) as Result;
    const [a, b] = [await metrics(whole), await metrics(killed)];
    expect(b.state).toBe('completed');
    // Its training time counts the killed attempt's, to its checkpoint, as well as its own.
    const trained = b.timings.find((t) => t.phase === 'train')!.ms;
    expect(trained).toBeGreaterThan(state.trainMs);
    expect(b.durationMs).toBeGreaterThan(trained);
    expect(b.metrics).toEqual(a.metrics);
    expect(await read(killed, 'loss.csv')).toBe(await read(whole, 'loss.csv'));
  }, 300_000);
});
