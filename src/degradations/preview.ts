import * as tf from '@tensorflow/tfjs-core';
import { gridToPng } from '../util/image.js';
import type { Rng } from '../util/rng.js';
import { drawNoise } from './degrade.js';
import type { Assets, Degradation, ParamValues } from './types.js';

export interface PreviewOptions {
  /** Most columns; with T + 1 above it, t is sampled evenly from 0 to T. Default 11. */
  readonly columns?: number;
  /** Integer upscale; default: enough for cells of at least 64 px. */
  readonly scale?: number;
}

/** The steps a strip shows: all of 0..T, or `columns` evenly spaced ones that include 0 and T. */
export function previewSteps(steps: number, columns = 11): number[] {
  if (steps + 1 <= columns) return Array.from({ length: steps + 1 }, (_, t) => t);
  return [...new Set(Array.from({ length: columns }, (_, j) => Math.round((j * steps) / (columns - 1))))];
}

/**
 * A PNG strip of D(x0, t): one row per image, one column per t of `previewSteps` (all t when
 * T ≤ 10, else 11 evenly spaced t from 0 to T). ε is drawn once per row from `rng`.
 */
export async function previewStrip(
  deg: Degradation,
  params: ParamValues,
  images: tf.Tensor4D,
  assets: Assets,
  rng: Rng,
  options: PreviewOptions = {},
): Promise<Buffer> {
  const noise = drawNoise(deg, images.shape, params, rng, assets);
  let grid: tf.Tensor5D;
  try {
    grid = tf.tidy(() =>
      tf.stack(
        previewSteps(params.steps as number, options.columns).map((t) => deg.apply(images, t, params, noise)),
        1,
      ),
    ) as tf.Tensor5D;
  } finally {
    tf.dispose(Object.values(noise));
  }
  try {
    return await gridToPng(grid, { scale: options.scale ?? Math.max(1, Math.ceil(64 / images.shape[1])) });
  } finally {
    grid.dispose();
  }
}
