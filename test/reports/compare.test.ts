import { PLUGINS } from '../../src/plugins.js';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { compareResults } from '../../src/reports/compare.js';
import { toReportData, type ReportData } from '../../src/reports/rows.js';
import { readSuiteResults } from '../../src/results/read.js';
import { syntheticResults } from './fixture.js';

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
});
