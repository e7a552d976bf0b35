import { PLUGINS } from '../../src/plugins.js';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readSuiteResults } from '../../src/results/read.js';
import { countStates, toReportData, type ReportData } from '../../src/reports/rows.js';
import { buildRestorationTable } from '../../src/reports/table.js';
import type { SavedRun } from '../../src/results/read.js';
import { CSV_ROWS, syntheticResults } from './fixture.js';

let dir: string;
let runs: SavedRun[];
let data: ReportData;

beforeAll(async () => {
  dir = await syntheticResults();
  runs = (await readSuiteResults(dir)).runs;
  data = toReportData('synthetic', runs, PLUGINS);
});
afterAll(() => rm(dirname(dir), { recursive: true, force: true }));

describe('toReportData', () => {
  it('has one row per metric of every completed run, and none of the others', () => {
    expect(data.rows).toHaveLength(CSV_ROWS);
    expect(new Set(data.rows.map((r) => r.degradation))).toEqual(new Set(['gaussian', 'blur', 'pixelate', 'inpaint']));
  });

  it('leaves out the restoration rows of runs whose x_T keeps < 1% of x0, and says so', () => {
    // Gaussian at T = 200 keeps √ᾱ_T = 2.4e-4 of x0: restoring it is generation.
    const marked = runs.map((r) =>
      r.config.degradation.name === 'gaussian' && r.result?.state === 'completed'
        ? { ...r, result: { ...r.result, evaluation: { ...r.result.evaluation, x0ShareAtT: 2.4e-4 } } }
        : r,
    );
    const out = toReportData('synthetic', marked as SavedRun[], PLUGINS);
    expect(out.notRestoration).toEqual(['gaussian']);
    expect(out.rows.filter((r) => r.degradation === 'gaussian' && r.mode === 'restoration')).toHaveLength(0);
    expect(out.rows.filter((r) => r.degradation === 'gaussian' && r.mode === 'generation').length).toBe(
      data.rows.filter((r) => r.degradation === 'gaussian' && r.mode === 'generation').length,
    );
    expect(data.notRestoration).toEqual([]); // no share recorded: nothing left out
    const table = buildRestorationTable(out);
    expect(table.rows.map((r) => r.name)).toEqual(['blur', 'inpaint', 'pixelate']);
    expect(table.caption).toContain('Left out: gaussian, whose x_T keeps < 1% of x0 (restoring it is generation).');
  });

  it('fills every field from the run files and the metric registry', () => {
    const row = data.rows.find(
      (r) => r.key === 'blur[seed=1,steps=5]' && r.mode === 'generation' && r.sampler === 'alg2' && r.delta === 0.05 && r.metric === 'fid',
    );
    expect(row).toEqual({
      suite: 'synthetic',
      key: 'blur[seed=1,steps=5]',
      variant: 'blur[steps=5]',
      name: 'blur',
      id: 'cc1000000000',
      dataset: 'digits',
      degradation: 'blur',
      family: 'blur',
      stochastic: false,
      seed: 1,
      repetition: 'digits/32|96|2001', // the fixture's dataset, size, sample count and evaluation seed
      params: { steps: 5 },
      settings: {},
      mode: 'generation',
      sampler: 'alg2',
      samplerRank: 2,
      delta: 0.05,
      metric: 'fid',
      label: 'FID-like',
      descriptor: PLUGINS.metrics.fid,
      value: 41.2 + 0 + 1,
      std: null,
      boot: [41.2, 42.2, 43.2], // fixture: value + k·(−1, 0, 1), k = 1 for alg2
    });
    const kid = data.rows.find((r) => r.degradation === 'gaussian' && r.metric === 'kid' && r.mode === 'restoration');
    expect(kid).toMatchObject({ label: 'KID', std: 0.5, delta: null, stochastic: true, family: 'noise' });
  });

  it('keeps Gaussianity per t, with null (NaN) statistics as NaN', () => {
    expect(data.gaussianity).toHaveLength(8 * 3);
    expect(data.gaussianity.filter((g) => g.t === 0).every((g) => Number.isNaN(g.andersonDarling))).toBe(true);
    expect(data.gaussianity.find((g) => g.degradation === 'inpaint' && g.t === 5)?.andersonDarling).toBe(1000);
  });
});

describe('countStates', () => {
  it('counts completed, errored and unfinished runs', () => {
    expect(countStates(runs)).toEqual({ completed: 8, diverged: 0, errored: 1, skipped: 0, unfinished: 1 });
  });
});

describe('variants and short names', () => {
  it('names a variant by the parameters and settings that differ between the variants of its degradation', () => {
    const run = (degradation: string, params: Record<string, number>, settings: Record<string, number> = {}): SavedRun => ({
      ...runs[0],
      config: {
        ...runs[0].config,
        point: { ...runs[0].config.point, variant: JSON.stringify([degradation, params, settings]), degradation, params, settings },
      },
    });
    const { rows } = toReportData(
      's',
      [
        run('blur', { sigma: 1, steps: 5 }),
        run('blur', { sigma: 2, steps: 5 }),
        run('gaussian', { steps: 5 }),
        run('pixelate', { steps: 5 }, { 'train.steps': 100 }),
        run('pixelate', { steps: 5 }, { 'train.steps': 200 }),
      ],
      PLUGINS,
    );
    expect([...new Set(rows.map((r) => r.name))]).toEqual([
      'blur[sigma=1]',
      'blur[sigma=2]',
      'gaussian',
      'pixelate[train.steps=100]',
      'pixelate[train.steps=200]',
    ]);
  });

  it('takes the seed and grid values from the run record, not from the key', () => {
    const [row] = toReportData(
      's',
      [
        {
          ...runs[0],
          config: { ...runs[0].config, key: 'unparseable', point: { ...runs[0].config.point, seed: 7, settings: { 'train.lr': 0.01 } } },
        },
      ],
      PLUGINS,
    ).rows;
    expect(row.seed).toBe(7);
    expect(row.settings).toEqual({ 'train.lr': 0.01 });
  });
});
