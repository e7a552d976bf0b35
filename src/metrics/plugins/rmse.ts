import { resampledMeans } from '../bootstrap.js';
import { defineMetric, mean, stored } from '../define.js';

export const rmse = defineMetric({
  name: 'rmse',
  label: 'RMSE',
  higherIsBetter: false,
  range: [0, 1],
  needs: 'truth',
  doc: 'Root mean squared error on images in [0, 1], per image then averaged (pixel.ts).',
  compute({ pixels, resamples }) {
    const values = pixels().rmse;
    return { value: mean(values), boot: stored(resampledMeans(values, resamples)) };
  },
});
