import * as tf from '@tensorflow/tfjs-core';
import { defineDegradation, type Params } from './types.js';

const params = {
  steps: { default: 50, doc: 'number of mask steps T', min: 1, max: 10000, integer: true },
  sigma: { default: 1, doc: 'σ of the Gaussian hole at step 1, in pixels', min: 0.05, max: 1000 },
  // 0.1 spreads the loss of information over all T steps at 32 px: the digits' content is gone
  // only at T (0.3 emptied it by 0.56·T and left the remaining steps to fade an empty frame).
  growth: { default: 0.1, doc: 'σ added per step: σ_i = sigma + (i−1)·growth (1 → 5.9 px over 50 steps)', min: 0, max: 100 },
} as const;

const cache = new Map<string, Float32Array[]>();

/**
 * Cumulative masks M_t = Π_{i≤t} m_i, m_i = 1 − G_σi/max G_σi, G centred at the image centre
 * ((N−1)/2, symmetric). Defaults keep < 3e-3 of any pixel of a 32 px image at T (corners last; 9% on average at 0.6T).
 */
export function inpaintMasks(h: number, w: number, p: Params<typeof params>): Float32Array[] {
  const key = JSON.stringify([h, w, p.steps, p.sigma, p.growth]);
  let masks = cache.get(key);
  if (!masks) {
    masks = [new Float32Array(0)];
    const m = new Float64Array(h * w).fill(1);
    for (let i = 1; i <= p.steps; i++) {
      const s2 = 2 * (p.sigma + (i - 1) * p.growth) ** 2;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) m[y * w + x] *= 1 - Math.exp(-(((y - (h - 1) / 2) ** 2 + (x - (w - 1) / 2) ** 2) / s2));
      }
      masks.push(Float32Array.from(m));
    }
    cache.set(key, masks);
  }
  return masks;
}

/** Inpainting / fade: a growing centred Gaussian hole; masked pixels go to 0 (mid-grey). */
export const inpaint = defineDegradation({
  name: 'inpaint',
  family: 'mask',
  version: 2,
  stochastic: false,
  description: 'cumulative centred Gaussian masks that fade the image to mid-grey from the centre out',
  reference: 'Bansal et al. 2022, inpainting (official defading code); REFERENCE.md §2 Inpainting',
  params,
  testParams: { steps: 4, sigma: 2, growth: 2 },
  range: [-1, 1],
  // No prior: x_T is (almost) the same grey image for every x0, so there is nothing to sample.
  apply(x0, t, p) {
    if (t === 0) return x0.clone();
    const [, h, w] = x0.shape;
    return tf.tidy(() => tf.mul(x0, tf.tensor4d(inpaintMasks(h, w, p)[t], [1, h, w, 1])));
  },
});
