import { comparisonText, difference, estimate, independentDifference, verdict } from '../../src/reports/intervals.js';
import type { ReportRow } from '../../src/reports/rows.js';
import { METRICS } from '../../src/metrics/registry.js';

const row = (seed: number, value: number, boot: number[] | null = null, metric: ReportRow['metric'] = 'fid') =>
  ({ seed, value, boot, metric, descriptor: METRICS[metric] }) as unknown as ReportRow;

describe('estimate', () => {
  it('is a t-interval over seeds from 3 seeds on, df stated', () => {
    // Reference: values 10, 12, 14: mean 12, s = 2, t(0.975, df 2) = 4.302652729749464 (scipy.stats.t.ppf),
    // half-width 4.3027 · 2/√3 = 4.968275.
    const e = estimate([
      { seed: 0, value: 10, boot: null },
      { seed: 1, value: 12, boot: null },
      { seed: 2, value: 14, boot: null },
    ]);
    expect(e.method).toEqual({ kind: 'seeds', df: 2 });
    expect(e.mean).toBeCloseTo(12, 12);
    expect(e.lo).toBeCloseTo(12 - 4.968275, 5);
    expect(e.hi).toBeCloseTo(12 + 4.968275, 5);
  });

  it('is the normal bootstrap interval with fewer seeds: mean ± 1.96 × the replicates\u2019 std', () => {
    // Replicates 9, 11 (std √2): 10 ± 1.959964 · 1.414214 = 10 ± 2.771808.
    const e = estimate([{ seed: 0, value: 10, boot: [9, 11] }]);
    expect(e.method).toEqual({ kind: 'bootstrap', seeds: 1, draws: 2 });
    expect(e.lo).toBeCloseTo(10 - 2.771808, 5);
    expect(e.hi).toBeCloseTo(10 + 2.771808, 5);
  });

  it('is cut to the values the quantity can take (a share near 0: the normal interval would reach below 0)', () => {
    // Replicates 0, 0.008 (std 0.005657): 0.004 ± 0.011087, so [−0.007087, 0.015087] before the cut.
    const values = [{ seed: 0, value: 0.004, boot: [0, 0.008] }];
    expect(estimate(values).lo).toBeCloseTo(0.004 - 0.011087, 5);
    const share = estimate(values, METRICS.recognisable.range);
    expect(share.lo).toBe(0);
    expect(share.hi).toBeCloseTo(0.004 + 0.011087, 5);
    // t over 3 seeds near 1: 0.96, 0.98, 1 gives 0.98 ± 4.302653 · 0.02/√3 = 0.98 ± 0.049683, cut at 1.
    const high = estimate(
      [0.96, 0.98, 1].map((value, seed) => ({ seed, value, boot: null })),
      METRICS.recognisable.range,
    );
    expect(high.lo).toBeCloseTo(0.98 - 0.049683, 5);
    expect(high.hi).toBe(1);
  });

  it('makes none from one seed without replicates', () => {
    expect(estimate([{ seed: 0, value: 10, boot: null }])).toMatchObject({ mean: 10, lo: null, hi: null, method: null });
  });
});

describe('difference (paired by seed and replicate)', () => {
  it('differences replicate by replicate, so what both arms share cancels', () => {
    // The arms move together over the shared resamples: A − B is exactly 2 in every replicate.
    const a = [row(0, 12, [11, 13, 15, 9])];
    const b = [row(0, 10, [9, 11, 13, 7])];
    const d = difference(a, b);
    expect(d.mean).toBe(2);
    expect([d.lo, d.hi]).toEqual([2, 2]);
    expect(verdict(METRICS.fid, d)).toBe('b'); // A − B > 0 on a lower-is-better metric: B wins
    expect(comparisonText(METRICS.fid, 'blur', 'gaussian', d)).toBe(
      'gaussian beats blur on FID-like (blur − gaussian: Δ = 2.00, 95% CI [2.00, 2.00]; bootstrap over evaluation images, 1 seed (training-seed spread not included))',
    );
  });

  it('calls an interval that holds 0 not distinguishable', () => {
    const d = difference([row(0, 10), row(1, 12), row(2, 11)], [row(0, 11), row(1, 11), row(2, 11)]);
    expect(d.method).toEqual({ kind: 'seeds', df: 2 });
    expect(verdict(METRICS.fid, d)).toBe('neither');
    expect(comparisonText(METRICS.fid, 'a', 'b', d)).toMatch(/^a vs b on FID-like: not distinguishable at this budget \(Δ = 0, 95% CI \[/);
  });

  it('judges sharpness by the distance from its target 1', () => {
    // 0.9 is 0.1 from 1, 1.3 is 0.3 from it: A is closer, whichever side of 1 it lies.
    const d = difference([row(0, 0.9, [0.9, 0.91], 'sharpness')], [row(0, 1.3, [1.3, 1.31], 'sharpness')]);
    expect(d.mean).toBeCloseTo(-0.2, 12);
    expect(verdict(METRICS.sharpness, d)).toBe('a');
  });
});

describe('independentDifference (two suites: nothing shared, nothing paired)', () => {
  it("is Welch's t-interval with 3 or more seeds on each side", () => {
    // A = 1, 2, 3 (s² = 1), B = 0, 0, 0: se = √(1/3), Welch df = (1/3)² / ((1/3)²/2) = 2,
    // t(0.975, 2) = 4.302652729749464 (scipy.stats.t.ppf): 2 ± 4.3026527 · 0.5773503 = 2 ± 2.4841377.
    const d = independentDifference([row(0, 1), row(1, 2), row(2, 3)], [row(5, 0), row(6, 0), row(7, 0)]);
    expect(d.method).toEqual({ kind: 'seeds', df: 2 });
    expect(d.mean).toBeCloseTo(2, 12);
    expect(d.lo).toBeCloseTo(2 - 2.4841377, 6);
    expect(d.hi).toBeCloseTo(2 + 2.4841377, 6);
  });

  it('adds the two bootstrap variances with fewer seeds, pairing no replicates', () => {
    // A: 5 with replicates 4, 6 (std √2); B: 3 with replicates 2, 4 (std √2): se = 2, so 2 ± 1.959964 · 2.
    // Paired, the replicate differences (2, 2) would claim a zero-width interval.
    const d = independentDifference([row(0, 5, [4, 6])], [row(9, 3, [2, 4])]);
    expect(d.method).toEqual({ kind: 'bootstrap', seeds: 1, draws: 2 });
    expect(d.lo).toBeCloseTo(2 - 3.919928, 5);
    expect(d.hi).toBeCloseTo(2 + 3.919928, 5);
  });
});
