import * as tf from '@tensorflow/tfjs-core';
import type { ImageSplit } from './types.js';

/** The images at `indices` as a float32 NHWC tensor in [−1, 1] (x / 127.5 − 1). */
export function batchTensor(split: ImageSplit, indices: ArrayLike<number>): tf.Tensor4D {
  const per = split.size * split.size * split.channels;
  const values = new Float32Array(indices.length * per);
  for (let b = 0; b < indices.length; b++) {
    const index = indices[b];
    if (!Number.isInteger(index) || index < 0 || index >= split.n) throw new RangeError(`image index ${index} outside 0..${split.n - 1}`);
    const from = index * per;
    for (let j = 0; j < per; j++) values[b * per + j] = split.pixels[from + j] / 127.5 - 1;
  }
  return tf.tensor4d(values, [indices.length, split.size, split.size, split.channels]);
}

/** Bytes 0..255 from a tensor in [−1, 1]: the inverse of `batchTensor`, clipped and rounded. */
export function toUint8(t: tf.Tensor4D): Uint8Array {
  const values = t.dataSync();
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(Math.min(255, Math.max(0, (values[i] + 1) * 127.5)));
  return out;
}
