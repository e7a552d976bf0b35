import { resampledMeans } from '../bootstrap.js';
import { defineMetric, mean, stored } from '../define.js';
import { laplacianEnergyPerImage } from '../sharpness.js';

export const sharpness = defineMetric({
  name: 'sharpness',
  label: 'Sharpness',
  higherIsBetter: null,
  range: [0, Infinity],
  target: 1,
  needs: 'set',
  doc: 'Mean squared Laplacian of generated over real images; 1 = as sharp as real, < 1 blurrier (sharpness.ts).',
  compute({ samples, reference, resamples }) {
    const energy = laplacianEnergyPerImage(samples);
    return { value: mean(energy) / reference.energy, boot: stored(resampledMeans(energy, resamples).map((e) => e / reference.energy)) };
  },
});
