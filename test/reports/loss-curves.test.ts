import { buildLossCurves } from '../../src/reports/loss-curves.js';
import { LOSS_POINTS, lossWindows } from '../../src/reports/losses.js';
import { emptyReportData } from './fixture.js';

describe('loss curves', () => {
  it('keeps every step of a short run and window means of a long one', () => {
    expect(lossWindows([3, 2, 1])).toEqual([
      { step: 1, loss: 3 },
      { step: 2, loss: 2 },
      { step: 3, loss: 1 },
    ]);
    // 1,000 steps → windows of 5: the first holds steps 1–5, mean of 1..5 = 3.
    const long = lossWindows(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(long).toHaveLength(LOSS_POINTS);
    expect(long[0]).toEqual({ step: 5, loss: 3 });
    expect(long.at(-1)).toEqual({ step: 1000, loss: 998 });
    // A non-finite loss (a diverging step) is left out of its window's mean.
    expect(lossWindows([1, NaN, 3])).toEqual([
      { step: 1, loss: 1 },
      { step: 3, loss: 3 },
    ]);
  });

  it('draws one line per run on a log scale', () => {
    const losses = [
      { variant: 'blur[]', name: 'blur', seed: 0, step: 1, loss: 0.5 },
      { variant: 'blur[]', name: 'blur', seed: 1, step: 1, loss: 0.4 },
    ];
    const chart = buildLossCurves(emptyReportData({ losses }));
    const spec = chart.spec as unknown as {
      data: { values: unknown[] };
      encoding: { y: { scale: { type: string } }; detail: { field: string } };
    };
    expect(spec.data.values).toEqual(losses);
    expect(spec.encoding.y.scale.type).toBe('log');
    expect(spec.encoding.detail.field).toBe('seed');
  });
});
