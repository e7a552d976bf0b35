import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = resolve('.');
let copy: string;

/** The ```ts blocks of the guide, in order. */
async function guideBlocks(): Promise<string[]> {
  const text = await readFile(join(root, 'docs/adding-a-degradation.md'), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'coldbench-guide-'));
  // The committed project only (what a new contributor clones), not files being edited.
  const tracked = (
    await exec(
      'git',
      ['ls-files', 'src', 'test', 'bin', 'experiments', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'jest.config.js'],
      { cwd: root },
    )
  ).stdout
    .trim()
    .split('\n');
  for (const file of tracked) await cp(join(root, file), join(copy, file), { recursive: true });
  await symlink(join(root, 'node_modules'), join(copy, 'node_modules'));
  await mkdir(join(root, '.cache'), { recursive: true });
  await symlink(join(root, '.cache'), join(copy, '.cache')); // share the trained feature networks
});
afterAll(() => rm(copy, { recursive: true, force: true }));

describe('docs/adding-a-degradation.md, followed literally', () => {
  it('adds a degradation with one file and its registry entry, then benchmarks it', async () => {
    const [file, registry] = await guideBlocks();
    // Step 1: the new file.
    await writeFile(join(copy, 'src/degradations/fade.ts'), file);
    // Step 2: the import goes with the others; the guide's entry line goes at the registry's end.
    const indexPath = join(copy, 'src/degradations/index.ts');
    const importLine = registry.split('\n')[0];
    const entryLine = registry.split('\n').find((l) => l.trim() === 'fade,')!;
    expect(entryLine).toBeDefined();
    const lines = (await readFile(indexPath, 'utf8')).split('\n');
    const registryAt = lines.findIndex((l) => l.startsWith('export const DEGRADATIONS = {'));
    const endAt = lines.findIndex((l, i) => i > registryAt && l.startsWith('} as const satisfies Record<string, Degradation>;'));
    expect(registryAt).toBeGreaterThan(0);
    expect(endAt).toBeGreaterThan(registryAt);
    lines.splice(endAt, 0, entryLine);
    lines.splice(lines.findLastIndex((l) => l.startsWith('import ')) + 1, 0, importLine);
    await writeFile(indexPath, lines.join('\n'));

    // Step 3: build, list, contract suite, benchmark.
    await exec('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: copy });
    const listed = JSON.parse((await exec('node', ['bin/coldbench.js', 'degradations', '--json'], { cwd: copy })).stdout) as {
      name: string;
    }[];
    expect(listed.map((d) => d.name)).toContain('fade');
    const contract = await exec(
      'node',
      ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', 'test/degradations/contract.test.ts', '-t', 'fade'],
      { cwd: copy },
    );
    expect(contract.stderr).toContain('✓ moves away from x0 as t grows');
    expect(contract.stderr).not.toContain('✕');
    await exec('node', ['bin/coldbench.js', 'bench', 'degradation', 'fade', '--steps', '30', '--samples', '16', '--no-progress'], {
      cwd: copy,
    });
    const results = join(copy, 'results', 'bench-fade');
    const runs = (await readdir(results, { withFileTypes: true })).filter((e) => e.isDirectory());
    const states = await Promise.all(
      runs.map(
        async (r) =>
          JSON.parse(await readFile(join(results, r.name, 'result.json'), 'utf8')).degradation.name +
          ':' +
          JSON.parse(await readFile(join(results, r.name, 'result.json'), 'utf8')).state,
      ),
    );
    expect(states.sort()).toEqual(['fade:completed', 'gaussian:completed']);
  }, 600_000);
});
