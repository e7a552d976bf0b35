import * as tf from '@tensorflow/tfjs-core';
import { alongHeight, alongWidth, filterMatrix, gaussianKernel1d, matMul64 } from './filters.js';
import { defineDegradation, type Params } from './types.js';

const params = {
  steps: { default: 20, doc: 'number of blur steps T', min: 1, max: 1000, integer: true },
  radius: { default: 5, doc: 'kernel half-width: (2·radius+1)² taps, 5 gives the paper\'s 11×11', min: 1, max: 64, integer: true },
  sigma: { default: 7, doc: 'Gaussian σ of step 1, in pixels', min: 0.05, max: 1000 },
  growth: { default: 0, doc: 'σ added per step: σ_i = sigma + (i−1)·growth', min: 0, max: 100 },
  circular: { default: true, doc: 'circular padding (false: reflect padding)' },
  finalMean: { default: true, doc: 'replace x_T by its per-channel mean (the generation setting)' },
} as const;

const cache = new Map<string, Float32Array[]>();

/**
 * The 1-D operators M_t = A_t·…·A_1 of t cumulative blur steps (index t, M_0 unused) for an
 * axis of n pixels: each step is a separable Gaussian A_i under the padding, so D(x0, t) =
 * M_t·X·M_tᵀ per channel — one pair of matmuls for any t instead of t convolutions.
 */
export function blurOperators(n: number, p: Params<typeof params>): Float32Array[] {
  const key = JSON.stringify([n, p.steps, p.radius, p.sigma, p.growth, p.circular]);
  let ops = cache.get(key);
  if (!ops) {
    ops = [new Float32Array(0)];
    let m: Float64Array | undefined;
    for (let i = 1; i <= p.steps; i++) {
      const a = filterMatrix(gaussianKernel1d(p.radius, p.sigma + (i - 1) * p.growth), n, p.circular ? 'circular' : 'reflect');
      m = m ? matMul64(a, m, n) : a;
      ops.push(Float32Array.from(m));
    }
    cache.set(key, ops);
  }
  return ops;
}

/** Cumulative depthwise Gaussian blur; the last step optionally leaves only the channel means. */
export const blur = defineDegradation({
  name: 'blur',
  family: 'blur',
  version: 1,
  stochastic: false,
  description: 'cumulative Gaussian blur, ending in the per-channel mean colour',
  reference: 'Bansal et al. 2022, deblurring (official MNIST operator); REFERENCE.md §2 Blur',
  params,
  testParams: { steps: 3, radius: 1, sigma: 1 },
  range: [-1, 1],
  prior: {
    kind: 'gmm',
    doc: 'per-channel means of x_T, a constant colour, decoded as a flat image (needs finalMean)',
    applies: (p) => p.finalMean === true,
    encode: (xT) => tf.tidy(() => tf.mean(xT, [1, 2]) as tf.Tensor2D),
    decode: (features, [b, h, w, c]) => tf.tidy(() => tf.broadcastTo(tf.reshape(features, [b, 1, 1, c]), [b, h, w, c])),
  },
  apply(x0, t, p) {
    if (t === 0) return x0.clone();
    const [, h, w] = x0.shape;
    return tf.tidy(() => {
      const blurred = alongWidth(alongHeight(x0, blurOperators(h, p)[t]), blurOperators(w, p)[t]);
      return t === p.steps && p.finalMean ? tf.broadcastTo(tf.mean(blurred, [1, 2], true), x0.shape) : blurred;
    });
  },
});
