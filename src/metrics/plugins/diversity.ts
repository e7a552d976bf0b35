import { resampledDiversity } from '../bootstrap.js';
import { defineMetric, stored } from '../define.js';
import { diversity as meanPairwiseDistance } from '../diversity.js';

export const diversity = defineMetric({
  name: 'diversity',
  label: 'Diversity',
  higherIsBetter: true,
  range: [0, Infinity],
  needs: 'set',
  doc: "Mean pairwise Euclidean distance between generated samples' features (diversity.ts).",
  compute({ features, resamples }) {
    return { value: meanPairwiseDistance(features), boot: stored(resampledDiversity(features, resamples)) };
  },
});
