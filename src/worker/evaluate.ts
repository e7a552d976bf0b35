import * as tf from '@tensorflow/tfjs-core';
import {
  bootstrapIndices, diversity, featureStats, frechetFromStats, frechetReference, frechetReplicates, kid, laplacianEnergy, laplacianEnergyPerImage,
  pixelScores, resampledDiversity, resampledMeans, ssimPerImage, type FeatureStats, type FrechetReference,
} from '../metrics/index.js';
import { toEightBit } from '../metrics/images.js';
import type { Floor, MetricRow, Spread } from '../results/types.js';
import type { FeatureNet } from '../train/feature-net.js';
import { Rng, seedFrom } from '../util/rng.js';

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
  readonly frechet: FrechetReference;
  readonly features: tf.Tensor2D;
  readonly net: FeatureNet;
  /** Laplacian energy of `images`: sharpness's denominator. */
  readonly energy: number;
  /** Bootstrap resamples of a sample set's positions (see bootstrapIndices), one list per repetition. */
  readonly resamples: readonly Int32Array[];
}

/** The reference of a repetition; `rng` (from its evaluation seed) draws the bootstrap resamples. */
export function makeReference(images: tf.Tensor4D, all: tf.Tensor4D, net: FeatureNet, rng: Rng): Reference {
  const features = embedEightBit(net, all);
  const stats = featureStats(features);
  return {
    images, features, stats, frechet: frechetReference(stats), net, energy: laplacianEnergy(images),
    resamples: bootstrapIndices(images.shape[0], rng),
  };
}

/** Replicates as stored: 6 significant digits (the interval needs no more; result.json stays small). */
const stored = (values: number[]) => values.map((v) => Number(v.toPrecision(6)));
function mean(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total / values.length;
}

function spread(values: number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, std, draws: values.length };
}

/** Whether a Fréchet distance is defined: both sets larger than the feature dimension. */
const frechetDefined = (n: number, reference: Reference) => n > reference.net.dim && reference.features.shape[0] > reference.net.dim;

/**
 * The floor at sample size n: `draws` sets of n real images from `other` (the training split:
 * real, but not the reference), each scored as a sample set is. A sample set's FID-like is only
 * meaningful beside this (docs/reference.md §5: 31 ± 10 at N = 64, 4.3 ± 1.6 at N = 512 for digits).
 */
export function realFloor(other: (indices: Int32Array) => tf.Tensor4D, otherCount: number, n: number, reference: Reference, rng: Rng, draws = 5): Floor {
  const fids: number[] = [], kids: number[] = [], shares: number[] = [];
  for (let d = 0; d < draws; d++) {
    const images = other(rng.fork(`floor-${d}`).permutation(otherCount).slice(0, n));
    const features = embedEightBit(reference.net, images);
    if (reference.net.objective === 'labels') shares.push(mean(recognised(reference.net, images)));
    images.dispose();
    if (frechetDefined(n, reference)) {
      const stats = featureStats(features);
      fids.push(frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma));
    }
    kids.push(kid(features, reference.features, { rng: rng.fork(`floor-kid-${d}`) }).mean);
    features.dispose();
  }
  return { n, ...(fids.length > 0 && { fid: spread(fids) }), kid: spread(kids), ...(shares.length > 0 && { recognisable: spread(shares) }) };
}

/** Confidence above which a classified image counts as recognisable. */
export const RECOGNISABLE_CONFIDENCE = 0.9;

/** 1 for each image (as saved, 8-bit) the label classifier assigns a class with probability > 0.9, else 0. */
function recognised(net: FeatureNet, images: tf.Tensor4D): Float64Array {
  const saved = toEightBit(images);
  const top = tf.tidy(() => tf.max(net.probabilities(saved), 1));
  saved.dispose();
  const out = Float64Array.from(top.dataSync(), (p) => Number(p > RECOGNISABLE_CONFIDENCE));
  top.dispose();
  return out;
}

/** FID-like (null where undefined at this N) and mean L1 of restored images: what Q3 needs per severity, without the rest. */
export function restorationScores(samples: tf.Tensor4D, reference: Reference, truth: tf.Tensor4D): { fid: number | null; l1: number } {
  let fid: number | null = null;
  if (frechetDefined(samples.shape[0], reference)) {
    const features = embedEightBit(reference.net, samples);
    const stats = featureStats(features);
    features.dispose();
    fid = frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma);
  }
  return { fid, l1: mean(pixelScores(samples, truth).l1) };
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
  const resamples = samples.shape[0] === reference.images.shape[0] ? reference.resamples : [];
  const kidResult = kid(features, reference.features, { rng: new Rng(seedFrom('kid', where.mode, where.sampler, String(where.delta))) });
  const rows: MetricRow[] = [];
  const matrix = { data: features.dataSync(), dim: features.shape[1] };
  if (frechetDefined(samples.shape[0], reference)) {
    const stats = featureStats(matrix);
    const boot = frechetReplicates(matrix, resamples, reference.frechet);
    rows.push({ ...where, metric: 'fid', value: frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma), boot: stored(boot) });
  }
  const energy = laplacianEnergyPerImage(samples);
  if (reference.net.objective === 'labels') {
    const confident = recognised(reference.net, samples);
    rows.push({ ...where, metric: 'recognisable', value: mean(confident), boot: stored(resampledMeans(confident, resamples)) });
  }
  rows.push(
    { ...where, metric: 'kid', value: kidResult.mean, std: kidResult.std },
    { ...where, metric: 'diversity', value: diversity(features), boot: stored(resampledDiversity(matrix, resamples)) },
    { ...where, metric: 'sharpness', value: mean(energy) / reference.energy, boot: stored(resampledMeans(energy, resamples).map((e) => e / reference.energy)) },
  );
  features.dispose();
  if (truth) {
    const pixel = pixelScores(samples, truth);
    const perImage = { l1: pixel.l1, rmse: pixel.rmse, psnr: pixel.psnr, ssim: ssimPerImage(samples, truth) };
    for (const metric of ['l1', 'rmse', 'psnr', 'ssim'] as const) {
      const values = perImage[metric];
      // PSNR is +∞ for an exact copy: no interval around an infinite mean.
      const boot = values.every(Number.isFinite) ? stored(resampledMeans(values, resamples)) : undefined;
      rows.push({ ...where, metric, value: mean(values), ...(boot && { boot }) });
    }
  }
  return rows;
}
