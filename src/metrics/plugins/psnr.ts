import { resampledMeans } from '../bootstrap.js';
import { defineMetric, mean, stored } from '../define.js';

export const psnr = defineMetric({
  name: 'psnr',
  label: 'PSNR',
  higherIsBetter: true,
  unit: 'dB',
  needs: 'truth',
  doc: '10·log10(1/MSE) on images in [0, 1], per image then averaged (pixel.ts).',
  compute({ pixels, resamples }) {
    const values = pixels().psnr;
    // +∞ for an exact copy: no interval around an infinite mean.
    const boot = values.every(Number.isFinite) ? stored(resampledMeans(values, resamples)) : undefined;
    return { value: mean(values), ...(boot && { boot }) };
  },
});
