import * as tf from '@tensorflow/tfjs-core';
import { defineDegradation } from './types.js';

/** K = f·I + (1−f)/3·11ᵀ, the 1×1 colour matrix that keeps a fraction f of the colour (row-major). */
export function colourMatrix(f: number): Float32Array {
  return Float32Array.from({ length: 9 }, (_, k) => (k % 4 === 0 ? f : 0) + (1 - f) / 3);
}

/**
 * Colour fraction F_t left after t steps: 1 − t/T, the official `DeColorization` 'Linear'
 * routine. With P = 11ᵀ/3, K_f = f·I + (1−f)·P and K_a·K_b = K_ab, so its steps f_i = 1 − (1/T)/F_{i−1}
 * multiply to the single matrix K_{F_t}; the last step (f = 0) removes all colour.
 */
export function retainedColour(t: number, steps: number): number {
  return Math.max(0, 1 - t / steps);
}

/** Cumulative desaturation towards the per-pixel grey (R+G+B)/3, linear in t; x_T is grey. */
export const desaturate = defineDegradation({
  name: 'desaturate',
  family: 'colour',
  version: 2,
  stochastic: false,
  description: 'cumulative 1×1 colour matrices that fade the image to grey',
  reference:
    "Bansal et al. 2022, colorization; official decolor-diffusion/diffusion/forward_process_impl.py DeColorization, routine 'Linear'",
  params: {
    steps: {
      default: 20,
      doc: 'number of steps T; after t steps a fraction 1 − t/T of the colour is left',
      min: 1,
      max: 10000,
      integer: true,
    },
  },
  testParams: { steps: 4 },
  range: [-1, 1],
  channels: [3],
  // No prior: x_T is a full-resolution grey image, which has no low-dimensional form; restoration only.
  apply(x0, t, { steps }) {
    if (t === 0) return x0.clone();
    const [b, h, w, c] = x0.shape;
    // K is symmetric, so x·Kᵀ = x·K on rows of RGB.
    return tf.tidy(() =>
      tf.reshape(tf.matMul(tf.reshape(x0, [b * h * w, c]), tf.tensor2d(colourMatrix(retainedColour(t, steps)), [3, 3])), [b, h, w, c]),
    );
  },
});
