import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// The progress bars are behaviour only a terminal shows: the suite runs under `script` (util-linux,
// in Debian's essential bsdutils), which gives it a pseudo-terminal, and the test reads what the
// terminal received.
const SCRIPT = '/usr/bin/script';
const BIN = resolve('bin/coldbench.js');
const KEY = 'blur[radius=1,seed=0,sigma=1,steps=3]'; // 37 characters: bar labels used to cut at 36

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'coldbench-tty-'));
  await mkdir('.cache', { recursive: true });
  await symlink(resolve('.cache'), join(cwd, '.cache'));
  await writeFile(
    join(cwd, 'tty.json'),
    JSON.stringify({
      name: 'tty',
      description: 'progress in a terminal',
      dataset: { name: 'digits', size: 32 },
      model: { preset: 'tiny' },
      train: { steps: 60, batch: 8, emaStart: 30, checkpointEvery: 30 },
      sampling: { count: 16, generation: false, samplers: ['direct', 'alg2'] },
      seeds: [0],
      degradations: [{ name: 'blur', params: { steps: 3, radius: 1, sigma: 1 } }],
    }),
  );
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

/** What the terminal shows while coldbench runs `args`: cursor moves and colours removed, one line per redraw. */
async function terminal(args: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(SCRIPT, ['-qfec', `node ${BIN} --backend wasm ${args}`, '/dev/null'], {
    cwd,
    maxBuffer: 1 << 24,
  });
  const escape = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
  return stdout
    .replace(escape, '')
    .split(/\r|\n/)
    .filter((l) => l.trim());
}

(existsSync(SCRIPT) ? describe : describe.skip)('suite progress in a terminal', () => {
  it('shows each run by its whole key with step and loss, then the phase it is in, and keeps the last log line', async () => {
    const screen = await terminal('run tty.json --workers 1');
    const bars = screen.filter((l) => l.startsWith(`${KEY} |`));
    expect(bars.some((l) => / \d+\/60 loss \d\.\d{4} ETA/.test(l))).toBe(true);
    // After training the bar says what the run is doing (redrawn 5 times a second, so which of the
    // phases it catches depends on the machine): the reference, floor, sampling, metrics, Gaussianity.
    expect(bars.some((l) => / 60\/60 (features|reference|floor|sample|metrics|raw|gaussianity)\b/.test(l))).toBe(true);
    // The run's `completed` line, logged just before the bars stop, reaches the terminal.
    expect(screen).toContain(`completed ${KEY}`);
    expect(screen.some((l) => /^suite tty: 1 completed in \d+ s$/.test(l))).toBe(true);
  }, 180_000);

  it("counts the suite's time left down from the runs measured so far, not from the rate of finished runs", async () => {
    // The grown suite's new run (seed 1) has the finished seed-0 run of the same shape to go by.
    const screen = await terminal("run tty.json 'seeds=[0,1]' --workers 1");
    expect(screen.some((l) => /^suite +\|.*\| 0\/1 runs about \d+ s left \(from measured runs\)/.test(l))).toBe(true);
  }, 180_000);
});
