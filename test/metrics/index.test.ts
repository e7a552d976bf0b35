import { getMetric, isBetter, METRICS } from '../../src/metrics/index.js';

describe('metric registry', () => {
  it('describes every metric under its own name with a direction', () => {
    for (const [key, m] of Object.entries(METRICS)) {
      expect(m.name).toBe(key);
      expect(m.doc.length).toBeGreaterThan(10);
      if (m.higherIsBetter === null) expect(typeof (m as { target?: number }).target).toBe('number');
    }
    expect(METRICS.fid.label).toBe('FID-like');
  });

  it('compares values by the registered direction', () => {
    expect(isBetter(METRICS.psnr, 30, 20)).toBe(true);
    expect(isBetter(METRICS.fid, 30, 20)).toBe(false);
    expect(isBetter(METRICS.sharpness, 0.9, 1.2)).toBe(true);
    expect(isBetter(METRICS.sharpness, 1.3, 0.8)).toBe(false);
  });

  it('suggests the closest name for an unknown metric', () => {
    expect(getMetric('kid')).toBe(METRICS.kid);
    expect(() => getMetric('sim')).toThrow("Unknown metric 'sim'. Did you mean 'ssim'?");
  });
});
