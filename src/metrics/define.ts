import type * as tf from '@tensorflow/tfjs-core';
import type { FeatureStats, FrechetReference } from './frechet.js';
import type { PixelScores } from './pixel.js';

/** What a report needs to know about a metric: its name, label and direction, never its computation. */
export interface MetricDescriptor {
  /** Registry key. */
  readonly name: string;
  /** Short column label. */
  readonly label: string;
  /** true: higher is better; false: lower is better; null: closest to `target` is best. */
  readonly higherIsBetter: boolean | null;
  /** The ideal value when `higherIsBetter` is null. */
  readonly target?: number;
  /**
   * The values the quantity can take, where bounded (a share: [0, 1]): a report cuts a 95% interval
   * to it, which keeps its coverage (the true value lies inside the range).
   */
  readonly range?: readonly [number, number];
  readonly unit?: string;
  /** One line on what is measured and how. */
  readonly doc: string;
}

/** The real images a sample set is measured against: the same for every run of a suite repetition. */
export interface MetricReference {
  /** Features of the whole held-out split, [n, d]. */
  readonly features: tf.Tensor2D;
  readonly stats: FeatureStats;
  readonly frechet: FrechetReference;
  /** Mean Laplacian energy of the held-out images restoration starts from. */
  readonly energy: number;
}

/** One sample set as every metric sees it; the expensive parts are computed once and shared. */
export interface MetricInput {
  /** The sampled images in [0, 1] (as the sampler returned them). */
  readonly samples: tf.Tensor4D;
  /** The images they restore, for paired metrics; absent for generation. */
  readonly truth?: tf.Tensor4D;
  /** Features of the samples as saved (8-bit), [n, d] as a flat row-major array. */
  readonly features: { readonly data: Float32Array; readonly dim: number };
  readonly reference: MetricReference;
  /** Bootstrap resamples of the positions 0..n−1 (empty where n is not the reference's image count). */
  readonly resamples: readonly Int32Array[];
  /** Whether a Fréchet distance is defined: both sets larger than the feature dimension. */
  readonly frechetDefined: boolean;
  /** Top-class probability of each image as saved, where the feature net is a label classifier; else null. */
  readonly confidences: () => Float64Array | null;
  /** L1, RMSE and PSNR per image against `truth` (computed once for the three metrics). */
  readonly pixels: () => PixelScores;
  /** A seed for metrics that subsample (KID), derived from the mode, sampler and δ. */
  readonly seed: number;
}

/** A measured value: its mean, and bootstrap replicates over the images or a std over subsets. */
export interface MetricValue {
  readonly value: number;
  readonly boot?: number[];
  readonly std?: number;
}

/** A metric plugin: what reports read (the descriptor) and the computation the worker runs. */
export interface MetricDef extends MetricDescriptor {
  /** `truth`: paired with the images restored (restoration only); `set`: the sample set against the reference. */
  readonly needs: 'truth' | 'set';
  /** The value for one sample set, or null where it is undefined (FID-like at n ≤ d, no label classifier). */
  compute(input: MetricInput): MetricValue | null;
}

/** Identity at the type level: one file per metric (src/metrics/plugins/), listed in registry.ts. */
export function defineMetric(def: MetricDef): MetricDef {
  return def;
}

/** Whether value `a` is strictly better than `b` under the metric's direction. */
export function isBetter(metric: MetricDescriptor, a: number, b: number): boolean {
  if (metric.higherIsBetter === null) return Math.abs(a - (metric.target ?? 0)) < Math.abs(b - (metric.target ?? 0));
  return metric.higherIsBetter ? a > b : a < b;
}

/** A mean of numbers. */
export function mean(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total / values.length;
}

/** Replicates as stored: 6 significant digits (the interval needs no more; result.json stays small). */
export const stored = (values: number[]) => values.map((v) => Number(v.toPrecision(6)));
