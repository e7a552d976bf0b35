import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { METRICS } from '../../src/metrics/index.js';
import { readSuiteResults } from '../../src/results/read.js';
import { CHARTS } from '../../src/reports/index.js';
import { buildQ1 } from '../../src/reports/q1-gaussian-noise.js';
import { buildQ2 } from '../../src/reports/q2-randomness.js';
import { buildQ3 } from '../../src/reports/q3-gaussianity.js';
import { buildQ4 } from '../../src/reports/q4-samplers.js';
import { buildQ5 } from '../../src/reports/q5-sharpness.js';
import { compileSpec } from '../../src/reports/render.js';
import { toReportData, type ReportData } from '../../src/reports/rows.js';
import { buildRestorationTable, cellText, tableMarkdown } from '../../src/reports/table.js';
import { syntheticResults } from './fixture.js';

let dir: string;
let data: ReportData;

beforeAll(async () => {
  dir = await syntheticResults();
  data = toReportData('synthetic', (await readSuiteResults(dir)).runs);
});
afterAll(() => rm(dirname(dir), { recursive: true, force: true }));

/** The data values a chart plots. */
const values = (spec: object) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

describe('every chart', () => {
  const empty: ReportData = { rows: [], gaussianity: [], notRestoration: [], floors: [] };
  it.each(CHARTS.map((build) => [build.name, build]))('%s compiles with vega-lite without warnings, on data and on no data', (_name, build) => {
    for (const d of [data, empty]) {
      const chart = build(d);
      const { vega, warnings } = compileSpec(chart.spec);
      expect(warnings).toEqual([]);
      expect(vega.marks?.length).toBeGreaterThan(0);
      expect(chart.spec.description).toBe(chart.caption);
      expect(chart.caption.length).toBeGreaterThan(20);
    }
  });
});

describe('the real-vs-real floor', () => {
  const floors = (n: number) => [30, 32].map((mean) => ({ n, fid: { mean, std: 10, draws: 5 }, kid: { mean: 0.001, std: 0.001, draws: 5 } }));

  it('stands beside every FID-like chart and table, drawn as a rule in Q1', () => {
    const withFloor = { ...data, floors: floors(512) };
    const q1 = buildQ1(withFloor);
    // Mean over the runs' floors: (30 + 32)/2 = 31, std (10 + 10)/2 = 10.
    const note = 'Real-vs-real floor at N = 512 (other real images against the same reference): FID-like 31.0 ± 10.0; differences below it are noise.';
    expect(q1.caption).toContain(note);
    expect(q1.caption).not.toContain('plumbing only');
    expect(buildQ4(withFloor).caption).toContain(note);
    expect(buildRestorationTable(withFloor).caption).toContain(note);
    const { warnings } = compileSpec(q1.spec);
    expect(warnings).toEqual([]);
    expect(JSON.stringify(q1.spec)).toContain('"floor":31');
  });

  it('marks FID-like values at N < 512 as plumbing only', () => {
    expect(buildQ1({ ...data, floors: floors(64) }).caption).toContain('N = 64 < 512: these FID-like values check the plumbing only and cannot rank configurations.');
    expect(buildQ1(data).caption).not.toContain('floor'); // results without a floor: nothing claimed
  });
});

describe('captions state the findings in numbers', () => {
  it('Q1: best cold vs hot generation FID-like, with the spread over seeds', () => {
    const chart = buildQ1(data);
    expect(chart.caption).toContain('Best cold generation FID-like: blur 41.2 (alg2, δ=0.05, ± 1.41 over 2 seeds) vs hot gaussian 35.0 (alg2, δ=0, ± 1.41 over 2 seeds).');
    expect(chart.caption).toContain('0 of 2 cold degradations beat the hot baseline.');
    expect(chart.caption).toContain('Restoration-only (no prior): inpaint.');
    expect(values(chart.spec).map((v) => [v.name, v.mean, v.sampler, v.delta])).toEqual([
      ['gaussian', 35, 'alg2', 0], ['blur', 41.2, 'alg2', 0.05], ['pixelate', 50, 'alg2', 0],
    ]);
    expect(values(chart.spec)[0].std).toBeCloseTo(Math.SQRT2, 12);
  });

  it('Q2: FID-like and diversity from δ = 0 to the largest δ', () => {
    const { caption } = buildQ2(data);
    expect(caption).toContain('With alg2, raising the start noise from δ = 0 (cold, perfect symmetry) to δ = 0.05');
    expect(caption).toContain('improves FID-like for 1 of 2 cold degradations (blur 60.0 → 41.2 and pixelate 50.0 → 55.0)');
    expect(caption).toContain('Diversity for 1 of 2 cold degradations (blur 1.00 → 5.00 and pixelate 3.00 → 2.00)');
    expect(caption).toContain('Hot gaussian: FID-like 35.0 → 35.0.');
  });

  it('Q3: Spearman ρ of mean A² against FID-like, per panel', () => {
    const chart = buildQ3(data);
    // Reference: restoration alg2 FID-like 50, 60, 70, 80 against A² 1, 10, 100, 1000: perfectly ordered.
    expect(chart.caption).toContain('Restoration, alg2: Spearman ρ(A², FID-like) = 1.00 over 4 degradations.');
    // Reference: generation FID-like 35, 50, 41.2 against A² 1, 10, 100: the 3-point case of stats.test.ts, ρ = 0.5.
    expect(chart.caption).toContain('Generation, best sampler and δ: Spearman ρ(A², FID-like) = 0.50 over 3 degradations.');
    expect(chart.caption).toContain('Most Gaussian residual: gaussian (A² 1.00); least: inpaint (A² 1000).');
    expect(values(chart.spec)).toHaveLength(7);
  });

  it('Q4: the best sampler per degradation and panel', () => {
    const { caption } = buildQ4(data);
    expect(caption).toContain('Restoration FID-like (lower is better), best sampler per degradation: alg2 ×4 (gaussian 50.0, blur 70.0, inpaint 80.0 and pixelate 60.0).');
    expect(caption).toContain('Restoration SSIM (higher is better), best sampler per degradation: direct ×4');
    expect(caption).toContain('Generation FID-like (lower is better), best sampler per degradation: alg2 ×3');
  });

  it('Q5: iterative vs one-shot sharpness (target from the registry) and FID-like', () => {
    const chart = buildQ5(data);
    expect(chart.caption).toContain('Restoration: alg2 vs direct, Sharpness better for 4 of 4 (gaussian 0.900 vs 0.400');
    expect(chart.caption).toContain('FID-like better for 4 of 4');
    expect(chart.caption).toContain('Generation: alg2 vs direct, Sharpness better for 3 of 3');
    expect(chart.caption).toContain(`dashed line: ${METRICS.sharpness.target}`);
    expect(values(chart.spec).filter((v) => v.metric === 'sharpness').every((v) => v.target === METRICS.sharpness.target)).toBe(true);
  });
});

describe('metric direction comes from the registry', () => {
  it('Q1 picks the minimum FID-like, and the maximum once the registry says higher is better', () => {
    const fid = METRICS.fid as { higherIsBetter: boolean | null };
    expect(buildQ1(data).caption).toContain('Best cold generation FID-like: blur 41.2');
    fid.higherIsBetter = true;
    try {
      // Reference: the largest cold mean is blur direct at δ=0, 60 + 20 = 80.
      expect(buildQ1(data).caption).toContain('Best cold generation FID-like: blur 80.0 (direct, δ=0,');
    } finally {
      fid.higherIsBetter = false;
    }
  });

  it('the restoration table marks the min FID-like and the max SSIM and PSNR', () => {
    const table = buildRestorationTable(data);
    expect(table.samplers).toEqual(['degraded', 'direct', 'alg2']);
    expect(table.rows.map((r) => r.name)).toEqual(['gaussian', 'blur', 'inpaint', 'pixelate']);
    const [fid, ssim, psnr] = table.rows[0].groups;
    expect(fid.cells.filter((c) => c.best).map((c) => c.sampler)).toEqual(['alg2']);
    expect(ssim.cells.filter((c) => c.best).map((c) => c.sampler)).toEqual(['direct']);
    expect(psnr.cells.filter((c) => c.best).map((c) => c.sampler)).toEqual(['direct']);
    expect(cellText(fid.cells[2])).toBe('50.0 ± 1.41');
    expect(table.caption).toContain('Algorithm 2 beats direct on FID-like 4 of 4, SSIM 0 of 4, PSNR 0 of 4 degradations.');
    expect(tableMarkdown(table)).toContain('| gaussian (noise) | 100 ± 1.41 | 60.0 ± 1.41 | **50.0 ± 1.41** | 0.300 ± 0 | **0.700 ± 0** | 0.600 ± 0 |');
  });
});

describe('captions say what is missing', () => {
  const without = (keep: (r: ReportData['rows'][number]) => boolean): ReportData => ({ rows: data.rows.filter(keep), gaussianity: data.gaussianity, notRestoration: [], floors: [] });

  it('Q1 without the hot baseline, and with no generation at all', () => {
    expect(buildQ1(without((r) => r.family !== 'noise')).caption).toContain('No generation result for the hot baseline');
    expect(buildQ1(without((r) => r.mode === 'restoration')).caption).toContain('No generation results');
  });

  it('Q2 with a single δ', () => {
    expect(buildQ2(without((r) => r.delta !== 0.05)).caption).toContain('Generation ran only at δ = 0; add both 0');
  });

  it('Q3 with fewer than 3 degradations', () => {
    const caption = buildQ3(without((r) => r.degradation === 'blur' || r.degradation === 'gaussian')).caption;
    expect(caption).toContain('Restoration, alg2: 2 degradations with both numbers; ρ needs at least 3.');
  });
});
