import { PLUGINS } from '../../src/plugins.js';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { compareResults } from '../../src/reports/compare.js';
import { BOOT_K, syntheticResults } from './fixture.js';
import { toReportData, type ReportData } from '../../src/reports/rows.js';
import { readSuiteResults } from '../../src/results/read.js';

let dir: string;
let data: ReportData;
beforeAll(async () => {
  dir = await syntheticResults();
  data = toReportData('synthetic', (await readSuiteResults(dir)).runs, PLUGINS);
});
afterAll(() => rm(dirname(dir), { recursive: true, force: true }));

describe('compareResults', () => {
  it('matches the arms both folders measured and gives A − B with its interval', () => {
    // B: every value (and replicate) of A plus 10, and one degradation fewer.
    const shifted = data.rows
      .filter((r) => r.degradation !== 'pixelate')
      .map((r) => ({ ...r, value: r.value + 10, boot: r.boot?.map((x) => x + 10) ?? null }));
    const arms = compareResults(data, { ...data, rows: shifted }, { metrics: ['fid', 'ssim'], mode: 'restoration' });
    expect(arms.length).toBeGreaterThan(0);
    expect(arms.every((a) => a.mode === 'restoration' && ['fid', 'ssim'].includes(a.metric) && !a.name.startsWith('pixelate'))).toBe(true);
    for (const arm of arms) {
      expect(arm.difference.mean).toBeCloseTo(-10, 10);
      expect(arm.a.mean - arm.b.mean).toBeCloseTo(-10, 10);
    }
    // FID-like 10 lower in A: A is better where the interval excludes 0; SSIM 10 lower: B is better; else neither.
    for (const arm of arms) {
      const excludes0 = arm.difference.hi !== null && arm.difference.hi < 0;
      expect(arm.better).toBe(excludes0 ? (arm.metric === 'fid' ? 'A' : 'B') : 'neither');
    }
    expect(arms.some((a) => a.better !== 'neither')).toBe(true);
  });

  it('pairs A − B where both folders measured on the same evaluation images, and only there', () => {
    // B = A + 10, replicate by replicate. Same repetition (one suite run into two folders): the
    // paired replicates of A − B are all −10, so the interval has no width. Another repetition
    // (another suite name draws other images): the two 2-seed bootstrap spreads add, each k (the
    // fixture's replicates are value + k·(−1, 0, 1), alg1 k = 3), so the half-width is 1.96·√2·3.
    const plus10 = (r: (typeof data.rows)[number]) => ({ ...r, value: r.value + 10, boot: r.boot?.map((x) => x + 10) ?? null });
    const pick = { metrics: ['fid'], mode: 'generation' };
    const alg1 = (arms: ReturnType<typeof compareResults>) =>
      arms.find((a) => a.name.startsWith('blur') && a.sampler === 'alg1' && a.delta === 0)!;
    const same = alg1(compareResults(data, { ...data, rows: data.rows.map(plus10) }, pick));
    expect(same.paired).toBe(true);
    expect(same.difference.mean).toBeCloseTo(-10, 10);
    expect(same.difference.hi! - same.difference.lo!).toBeCloseTo(0, 10);
    const other = alg1(
      compareResults(data, { ...data, rows: data.rows.map((r) => ({ ...plus10(r), repetition: `${r.repetition}|other` })) }, pick),
    );
    expect(other.paired).toBe(false);
    expect(other.difference.mean).toBeCloseTo(-10, 10);
    expect((other.difference.hi! - other.difference.lo!) / 2).toBeCloseTo(1.959963984540054 * Math.SQRT2 * BOOT_K.alg1, 6);
  });
});
