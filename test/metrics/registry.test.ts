import * as tf from '@tensorflow/tfjs-core';
import type { MetricInput } from '../../src/metrics/define.js';
import { useWasmEngine } from '../helpers/engine.js';
import { featureStats, frechetReference, getMetric, isBetter, laplacianEnergy, METRICS, pixelScores } from '../../src/metrics/index.js';

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

describe('metric plugins (defineMetric, one file each)', () => {
  // A restoration that returns the truth itself: every paired metric is at its ideal value
  // (L1 = RMSE = 0, PSNR = +∞, SSIM = 1: skimage's definitions at identity), and a set metric
  // on features identical to the reference's is at its floor.
  let input: MetricInput;
  beforeAll(async () => {
    await useWasmEngine();
    const truth = tf.tidy(() => tf.randomUniform([24, 16, 16, 1], 0, 1, 'float32', 7) as tf.Tensor4D);
    const features = tf.tidy(() => tf.randomNormal([24, 4], 0, 1, 'float32', 8) as tf.Tensor2D);
    const stats = featureStats(features);
    input = {
      samples: truth,
      truth,
      features: { data: features.dataSync() as Float32Array, dim: 4 },
      resamples: [],
      frechetDefined: true,
      seed: 1,
      reference: { features, stats, frechet: frechetReference(stats), energy: laplacianEnergy(truth) },
      confidences: () => Float64Array.from({ length: 24 }, (_, i) => (i < 6 ? 0.95 : 0.5)),
      pixels: () => pixelScores(truth, truth),
    };
  });
  afterAll(() => tf.dispose([input.samples, input.reference.features]));

  it.each(Object.values(METRICS).map((m) => [m.name, m] as const))(
    '%s computes its ideal value on a perfect sample set',
    (name, metric) => {
      const ideal: Record<string, number> = {
        l1: 0,
        rmse: 0,
        psnr: Infinity,
        ssim: 1,
        fid: 0,
        sharpness: 1,
        diversity: NaN,
        kid: NaN,
        recognisable: 6 / 24,
      };
      expect(Object.keys(ideal)).toContain(name); // a new metric states its ideal value here (docs/adding-a-metric.md)
      const measured = metric.compute(input);
      expect(measured).not.toBeNull();
      if (Number.isNaN(ideal[name])) expect(Number.isFinite(measured!.value)).toBe(true);
      else if (ideal[name] === Infinity) expect(measured!.value).toBe(Infinity);
      else expect(measured!.value).toBeCloseTo(ideal[name], 4);
    },
  );

  it('leaves out what is undefined: FID-like at n ≤ d, recognisable without a label classifier', () => {
    expect(METRICS.fid.compute({ ...input, frechetDefined: false })).toBeNull();
    expect(METRICS.recognisable.compute({ ...input, confidences: () => null })).toBeNull();
  });

  it('marks the paired metrics, which evaluate runs only where there is a truth', () => {
    expect(
      Object.values(METRICS)
        .filter((m) => m.needs === 'truth')
        .map((m) => m.name)
        .sort(),
    ).toEqual(['l1', 'psnr', 'rmse', 'ssim']);
  });
});
