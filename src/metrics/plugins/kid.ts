import { defineMetric } from '../define.js';
import { kid as kernelInceptionDistance } from '../kid.js';
import { Rng } from '../../util/rng.js';

export const kid = defineMetric({
  name: 'kid',
  label: 'KID',
  higherIsBetter: false,
  needs: 'set',
  doc: 'Unbiased MMD², kernel (xᵀy/d + 1)³, mean ± std over 100 subsets of m = min(N, 1000) (kid.ts).',
  compute({ features, reference, seed }) {
    const { mean, std } = kernelInceptionDistance(features, reference.features, { rng: new Rng(seed) });
    return { value: mean, std };
  },
});
