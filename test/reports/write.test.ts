import { PLUGINS } from '../../src/plugins.js';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { UserError } from '../../src/errors.js';
import { RESULTS_FORMAT } from '../../src/results/types.js';
import { CSV_COLUMNS, RUNS_COLUMNS, writeReport, type ReportSummary } from '../../src/reports/index.js';
import { CSV_ROWS, ERROR, parseCsv, syntheticResults } from './fixture.js';

const CHART_NAMES = [
  'q1-gaussian-noise',
  'q2-randomness',
  'q3-gaussianity',
  'q4-samplers',
  'q5-sharpness',
  'q1-exploratory',
  'loss-curves',
];

/** Every file under `dir`, by relative path. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(relative(dir, join(entry.parentPath, entry.name)), await readFile(join(entry.parentPath, entry.name)));
  }
  return out;
}

let results: string;
let out: string;
let summary: ReportSummary;
let files: Map<string, Buffer>;

beforeAll(async () => {
  results = await syntheticResults();
  out = join(dirname(results), 'reports', 'synthetic');
  summary = await writeReport(results, out, PLUGINS);
  files = await snapshot(out);
});
afterAll(() => rm(dirname(results), { recursive: true, force: true }));

describe('writeReport', () => {
  it('returns what it wrote', () => {
    expect(summary.charts).toEqual(CHART_NAMES);
    expect(summary.runs).toBe(10);
    expect(summary.counts).toEqual({ completed: 8, diverged: 0, errored: 1, skipped: 0, unfinished: 1 });
    expect([...files.keys()].sort()).toEqual(summary.files);
  });

  it('writes every chart as .vl.json, .svg and .png, the PNG at twice the SVG size', async () => {
    for (const name of CHART_NAMES) {
      const spec = JSON.parse(files.get(`${name}.vl.json`)!.toString());
      expect(spec.$schema).toMatch(/vega-lite\/v6/);
      const svg = files.get(`${name}.svg`)!.toString();
      expect(svg).toMatch(/^<svg /);
      const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
      const meta = await sharp(files.get(`${name}.png`)!).metadata();
      expect(meta.format).toBe('png');
      expect([meta.width, meta.height]).toEqual([2 * w, 2 * h]);
      expect(meta.width).toBeGreaterThan(400);
      expect(meta.height).toBeGreaterThan(300);
    }
  });

  it("copies each completed run's sample grids under samples/", () => {
    const samples = [...files.keys()].filter((f) => f.startsWith('samples/'));
    // Restoration for all 8 completed runs; generation at 2 δ for the 6 that generate.
    expect(samples).toHaveLength(8 + 6 * 2);
    expect(samples).toContain('samples/blur-cc0000000000-restoration.png');
    expect(samples).toContain('samples/blur-cc0000000000-generation-delta-0.05.png');
  });

  it('writes results.csv with stable columns and one per parameter, one row per run × mode × sampler × δ × metric', () => {
    const [header, ...rows] = parseCsv(files.get('results.csv')!.toString());
    // The fixture's runs have one parameter (steps) and no suite-grid setting.
    expect(header).toEqual(
      Object.keys(CSV_COLUMNS).flatMap((c) => (c === 'param.<name>' ? ['param.steps'] : c === '<section>.<field>' ? [] : [c])),
    );
    expect(rows).toHaveLength(CSV_ROWS);
    const col = (name: string) => header.indexOf(name);
    const row = rows.find(
      (r) =>
        r[col('key')] === 'blur[seed=1,steps=5]' &&
        r[col('mode')] === 'generation' &&
        r[col('sampler')] === 'alg2' &&
        r[col('delta')] === '0.05' &&
        r[col('metric')] === 'fid',
    )!;
    expect(Number(row[col('value')])).toBeCloseTo(42.2, 12);
    // repetition: the fixture's dataset/size, 96 samples and evaluation seed 2000 + seed.
    expect([
      row[col('direction')],
      row[col('std')],
      row[col('stochastic')],
      row[col('seed')],
      row[col('repetition')],
      row[col('param.steps')],
    ]).toEqual(['lower', '', 'false', '1', 'digits/32|96|2001', '5']);
    expect(rows.filter((r) => r[col('mode')] === 'restoration').every((r) => r[col('delta')] === '')).toBe(true);
    expect(rows.find((r) => r[col('metric')] === 'sharpness')![col('direction')]).toBe('target=1');
  });

  it("draws each completed run's loss.csv, and the settings and provenance on the page", () => {
    const spec = JSON.parse(files.get('loss-curves.vl.json')!.toString()) as {
      data: { values: { name: string; seed: number; step: number; loss: number }[] };
    };
    // 8 completed runs × the fixture's 2 steps.
    expect(spec.data.values).toHaveLength(16);
    expect(spec.data.values.find((v) => v.name === 'blur' && v.seed === 1 && v.step === 2)!.loss).toBe(0.25);
    const html = files.get('index.html')!.toString();
    expect(html).toContain('<h2 id="provenance">Settings and provenance</h2>');
    expect(html).toContain('<td class="name">Test CPU (2 cores)</td>');
    expect(html).toContain('tiny U-Net, 150 steps × batch 8, 96 samples per set');
  });

  it('writes runs.csv with every run folder and its state', () => {
    const [header, ...rows] = parseCsv(files.get('runs.csv')!.toString());
    expect(header).toEqual(
      Object.keys(RUNS_COLUMNS).flatMap((c) => (c === 'param.<name>' ? ['param.steps'] : c === '<section>.<field>' ? [] : [c])),
    );
    expect(rows).toHaveLength(10);
    const record = (r: string[]) => Object.fromEntries(header.map((h, i) => [h, r[i]]));
    expect(record(rows.find((r) => record(r).state === 'errored')!)).toEqual({
      key: 'snow[seed=0,steps=5]',
      variant: 'snow[steps=5]',
      id: 'ee0000000000',
      degradation: 'snow',
      dataset: 'digits/32',
      seed: '0',
      'param.steps': '5',
      preset: 'tiny',
      steps: '150',
      final_loss: '',
      backend: 'cpu',
      commit: '',
      state: 'errored',
      detail: ERROR,
      seconds: '0.001',
      train_s: '',
      sample_s: '',
      metrics_s: '',
      other_s: '',
    });
    // A completed run's time split from its timings (fixture: 2 s training, 0.3 s sampling, 0.2 s metrics, 0.5 s the rest).
    expect(record(rows.find((r) => r[0] === 'blur[seed=0,steps=5]')!)).toMatchObject({
      seconds: '0.001',
      train_s: '2',
      sample_s: '0.3',
      metrics_s: '0.2',
      other_s: '0.5',
    });
    expect(rows.filter((r) => record(r).state === 'unfinished')).toHaveLength(1);
  });

  it('writes an index.html that opens offline and lists the errored run', () => {
    const html = files.get('index.html')!.toString();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]*https?:/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).toContain('snow[seed=0,steps=5]');
    expect(html).toContain(ERROR);
    expect(html).toContain('Hand-made numbers for the report tests.');
    for (const name of CHART_NAMES) expect(html).toContain(`<img src="${name}.svg"`);
    expect(html).toContain('gaussian beats blur on FID-like (blur − gaussian: Δ = 6.20');
    expect(html).toContain('<td>50.0 [48.0, 52.0]</td>'); // alg2 restoration FID-like, bootstrap 50 ± 1.96 (fixture k = 1)
    expect(html).not.toContain('class="best"'); // no cell is picked as best on the evaluation data
    expect(html).toContain('src="samples/blur-cc0000000000-restoration.png"');
    expect(html).toContain('<span>x0 (real)</span><span>x_T (degraded)</span><span>direct</span><span>alg1</span><span>alg2</span>');
  });

  it('gives the same bytes when run again, in place or elsewhere', async () => {
    await writeReport(results, out, PLUGINS);
    expect(await snapshot(out)).toEqual(files);
    const elsewhere = join(dirname(results), 'again');
    await writeReport(results, elsewhere, PLUGINS);
    expect(await snapshot(elsewhere)).toEqual(files);
  });

  it('refuses a folder that is not a coldbench results folder with a one-line UserError', async () => {
    const foreign = await mkdtemp(join(tmpdir(), 'coldbench-foreign-'));
    try {
      const error = await writeReport(foreign, join(foreign, 'out'), PLUGINS).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(2);
      expect((error as UserError).message).toContain('is not a coldbench results folder');
      expect((error as UserError).message).not.toContain('\n');
    } finally {
      await rm(foreign, { recursive: true, force: true });
    }
  });

  it('still writes a page, saying so, for a suite with no completed runs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'coldbench-empty-'));
    try {
      const dir = join(root, 'empty');
      await mkdir(dir);
      await writeFile(
        join(dir, 'suite.json'),
        JSON.stringify({ format: RESULTS_FORMAT, suite: 'empty', definition: { description: 'Nothing ran.' } }),
      );
      const result = await writeReport(dir, join(root, 'out'), PLUGINS);
      expect(result.charts).toEqual([]);
      expect(result.runs).toBe(0);
      const html = await readFile(join(root, 'out', 'index.html'), 'utf8');
      expect(html).toContain('No completed runs in this suite yet');
      expect(parseCsv(await readFile(join(root, 'out', 'results.csv'), 'utf8'))).toEqual([
        Object.keys(CSV_COLUMNS).filter((c) => !c.includes('<')),
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

// Results folders are shared between cluster tasks and people: their files are untrusted input.
describe('writeReport on untrusted results', () => {
  it('keeps every path under the report folder whatever a run file names', async () => {
    const tampered = await syntheticResults();
    const id = 'cc0000000000';
    const config = JSON.parse(await readFile(join(tampered, id, 'config.json'), 'utf8'));
    config.degradation.name = '../../../../tmp/x';
    await writeFile(join(tampered, id, 'config.json'), JSON.stringify(config));
    const report = join(dirname(tampered), 'reports', 'tampered');
    const written = await writeReport(tampered, report, PLUGINS);
    expect(written.files).toContain(`samples/run-${id}-restoration.png`);
    for (const file of written.files) expect(relative(report, join(report, file)).startsWith('..')).toBe(false);
    await rm(dirname(tampered), { recursive: true, force: true });
  });

  it('refuses a run of another suite in one line', async () => {
    const mixed = await syntheticResults();
    const id = 'aa0000000000';
    const config = JSON.parse(await readFile(join(mixed, id, 'config.json'), 'utf8'));
    await writeFile(join(mixed, id, 'config.json'), JSON.stringify({ ...config, suite: 'other' }));
    const refused = writeReport(mixed, join(dirname(mixed), 'reports', 'mixed'), PLUGINS);
    await expect(refused).rejects.toThrow(UserError);
    await expect(refused).rejects.toThrow(
      `${join(mixed, id)} holds a run of suite 'other' (id ${id}), not of 'synthetic'; move it out of ${mixed}.`,
    );
    await rm(dirname(mixed), { recursive: true, force: true });
  });

  it('resolves its input folder before naming the output: report <suite>/<id>/.. writes reports/<suite>', async () => {
    const suiteDir = await syntheticResults();
    const cwd = dirname(suiteDir);
    const { stderr } = await promisify(execFile)(
      'node',
      [resolve('bin/coldbench.js'), 'report', join(basename(suiteDir), 'cc0000000000', '..')],
      { cwd },
    );
    expect(stderr).toContain(`→ ${join('reports', basename(suiteDir), 'index.html')}`);
    expect(existsSync(join(cwd, 'reports', basename(suiteDir), 'index.html'))).toBe(true);
    expect(existsSync(join(cwd, 'index.html'))).toBe(false); // not into the working directory
    await rm(cwd, { recursive: true, force: true });
  });
});
