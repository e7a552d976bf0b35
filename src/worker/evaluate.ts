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

/** The real images every sample set is compared with. */
export interface Reference {
  readonly images: tf.Tensor4D;
  readonly stats: FeatureStats;
  readonly features: tf.Tensor2D;
  readonly net: FeatureNet;
}

export function makeReference(images: tf.Tensor4D, net: FeatureNet): Reference {
  const features = embedEightBit(net, images);
  return { images, features, stats: featureStats(features), net };
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
  const stats = featureStats(features);
  const kidResult = kid(features, reference.features, { rng: new Rng(seedFrom('kid', where.mode, where.sampler, String(where.delta))) });
  const rows: MetricRow[] = [
    { ...where, metric: 'fid', value: frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma) },
    { ...where, metric: 'kid', value: kidResult.mean, std: kidResult.std },
    { ...where, metric: 'diversity', value: diversity(features) },
    { ...where, metric: 'sharpness', value: sharpness(samples, reference.images) },
  ];
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
