import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mean, type MetricDef, type MetricInput, type MetricReference } from '../metrics/define.js';
import { bootstrapIndices, featureStats, frechetFromStats, frechetReference, kid, laplacianEnergy, pixelScores } from '../metrics/index.js';
import { toEightBit } from '../metrics/images.js';
import { recognised } from '../metrics/plugins/recognisable.js';
import { METRICS } from '../metrics/registry.js';
import type { Floor, MetricRow, Spread } from '../results/types.js';
import { batchTensor } from '../data/batch.js';
import type { ImageSplit } from '../data/types.js';
import { splitDigest, type FeatureNet } from '../train/feature-net.js';
import { writeFileAtomicSync } from '../util/fs.js';
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
export interface Reference extends MetricReference {
  readonly images: tf.Tensor4D;
  readonly net: FeatureNet;
  /** What the reference features are a function of: the network's weights, the split's content and the engine. */
  readonly key: string;
  /** Bootstrap resamples of a sample set's positions (see bootstrapIndices), one list per repetition. */
  readonly resamples: readonly Int32Array[];
}

interface KeptFeatures {
  readonly data: Float32Array;
  readonly n: number;
  readonly dim: number;
}

/** Features of held-out splits by network weights, split content and engine (referenceFeatures). */
const splitFeatures = new Map<string, KeptFeatures>();
const KEPT_SPLITS = 4;

const featuresKey = (net: FeatureNet, split: ImageSplit) => `${net.weights}|${splitDigest(split)}|${tf.getBackend()}`;
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** `<net dir>/reference-<hash of key>.{f32,json}`: the features' bytes, and what they are with their SHA-256. */
function keptPaths(dir: string, key: string) {
  const base = join(dir, `reference-${sha256(key).slice(0, 16)}`);
  return { data: `${base}.f32`, info: `${base}.json` };
}

/** The features kept on disk for `key`, where the file says they are for it and its bytes match their SHA-256; else undefined. */
function readKept(dir: string, key: string): KeptFeatures | undefined {
  const paths = keptPaths(dir, key);
  if (!existsSync(paths.info) || !existsSync(paths.data)) return undefined;
  try {
    const info = JSON.parse(readFileSync(paths.info, 'utf8')) as { key: string; n: number; dim: number; sha256: string };
    const bytes = readFileSync(paths.data);
    if (info.key !== key || bytes.byteLength !== info.n * info.dim * 4 || sha256(bytes) !== info.sha256) return undefined;
    const data = new Float32Array(info.n * info.dim);
    new Uint8Array(data.buffer).set(bytes);
    return { data, n: info.n, dim: info.dim };
  } catch {
    return undefined; // unreadable: computed again and rewritten
  }
}

/**
 * Writes the features and then their description, each atomically (writeFileAtomicSync), so a
 * reader sees whole files; two workers writing at once leave a pair that either matches its
 * SHA-256 or is computed again.
 */
function writeKept(dir: string, key: string, kept: KeptFeatures): void {
  const paths = keptPaths(dir, key);
  const bytes = new Uint8Array(kept.data.buffer, kept.data.byteOffset, kept.data.byteLength);
  writeFileAtomicSync(paths.data, bytes);
  writeFileAtomicSync(paths.info, JSON.stringify({ key, n: kept.n, dim: kept.dim, sha256: sha256(bytes) }));
}

/** Forgets the features a worker keeps in memory (disk copies stay): what a fresh worker would see. */
export function forgetKeptFeatures(): void {
  splitFeatures.clear();
}

/**
 * Features of every image of `split` as saved (8-bit): what every sample set of a suite is
 * compared with, the same for each of its runs on this network and engine. They are computed once
 * (keyed by the network's weight hash, the split's SHA-256 and the engine, so nothing else can
 * match) and kept by the worker for its later runs and, where the net has a cache folder, on disk
 * beside it for other workers, processes and suites, read back only when their SHA-256 matches.
 * The caller owns the returned tensor.
 */
export function referenceFeatures(net: FeatureNet, split: ImageSplit): tf.Tensor2D {
  const key = featuresKey(net, split);
  let kept = splitFeatures.get(key) ?? (net.dir ? readKept(net.dir, key) : undefined);
  if (!kept) {
    const all = batchTensor(
      split,
      Int32Array.from({ length: split.n }, (_, i) => i),
    );
    const features = embedEightBit(net, all);
    kept = { data: features.dataSync() as Float32Array, n: features.shape[0], dim: features.shape[1] };
    tf.dispose([all, features]);
    try {
      if (net.dir) writeKept(net.dir, key, kept);
    } catch {
      // A cache folder this process cannot write (a read-only shared cache): kept in memory only.
    }
  }
  if (!splitFeatures.has(key)) {
    if (splitFeatures.size >= KEPT_SPLITS) splitFeatures.delete(splitFeatures.keys().next().value!);
    splitFeatures.set(key, kept);
  }
  return tf.tensor2d(kept.data, [kept.n, kept.dim]);
}

/**
 * The reference of a repetition: `images` from the held-out `split`, compared with the features
 * of the whole split (referenceFeatures); `rng` (from its evaluation seed) draws the bootstrap
 * resamples. The caller owns `features`.
 */
export function makeReference(images: tf.Tensor4D, split: ImageSplit, net: FeatureNet, rng: Rng): Reference {
  const features = referenceFeatures(net, split);
  const stats = featureStats(features);
  return {
    images,
    key: featuresKey(net, split),
    features,
    stats,
    frechet: frechetReference(stats),
    net,
    energy: laplacianEnergy(images),
    resamples: bootstrapIndices(images.shape[0], rng),
  };
}

function spread(values: number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, std, draws: values.length };
}

/** Whether a Fréchet distance is defined: both sets larger than the feature dimension. */
const frechetDefined = (n: number, reference: Reference) => n > reference.net.dim && reference.features.shape[0] > reference.net.dim;

/** Floors by reference, real split, n, seed and draws (realFloor); one per repetition and sample size. */
const floors = new Map<string, Floor>();
const KEPT_FLOORS = 16;

/**
 * The floor at sample size n: `draws` sets of n real images from `real` (the training split:
 * real, but not the reference), each scored as a sample set is. A sample set's FID-like is only
 * meaningful beside this (docs/reference.md §5: 31 ± 10 at N = 64, 4.3 ± 1.6 at N = 512 for digits).
 * It depends only on the reference, `real`, n and `rng`'s seed (a fresh stream), so it is the
 * same for every run of a repetition: a worker computes it once and keeps it for its later runs.
 */
export function realFloor(real: ImageSplit, n: number, reference: Reference, rng: Rng, draws = 5): Floor {
  const key = `${reference.key}|${splitDigest(real)}|${n}|${rng.seed}|${draws}`;
  const kept = floors.get(key);
  if (kept) return kept;
  const fids: number[] = [],
    kids: number[] = [],
    shares: number[] = [];
  for (let d = 0; d < draws; d++) {
    const images = batchTensor(real, rng.fork(`floor-${d}`).permutation(real.n).slice(0, n));
    const { features, top } = analyseEightBit(reference.net, images);
    if (top) shares.push(mean(recognised(top)));
    images.dispose();
    if (frechetDefined(n, reference)) {
      const stats = featureStats(features);
      fids.push(frechetFromStats(stats.mu, stats.sigma, reference.stats.mu, reference.stats.sigma));
    }
    kids.push(kid(features, reference.features, { rng: rng.fork(`floor-kid-${d}`) }).mean);
  }
  const floor: Floor = {
    n,
    ...(fids.length > 0 && { fid: spread(fids) }),
    kid: spread(kids),
    ...(shares.length > 0 && { recognisable: spread(shares) }),
  };
  if (floors.size >= KEPT_FLOORS) floors.delete(floors.keys().next().value!);
  floors.set(key, floor);
  return floor;
}

/**
 * Features of `images` as saved (8-bit) and, where the net is a label classifier, each image's
 * top-class probability: one pass of the feature net for both.
 */
function analyseEightBit(net: FeatureNet, images: tf.Tensor4D): { features: MetricInput['features']; top: Float64Array | null } {
  const saved = toEightBit(images);
  const analysed = net.analyse(saved);
  saved.dispose();
  const features = { data: analysed.features.dataSync() as Float32Array, dim: analysed.features.shape[1] };
  const best = net.objective === 'labels' ? tf.max(analysed.probabilities, 1) : null;
  const top = best ? Float64Array.from(best.dataSync()) : null;
  tf.dispose([analysed.features, analysed.probabilities, ...(best ? [best] : [])]);
  return { features, top };
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
 * Every metric of the registry that applies to a sample set: the set metrics against the reference,
 * and where `truth` is given (restoration) the paired ones. Features, confidences and pixel errors
 * are computed once and shared.
 */
export function evaluate(
  samples: tf.Tensor4D,
  reference: Reference,
  where: Pick<MetricRow, 'mode' | 'sampler' | 'delta'>,
  truth?: tf.Tensor4D,
): MetricRow[] {
  const { features, top } = analyseEightBit(reference.net, samples);
  const once = <T>(f: () => T): (() => T) => {
    let value: { v: T } | undefined;
    return () => (value ??= { v: f() }).v;
  };
  const input: MetricInput = {
    samples,
    truth,
    features,
    reference,
    resamples: samples.shape[0] === reference.images.shape[0] ? reference.resamples : [],
    frechetDefined: frechetDefined(samples.shape[0], reference),
    confidences: () => top,
    pixels: once(() => pixelScores(samples, truth!)),
    seed: seedFrom('kid', where.mode, where.sampler, String(where.delta)),
  };
  const rows: MetricRow[] = [];
  for (const metric of Object.values(METRICS) as MetricDef[]) {
    if (metric.needs === 'truth' && !truth) continue;
    const measured = metric.compute(input);
    if (measured) rows.push({ ...where, metric: metric.name, ...measured });
  }
  return rows;
}
