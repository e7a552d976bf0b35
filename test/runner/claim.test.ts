import { execFile } from 'node:child_process';
import { readdir, readFile, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { claimRun, STALE_MS } from '../../src/runner/claim.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-claim-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const release = async (c: Awaited<ReturnType<typeof claimRun>>) => {
  if ('claim' in c) await c.claim.release();
};

describe('claimRun', () => {
  it('lets one holder at a time claim a run folder, and frees it on release', async () => {
    const run = join(dir, 'a');
    const first = await claimRun(run);
    expect('claim' in first).toBe(true);
    expect(await claimRun(run)).toEqual({ heldBy: `${hostname()}:${process.pid}` });
    if ('claim' in first) await first.claim.release();
    const again = await claimRun(run);
    expect('claim' in again).toBe(true);
    if ('claim' in again) await again.claim.release();
  });

  it("takes over a dead owner's claim: a gone process here, a silent one elsewhere", async () => {
    const here = join(dir, 'b');
    await release(await claimRun(here));
    await writeFile(join(here, 'claim.json'), JSON.stringify({ host: hostname(), pid: 2 ** 22 + 7 })); // no such process
    const taken = await claimRun(here);
    expect('claim' in taken).toBe(true);
    if ('claim' in taken) await taken.claim.release();

    const elsewhere = join(dir, 'c');
    await release(await claimRun(elsewhere));
    const path = join(elsewhere, 'claim.json');
    await writeFile(path, JSON.stringify({ host: 'node-17', pid: 1234 }));
    expect(await claimRun(elsewhere)).toEqual({ heldBy: 'node-17:1234' }); // touched just now: alive
    const old = new Date(Date.now() - STALE_MS - 60_000);
    await utimes(path, old, old);
    const late = await claimRun(elsewhere);
    expect('claim' in late).toBe(true); // no heartbeat for longer than STALE_MS
    if ('claim' in late) await late.claim.release();
  });
});

describe('two tasks on one results folder at once', () => {
  it('train each run once between them', async () => {
    const suite = {
      name: 'raced',
      description: 'two processes, one folder',
      dataset: { name: 'digits', size: 32 },
      model: { preset: 'tiny' },
      train: { steps: 150, batch: 8, emaStart: 5, emaEvery: 5, checkpointEvery: 150 },
      sampling: { count: 16, samplers: ['direct'], generation: false },
      features: { steps: 20 },
      seeds: [0, 1, 2],
      degradations: [{ name: 'blur', params: { steps: 3, sigma: 1, radius: 1 } }],
    };
    await writeFile(join(dir, 'suite.json'), JSON.stringify(suite));
    const bin = resolve('bin/coldbench.js');
    const task = () =>
      promisify(execFile)(
        'node',
        [bin, '--backend', 'wasm', 'run', 'suite.json', '--results', 'shared', '--workers', '1', '--no-progress'],
        { cwd: dir },
      );
    const outputs = await Promise.all([task(), task()]); // both also claim the new results folder at once
    const completed = outputs.flatMap((o) => o.stderr.split('\n').filter((l) => l.startsWith('completed ')));
    // Three runs, each trained by exactly one of the two processes; the other left it (busy) or found it done.
    expect(completed).toHaveLength(3);
    expect(new Set(completed).size).toBe(3);
    const folders = (await readdir(join(dir, 'shared'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders).toHaveLength(3);
    for (const id of folders) {
      expect(JSON.parse(await readFile(join(dir, 'shared', id, 'result.json'), 'utf8')).state).toBe('completed');
      expect((await readdir(join(dir, 'shared', id))).includes('claim.json')).toBe(false); // released
    }
  }, 300_000);
});
