import { resampledMeans } from '../bootstrap.js';
import { defineMetric, mean, stored } from '../define.js';

export const l1 = defineMetric({
  name: 'l1',
  label: 'L1',
  higherIsBetter: false,
  range: [0, 1],
  needs: 'truth',
  doc: 'Mean absolute error on images in [0, 1], averaged per image (pixel.ts).',
  compute({ pixels, resamples }) {
    const values = pixels().l1;
    return { value: mean(values), boot: stored(resampledMeans(values, resamples)) };
  },
});
