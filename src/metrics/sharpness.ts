import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../errors.js';
import { checkImages, forChunks, toUnitRange } from './images.js';

/** The 5-point discrete Laplacian ∂²/∂x² + ∂²/∂y² (unit grid spacing). */
const LAPLACIAN = [0, 1, 0, 1, -4, 1, 0, 1, 0];

/**
 * High-frequency energy of a batch: the mean squared response of the 5-point Laplacian over
 * 'valid' 3×3 positions, all channels and images, on images clipped and mapped to [0, 1].
 * The convolution runs in float32; the mean is accumulated in float64.
 */
export function laplacianEnergy(images: tf.Tensor4D): number {
  const perImage = laplacianEnergyPerImage(images);
  return perImage.reduce((s, e) => s + e, 0) / perImage.length;
}

/** laplacianEnergy of each image of the batch (every image has the same number of positions, so their mean is the batch's). */
export function laplacianEnergyPerImage(images: tf.Tensor4D): Float64Array {
  checkImages('sharpness', images);
  const [batch, h, w, c] = images.shape;
  if (h < 3 || w < 3) throw errors.metricInput('sharpness', `images of ${h}×${w} are smaller than the 3×3 Laplacian`);
  const positions = (h - 2) * (w - 2) * c;
  const energy = new Float64Array(batch);
  forChunks(batch, (start, count) => {
    const r = tf.tidy(() => {
      const filter = tf.tile(tf.tensor4d(LAPLACIAN, [3, 3, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
      return tf.depthwiseConv2d(toUnitRange(tf.slice(images, [start, 0, 0, 0], [count, -1, -1, -1])), filter, 1, 'valid');
    });
    const values = r.dataSync();
    for (let i = 0; i < count; i++) {
      let total = 0;
      for (let k = i * positions; k < (i + 1) * positions; k++) total += values[k] * values[k];
      energy[start + i] = total / positions;
    }
    r.dispose();
  });
  return energy;
}

/**
 * Sharpness of generated images relative to real ones: laplacianEnergy(generated) / laplacianEnergy(real).
 * 1 = as much high-frequency energy as the real data, < 1 blurrier, > 1 sharper or noisier.
 */
export function sharpness(generated: tf.Tensor4D, real: tf.Tensor4D): number {
  return laplacianEnergy(generated) / laplacianEnergy(real);
}
