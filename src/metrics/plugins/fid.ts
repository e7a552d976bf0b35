import { defineMetric, stored } from '../define.js';
import { featureStats, frechetFromStats, frechetReplicates } from '../frechet.js';

export const fid = defineMetric({
  name: 'fid',
  label: 'FID-like',
  higherIsBetter: false,
  range: [0, Infinity],
  needs: 'set',
  doc: "Fréchet distance between Gaussians fitted to coldbench feature-net features, not Inception's (frechet.ts).",
  compute({ features, reference, resamples, frechetDefined }) {
    if (!frechetDefined) return null;
    const stats = featureStats(features);
    return {
      value: frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma),
      boot: stored(frechetReplicates(features, resamples, reference.frechet)),
    };
  },
});
