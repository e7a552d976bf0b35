import { resampledMeans } from '../bootstrap.js';
import { defineMetric, mean, stored } from '../define.js';

/** Confidence above which a classified image counts as recognisable. */
export const RECOGNISABLE_CONFIDENCE = 0.9;

/** 1 for each image whose top-class probability is above RECOGNISABLE_CONFIDENCE, else 0. */
export function recognised(confidences: ArrayLike<number>): Float64Array {
  return Float64Array.from(confidences, (p) => Number(p > RECOGNISABLE_CONFIDENCE));
}

export const recognisable = defineMetric({
  name: 'recognisable',
  label: 'Recognisable',
  higherIsBetter: true,
  range: [0, 1],
  needs: 'set',
  doc: "Share of images the dataset's classifier (the digits feature net) labels with confidence > 0.9: are they digits at all? Label-trained feature nets only.",
  compute({ confidences, resamples }) {
    const top = confidences();
    if (!top) return null;
    const confident = recognised(top);
    return { value: mean(confident), boot: stored(resampledMeans(confident, resamples)) };
  },
});
