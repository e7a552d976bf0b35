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
    expect(code).not.toBe(0);
    expect(stderr).toContain("'gpu' is invalid");
  });
});
