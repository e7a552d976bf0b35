import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../errors.js';

/** Images per tensor chunk in the image metrics: bounds memory at 5C feature maps per image. */
export const CHUNK = 64;

/**
 * coldbench images ([−1, 1], NHWC) as the metrics see them: (x + 1)/2 clipped to [0, 1], as when
 * saved to 8-bit files (the paper's FIDs are on saved images), so the data range is 1.
 */
export function toUnitRange(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1) as tf.Tensor4D);
}

/**
 * Images as a saved 8-bit PNG holds them, back in [−1, 1]: clamped, then v = ⌊255·(x + 1)/2 + ½⌋/255
 * as torchvision's save_image rounds (the official FID embeds saved images). Feature nets see
 * only these, so a sample's out-of-range or sub-quantum values cannot move an FID-like number.
 */
export function toEightBit(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.mul(tf.div(tf.floor(tf.add(tf.mul(toUnitRange(x), 255), 0.5)), 255), 2), 1) as tf.Tensor4D);
}

/** Throws the user-facing error unless `x` is an NHWC batch (with `y`, of the same shape). */
export function checkImages(metric: string, x: tf.Tensor, y?: tf.Tensor): void {
  if (x.rank !== 4) throw errors.metricInput(metric, `expected an NHWC image batch, got shape [${x.shape}]`);
  if (y && (y.rank !== 4 || y.shape.some((s, i) => s !== x.shape[i]))) {
    throw errors.metricInput(metric, `image shapes [${x.shape}] and [${y.shape}] differ`);
  }
  if (x.shape[0] === 0) throw errors.metricInput(metric, 'the batch is empty');
}

/** Runs `f` on consecutive slices of at most `CHUNK` images along the batch axis. */
export function forChunks(batch: number, f: (start: number, size: number) => void): void {
  for (let start = 0; start < batch; start += CHUNK) f(start, Math.min(CHUNK, batch - start));
}
