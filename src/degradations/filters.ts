import * as tf from '@tensorflow/tfjs-core';
import { gaussianKernel1d } from '../util/gaussian-kernel.js';

/** How a 1-D filter reads past the image edge (torch's `circular`, `reflect`, zeros). */
export type Padding = 'circular' | 'reflect' | 'zero';

/** Index of the pixel that padding puts at position j of a length-n axis, or −1 for a zero. */
function source(j: number, n: number, padding: Padding): number {
  if (j >= 0 && j < n) return j;
  if (padding === 'zero') return -1;
  if (padding === 'circular' || n === 1) return ((j % n) + n) % n;
  const period = 2 * (n - 1); // reflect without repeating the edge, folded as often as needed
  const m = ((j % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * The n×n matrix A of a centred 1-D filter under `padding`, so that filtering an axis is y = A·x.
 * Since Gaussian blur is separable and padding acts per axis, a 2-D blur is A·X·Aᵀ.
 */
export function filterMatrix(taps: Float64Array, n: number, padding: Padding): Float64Array {
  const radius = (taps.length - 1) / 2;
  const a = new Float64Array(n * n);
  for (let o = 0; o < n; o++) {
    for (let k = 0; k < taps.length; k++) {
      const i = source(o + k - radius, n, padding);
      if (i >= 0) a[o * n + i] += taps[k];
    }
  }
  return a;
}

/** The n×n product A·B of two row-major matrices, in float64. */
export function matMul64(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  return c;
}

const blurCache = new Map<string, Float32Array[]>();

/**
 * The 1-D operators M_t = A_t·…·A_1 of cumulative Gaussian blur steps (index t, M_0 unused) for
 * an axis of n pixels, step i blurring with σ = sigmas[i − 1] over 2·radius + 1 taps under
 * `padding`: each step is a separable Gaussian A_i, so D(x0, t) = M_t·X·M_tᵀ per channel, one
 * pair of matrix products for any t instead of t convolutions.
 */
export function blurOperators(n: number, radius: number, sigmas: readonly number[], padding: Padding): Float32Array[] {
  const key = JSON.stringify([n, radius, sigmas, padding]);
  let ops = blurCache.get(key);
  if (!ops) {
    ops = [new Float32Array(0)];
    let m: Float64Array | undefined;
    for (const sigma of sigmas) {
      const a = filterMatrix(gaussianKernel1d(radius, sigma), n, padding);
      m = m ? matMul64(a, m, n) : a;
      ops.push(Float32Array.from(m));
    }
    blurCache.set(key, ops);
  }
  return ops;
}

/** D(x0, t) of a cumulative blur: the operators of `blurOperators` applied along height and width. */
export function blurWith(x0: tf.Tensor4D, t: number, radius: number, sigmas: readonly number[], padding: Padding): tf.Tensor4D {
  const [, h, w] = x0.shape;
  return tf.tidy(() =>
    alongWidth(alongHeight(x0, blurOperators(h, radius, sigmas, padding)[t]), blurOperators(w, radius, sigmas, padding)[t]),
  );
}

/** Applies an H×H matrix along the height axis of an NHWC batch: y[b, :, w, c] = A·x[b, :, w, c]. */
export function alongHeight(x: tf.Tensor4D, a: Float32Array): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.tensor3d(a, [1, h, h]), tf.reshape(x, [b, h, w * c])), [b, h, w, c]));
}

/** Applies a W×W matrix along the width axis of an NHWC batch: y[b, h, :, c] = A·x[b, h, :, c]. */
export function alongWidth(x: tf.Tensor4D, a: Float32Array): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.tensor3d(a, [1, w, w]), tf.reshape(x, [b * h, w, c])), [b, h, w, c]));
}
