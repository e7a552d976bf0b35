import { resampledMeans } from '../bootstrap.js';
import { defineMetric, mean, stored } from '../define.js';
import { ssimPerImage } from '../ssim.js';

export const ssim = defineMetric({
  name: 'ssim',
  label: 'SSIM',
  higherIsBetter: true,
  range: [-1, 1],
  needs: 'truth',
  doc: 'SSIM, 11×11 Gaussian window σ 1.5, valid windows, mean over channels and images (ssim.ts).',
  compute({ samples, truth, resamples }) {
    const values = ssimPerImage(samples, truth!);
    return { value: mean(values), boot: stored(resampledMeans(values, resamples)) };
  },
});
