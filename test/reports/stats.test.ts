import { fmt, quantile, ranks, spearman, upperFence } from '../../src/reports/stats.js';

describe('spearman', () => {
  it('is 1 for perfectly ordered data and −1 for reversed', () => {
    expect(spearman([1, 2, 3, 4, 5], [10, 20, 25, 100, 1e6])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('matches a 3-point case by hand', () => {
    // Reference: ranks x = 1,2,3 and y = 1,3,2 → ρ = 1 − 6·Σd²/(n(n²−1)) = 1 − 6·2/24 = 0.5.
    expect(spearman([1, 10, 100], [35, 50, 41.2])).toBeCloseTo(0.5, 12);
  });

  it('averages tied ranks', () => {
    expect(ranks([1, 2, 2, 3])).toEqual([1, 2.5, 2.5, 4]);
    // Reference: scipy.stats.spearmanr([1, 2, 2, 3], [1, 2, 3, 4]) = 0.9486832980505138.
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486832980505138, 12);
  });

  it('is NaN when a side is constant or too short', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1], [2])).toBeNaN();
  });
});

describe('fmt, quantile, upperFence', () => {
  it('prints about three significant digits', () => {
    expect([41.2, 35, 847.34, 0.9, 0.0032, 1.414, 0, NaN].map(fmt)).toEqual([
      '41.2',
      '35.0',
      '847',
      '0.900',
      '0.00320',
      '1.41',
      '0',
      'n/a',
    ]);
  });

  it('interpolates quantiles like numpy', () => {
    // Reference: numpy.quantile([1, 2, 3, 4], [0.25, 0.75]) = [1.75, 3.25].
    expect(quantile([4, 1, 3, 2], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([4, 1, 3, 2], 0.75)).toBeCloseTo(3.25, 12);
  });

  it('puts the far-out fence at Q3 + 3·IQR, and nowhere with fewer than 4 values', () => {
    expect(upperFence([1, 2, 3, 4])).toBeCloseTo(3.25 + 3 * 1.5, 12);
    expect(upperFence([1, 2, 1e9])).toBe(Infinity);
  });
});
