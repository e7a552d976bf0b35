import * as tf from '@tensorflow/tfjs-core';
import { frechetFromStats, featureStats, kid, diversity, sharpness, meanPixelScores, ssim, type FeatureStats, type MetricName } from '../metrics/index.js';
import { toEightBit } from '../metrics/images.js';
import type { SamplerName } from '../sampling/samplers.js';
import type { FeatureNet } from '../train/feature-net.js';
import { Rng, seedFrom } from '../util/rng.js';

/** One measured number: a result file holds a list of these (one per mode × sampler × δ × metric). */
export interface MetricRow {
  readonly mode: 'restoration' | 'generation';
  /** `degraded` is x_T itself, the paper's baseline row. */
  readonly sampler: SamplerName | 'degraded';
  /** Generation start noise δ; null in restoration. */
  readonly delta: number | null;
  readonly metric: MetricName;
  readonly value: number;
  /** Spread where the metric has one (KID over subsets). */
  readonly std?: number;
}

/** Features of `images` as saved 8-bit images would give them (clamped and quantised). */
function embedEightBit(net: FeatureNet, images: tf.Tensor4D): tf.Tensor2D {
  const saved = toEightBit(images);
  const features = net.embed(saved);
  saved.dispose();
  return features;
}

/**
 * The real images every sample set is compared with: `images` (the held-out images restoration
 * starts from, for sharpness) and the features of the whole held-out split (`all`: for digits
 * the 10,000 test images), the same for every run of a suite.
 */
export interface Reference {
  readonly images: tf.Tensor4D;
  readonly stats: FeatureStats;
  readonly features: tf.Tensor2D;
  readonly net: FeatureNet;
}

export function makeReference(images: tf.Tensor4D, all: tf.Tensor4D, net: FeatureNet): Reference {
  const features = embedEightBit(net, all);
  return { images, features, stats: featureStats(features), net };
}

/** A number drawn several times: its mean and sample standard deviation. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly draws: number;
}

function spread(values: number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, std, draws: values.length };
}

/** The real-vs-real floor: what FID-like and KID give for real images that are not the reference. */
export interface Floor {
  /** Images per draw: the sample sets' size. */
  readonly n: number;
  /** Absent where n or the reference set is not above the feature dimension (a Fréchet distance needs it). */
  readonly fid?: Spread;
  readonly kid: Spread;
}

/** Whether a Fréchet distance is defined: both sets larger than the feature dimension. */
const frechetDefined = (n: number, reference: Reference) => n > reference.net.dim && reference.features.shape[0] > reference.net.dim;

/**
 * The floor at sample size n: `draws` sets of n real images from `other` (the training split:
 * real, but not the reference), each scored as a sample set is. A sample set's FID-like is only
 * meaningful beside this (REFERENCE §5: 31 ± 10 at N = 64, 4.3 ± 1.6 at N = 512 for digits).
 */
export function realFloor(other: (indices: Int32Array) => tf.Tensor4D, otherCount: number, n: number, reference: Reference, rng: Rng, draws = 5): Floor {
  const fids: number[] = [], kids: number[] = [];
  for (let d = 0; d < draws; d++) {
    const images = other(rng.fork(`floor-${d}`).permutation(otherCount).slice(0, n));
    const features = embedEightBit(reference.net, images);
    images.dispose();
    if (frechetDefined(n, reference)) {
      const stats = featureStats(features);
      fids.push(frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma));
    }
    kids.push(kid(features, reference.features, { rng: rng.fork(`floor-kid-${d}`) }).mean);
    features.dispose();
  }
  return { n, ...(fids.length > 0 && { fid: spread(fids) }), kid: spread(kids) };
}

/**
 * All metrics of a sample set: distribution metrics (FID-like, KID, diversity, sharpness) against
 * the reference, and, where `truth` is given (restoration), per-image L1/RMSE/PSNR/SSIM.
 */
export function evaluate(
  samples: tf.Tensor4D,
  reference: Reference,
  where: Pick<MetricRow, 'mode' | 'sampler' | 'delta'>,
  truth?: tf.Tensor4D,
): MetricRow[] {
  const features = embedEightBit(reference.net, samples);
  const kidResult = kid(features, reference.features, { rng: new Rng(seedFrom('kid', where.mode, where.sampler, String(where.delta))) });
  const rows: MetricRow[] = [];
  if (frechetDefined(samples.shape[0], reference)) {
    const stats = featureStats(features);
    rows.push({ ...where, metric: 'fid', value: frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma) });
  }
  rows.push(
    { ...where, metric: 'kid', value: kidResult.mean, std: kidResult.std },
    { ...where, metric: 'diversity', value: diversity(features) },
    { ...where, metric: 'sharpness', value: sharpness(samples, reference.images) },
  );
  features.dispose();
  if (truth) {
    const pixel = meanPixelScores(samples, truth);
    rows.push(
      { ...where, metric: 'l1', value: pixel.l1 },
      { ...where, metric: 'rmse', value: pixel.rmse },
      { ...where, metric: 'psnr', value: pixel.psnr },
      { ...where, metric: 'ssim', value: ssim(samples, truth) },
    );
  }
  return rows;
}
