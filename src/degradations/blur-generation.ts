import * as tf from '@tensorflow/tfjs-core';
import { blurWith } from './filters.js';
import { defineDegradation, type Params } from './types.js';

const params = {
  steps: { default: 40, doc: 'number of blur steps T', min: 2, max: 1000, integer: true },
  radius: {
    default: 7,
    doc: 'kernel half-width: (2·radius+1)² taps (15×15 at 32 px; the official 128 px runs use 27×27)',
    min: 1,
    max: 64,
    integer: true,
  },
  sigma: { default: 1, doc: 'Gaussian σ of step 1, in pixels', min: 0.05, max: 1000 },
  rate: { default: 0.1, doc: 'exponential growth: σ_i = sigma·e^(rate·(i−1)) (official: e^(0.01·(i−1)) over T = 300)', min: 0, max: 10 },
} as const;

/** σ_i of steps i = 1..T−1 (step T replaces the image by its mean). */
export const generationSigmas = (p: Params<typeof params>) => Array.from({ length: p.steps - 1 }, (_, i) => p.sigma * Math.exp(p.rate * i));

/**
 * Blur generation (the official `--discrete` CelebA/AFHQ setting): cumulative circular Gaussian
 * blur with exponentially growing σ, and at the last step the image is replaced by its
 * per-channel mean, so x_T is a flat colour a prior can sample. The defaults, scaled to 32 px and
 * a T a 2-core machine can sample, leave x_{T−1} within 1e-4 of its mean (every non-constant
 * Fourier mode keeps < 5e-5 of its amplitude; tested), as the official 128 px schedule does
 * (~1.4e-4 of the first mode), so R(·, T) learns from nearly-flat images, not exact constants.
 */
export const blurGeneration = defineDegradation({
  name: 'blur-generation',
  family: 'blur',
  version: 1,
  stochastic: false,
  description: 'blur generation: exponentially growing circular blur, x_T the per-channel mean colour',
  reference:
    'Bansal et al. 2022, generation with blur; official deblurring-diffusion-pytorch, CelebA/AFHQ 128: Exponential routine, --discrete',
  params,
  testParams: { steps: 3, radius: 1, sigma: 1, rate: 0.5 },
  range: [-1, 1],
  prior: {
    kind: 'gmm',
    doc: 'per-channel means of x_T, a constant colour, decoded as a flat image',
    encode: (xT) => tf.tidy(() => tf.mean(xT, [1, 2]) as tf.Tensor2D),
    decode: (features, [b, h, w, c]) => tf.tidy(() => tf.broadcastTo(tf.reshape(features, [b, 1, 1, c]), [b, h, w, c])),
  },
  apply(x0, t, p) {
    if (t === 0) return x0.clone();
    if (t < p.steps) return blurWith(x0, t, p.radius, generationSigmas(p), 'circular');
    // Circular blur keeps the mean, so the mean of x0 is the mean of x_{T−1}.
    return tf.tidy(() => tf.broadcastTo(tf.mean(x0, [1, 2], true), x0.shape));
  },
});
