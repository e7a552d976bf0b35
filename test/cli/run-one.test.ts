import { PLUGINS } from '../../src/plugins.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { expandSuite } from '../../src/runner/expand.js';
import { validateSuite } from '../../src/runner/validate.js';
import type { ConfigFile, SuiteFile } from '../../src/results/types.js';

const run = promisify(execFile);
const BIN = resolve('bin/coldbench.js');

/** A scratch working folder: results and reports land in it; the feature-network cache is the repository's. */
let cwd: string;

async function coldbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [BIN, '--backend', 'wasm', ...args], { cwd, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A tiny budget: restoration only, 3 degradation steps, 16 images. */
const BUDGET = [
  '--preset',
  'tiny',
  '--steps',
  '12',
  '--batch',
  '8',
  '--samples',
  '16',
  '--samplers',
  'direct,alg2',
  '--no-generation',
  '--no-progress',
];

const out = join('results', 'run-one');
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'coldbench-run-one-'));
  await mkdir('.cache', { recursive: true });
  await symlink(resolve('.cache'), join(cwd, '.cache'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

describe('coldbench run-one: a one-entry suite through the suite path', () => {
  it('runs, writes the suite format with the suite key and id, and gathers a second degradation into the same suite', async () => {
    const first = await coldbench('run-one', 'blur', ...BUDGET, '--param', 'steps=3'); // --out results/run-one by default
    expect(first.stderr).toContain('suite run-one: 1 of 1 runs');
    expect(first.code).toBe(0);
    const second = await coldbench('run-one', 'pixelate', ...BUDGET, '--param', 'steps=3', '--out', out);
    expect(second.code).toBe(0);
    // Its suite.json is an ordinary suite: it expands to exactly the two run folders on disk, keys as `run` makes them.
    const saved = JSON.parse(await readFile(join(cwd, out, 'suite.json'), 'utf8')) as SuiteFile;
    const runs = expandSuite(validateSuite(saved.definition, 'suite.json', PLUGINS), PLUGINS);
    expect(runs.map((r) => r.key)).toEqual(['blur[seed=0,steps=3]', 'pixelate[seed=0,steps=3]']);
    expect((await readdir(join(cwd, out))).filter((f) => /^[0-9a-f]{12}$/.test(f)).sort()).toEqual(runs.map((r) => r.id).sort());
    for (const r of runs) {
      const config = JSON.parse(await readFile(join(cwd, out, r.id, 'config.json'), 'utf8')) as ConfigFile;
      // The structured grid point, with every parameter resolved (blur's defaults included).
      expect(config.point).toMatchObject({
        variant: r.key.replace('seed=0,', ''),
        degradation: r.point.degradation,
        seed: 0,
        dataset: 'digits',
        size: 32,
        preset: 'tiny',
        settings: {},
      });
      expect(config.point.params.steps).toBe(3);
      expect(existsSync(join(cwd, out, r.id, 'result.json'))).toBe(true);
      // The checkpoint's training grid (x0, x_T, the EMA model's restoration so far): 12 steps, one checkpoint.
      expect(existsSync(join(cwd, out, r.id, 'samples', 'training-step-12.png'))).toBe(true);
    }
    // The report of the folder sees both runs of the suite.
    expect(second.stderr).toMatch(/report: 2 of 2 runs completed, \d+ charts → reports\/run-one\/index\.html/);
  }, 300_000);

  it('refuses other settings in the same folder, before anything runs', async () => {
    const { code, stderr } = await coldbench('run-one', 'blur', ...BUDGET, '--steps', '13', '--out', out);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `coldbench: ${out} holds run-one runs with other settings (dataset, model, training, sampling or seed); pass --out <dir> for this run.`,
    );
  });

  it("samples from a saved run's checkpoint without retraining, same seed same image", async () => {
    const saved = JSON.parse(await readFile(join(cwd, out, 'suite.json'), 'utf8')) as SuiteFile;
    const [blur] = expandSuite(validateSuite(saved.definition, 'suite.json', PLUGINS), PLUGINS);
    const args = ['sample', join(out, blur.id), '--mode', 'restoration', '--sampler', 'alg2', '--count', '4', '--seed', '3'];
    const first = await coldbench(...args, '--out', 'a.png');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('wrote a.png: 4 images, rows x0 (real) / x_T (degraded) / alg2');
    // 3 rows (x0, x_T, alg2) × 4 columns of 32-px images drawn at 2×, 2-px gaps.
    const { width, height } = await sharp(join(cwd, 'a.png')).metadata();
    expect([width, height]).toEqual([4 * 64 + 3 * 2, 3 * 64 + 2 * 2]);
    await coldbench(...args, '--out', 'b.png');
    expect(await readFile(join(cwd, 'b.png'))).toEqual(await readFile(join(cwd, 'a.png')));
    const refused = await coldbench('sample', join(out, blur.id), '--out', 'c.png');
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe("coldbench: 'blur' has no generation prior; use --mode restoration.");
  }, 120_000);
});
