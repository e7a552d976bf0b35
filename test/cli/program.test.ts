import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the built binary as a user would (dist/ is built by `npm ci` through `prepare`). */
async function coldbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['bin/coldbench.js', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('coldbench CLI', () => {
  it('lists its commands', async () => {
    const { code, stdout } = await coldbench('--help');
    expect(code).toBe(0);
    for (const command of ['datasets', 'degradations', 'preview', 'bench']) expect(stdout).toContain(command);
  });

  it('prints its version, and each option default once', async () => {
    const { version } = JSON.parse(await (await import('node:fs/promises')).readFile('package.json', 'utf8'));
    expect(await coldbench('--version')).toMatchObject({ code: 0, stdout: `${version}\n` });
    const { stdout } = await coldbench('run', '--help');
    expect(stdout.replace(/\s+/g, ' ')).toMatch(/--workers <n> worker threads \(default: \d+, the CPU cores\)/);
    expect(stdout.replace(/\s+/g, ' ')).not.toMatch(/\(default: [^)]*\) \(default:/); // it read "(default: CPU cores) (default: 2)"
  });

  it('lists all eight degradations as JSON', async () => {
    const { code, stdout } = await coldbench('degradations', '--json');
    expect(code).toBe(0);
    const names = (JSON.parse(stdout) as { name: string }[]).map((d) => d.name).sort();
    expect(names).toEqual(['animorph', 'blur', 'blur-generation', 'desaturate', 'gaussian', 'inpaint', 'pixelate', 'snow']);
  });

  it('fails on an unknown degradation with one line, a suggestion and exit code 2', async () => {
    const { code, stderr } = await coldbench('preview', 'blurr', '--out', '/tmp/never.png');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain("Unknown degradation 'blurr'. Did you mean 'blur'?");
  });

  it('runs through its shebang, and bench scaling refuses one worker in one line', async () => {
    // bin/coldbench.js started by the kernel, as npx does: `env -S node --single-threaded-gc`.
    const { code, stderr } = await run('bin/coldbench.js', ['bench', 'scaling', '--workers', '1']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('coldbench: bench scaling compares 1 worker with more: pass --workers 2 or more (got 1).');
  });

  it('rejects an unknown backend', async () => {
    const { code, stderr } = await coldbench('--backend', 'gpu', 'degradations');
    expect(code).toBe(2);
    expect(stderr).toContain("'gpu' is invalid");
  });

  // Option-parser errors follow the same contract as every user error: one line naming the
  // problem and where to look, exit code 2, nothing on stdout.
  const usage = '(run coldbench --help for usage)';
  it.each([
    [['--workers', '0', 'run', 'x.json'], "unknown option '--workers'"],
    [['run', 'x.json', '--workers', '0'], "option '--workers <n>' argument '0' is invalid. expected a positive integer."],
    [['run', 'x.json', '--workers', '-1'], "option '--workers <n>' argument '-1' is invalid. expected a positive integer."],
    [['run', 'x.json', '--workers', 'abc'], "option '--workers <n>' argument 'abc' is invalid. expected a positive integer."],
    [['run', 'x.json', '--workers', '1.5'], "option '--workers <n>' argument '1.5' is invalid. expected a positive integer."],
    [['--threads', '0', 'degradations'], "option '--threads <n>' argument '0' is invalid. expected a positive integer."],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['run', '--bogus', 'x.json'], "unknown option '--bogus'"],
    [['preview', 'blur'], "required option '--out <file.png>' not specified"],
    [['run-one', 'blur', '--param', 'x'], "option '--param <key=value>' argument 'x' is invalid. expected key=value, got 'x'."],
    [['run-one', 'blur', '--loss', 'l3'], "option '--loss <name>' argument 'l3' is invalid. Allowed choices are l1, l2."],
    [
      ['bench', 'train', '--preset', 'huge'],
      "option '--preset <name>' argument 'huge' is invalid. Allowed choices are reference, small, faces64.",
    ],
  ])('refuses %j in one line with exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await coldbench(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`coldbench: ${message} ${usage}\n`);
  });

  it('refuses more than 4 suite workers per core before starting anything', async () => {
    const { code, stderr } = await coldbench('run', 'experiments/smoke.json', '--workers', '1000');
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(
      /^coldbench: --workers 1000 is more than 4 per core on this \d+-core machine; use at most \d+ \(each worker is a thread training one run\)\.$/,
    );
  });

  it.each([
    [['run', 'experiments/smoke.json', '--shard', ''], "Bad --shard '': use i/n with 1 ≤ i ≤ n, e.g. 2/4."],
    [
      ['run', 'experiments/smoke.json', '--results', 'package.json'],
      'package.json is a file, not a folder; pass --results <empty or new dir>.',
    ],
    [['report', 'experiments', '--out', 'package.json'], '--out package.json is a file; pass a folder for the report.'],
    // run-one checks what a suite checks before its engine starts (these used to write errored runs).
    [['run-one', 'blur', '--out', 'package.json'], '--out package.json is a file; pass a folder for the results.'],
    [
      ['run-one', 'blur', '--dataset', 'mnist'],
      "run-one: dataset.name: Unknown dataset 'mnist'. Did you mean 'digits'? Known: digits, faces, animal-faces.",
    ],
    [['run-one', 'blur', '--size', '48'], "run-one: dataset.size: size 48 is not offered by 'digits' (sizes: 32, 64)"],
    [
      ['run-one', 'desaturate'],
      `run-one: degradations[0]: 'desaturate' needs 3-channel images and 'digits' has 1; give this entry a "dataset" such as { "name": "faces", "size": 32 }`,
    ],
    [
      ['run-one', 'pixelate', '--param', 'steps=6'],
      "run-one: degradations[0]: Bad parameter 'steps' for degradation 'pixelate': 2^6 = 64 must divide the image size 32×32.",
    ],
  ])('refuses %j before writing anything', async (args, message) => {
    const { code, stderr } = await coldbench(...args);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n').at(-1)).toBe(`coldbench: ${message}`);
  });

  it('shows its help on stderr when no command is given', async () => {
    const { code, stderr } = await coldbench();
    expect(code).toBe(1);
    expect(stderr).toContain('Usage: coldbench [options] [command]');
  });

  it('lists the built-in suites with their run counts', async () => {
    const { code, stdout } = await coldbench('list', '--json');
    expect(code).toBe(0);
    const suites = JSON.parse(stdout) as { path: string; name: string; runs: number }[];
    expect(suites.find((s) => s.path === 'experiments/smoke.json')).toMatchObject({ name: 'smoke', runs: 8 });
  });

  it('plans a run with --dry-run: overrides and filters applied, nothing written', async () => {
    const results = `/tmp/coldbench-dry-run-${process.pid}`;
    const { code, stdout } = await coldbench(
      'run',
      'experiments/smoke.json',
      'train.steps=30',
      'seeds=[0,1]',
      '--only',
      'blur*',
      '--seeds',
      '1',
      '--dry-run',
      '--json',
      '--results',
      results,
    );
    expect(code).toBe(0);
    const runs = JSON.parse(stdout) as { key: string; standing: string; steps: number }[];
    expect(runs.map((r) => r.key)).toEqual(['blur-generation[seed=1,steps=10]', 'blur[radius=2,seed=1,sigma=1,steps=5]']);
    expect(runs.every((r) => r.standing === 'new' && r.steps === 30)).toBe(true);
    const { existsSync } = await import('node:fs');
    expect(existsSync(results)).toBe(false);
    const none = await coldbench('run', 'experiments/smoke.json', '--only', 'nothing*', '--dry-run');
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe(
      "coldbench: No run of suite 'smoke' matches the filters --only 'nothing*'; `coldbench run <suite> --dry-run` lists its runs.",
    );
  });

  it('refuses a bad override or an old results folder in one line', async () => {
    const bad = await coldbench('run', 'experiments/smoke.json', 'train.stepz=3', '--dry-run');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'coldbench: experiments/smoke.json: train.stepz: unknown key (known: steps, batch, lr, loss, emaHorizon, emaStart, emaEvery, clipNorm, checkpointEvery, precision)',
    );
    const status = await coldbench('status', 'experiments');
    expect(status.code).toBe(2);
    expect(status.stderr.trim()).toMatch(/^coldbench: experiments is not a coldbench results folder/);
  });

  it('compares two results folders in one table, refusing a folder that is not one', async () => {
    const bad = await coldbench('compare', 'experiments', 'experiments');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^coldbench: experiments is not a coldbench results folder/);
    const metric = await coldbench('compare', 'experiments', 'experiments', '--metric', 'fidd');
    expect(metric.stderr.trim()).toBe(
      "coldbench: Unknown metric 'fidd'. Did you mean 'fid'? Known: l1, rmse, psnr, ssim, fid, kid, diversity, recognisable, sharpness.",
    );
  });
});
