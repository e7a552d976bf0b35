import { blurWith } from './filters.js';
import { defineDegradation, type Params } from './types.js';

const params = {
  steps: { default: 20, doc: 'number of blur steps T', min: 1, max: 1000, integer: true },
  radius: { default: 5, doc: "kernel half-width: (2·radius+1)² taps, 5 gives the paper's 11×11", min: 1, max: 64, integer: true },
  sigma: { default: 7, doc: 'Gaussian σ of step 1, in pixels', min: 0.05, max: 1000 },
  growth: { default: 0, doc: 'σ added per step: σ_i = sigma + (i−1)·growth (0: the official constant σ)', min: 0, max: 100 },
  circular: { default: true, doc: 'circular padding (false: reflect padding, the official CIFAR-10 setting)' },
} as const;

/** σ_i of steps i = 1..T. */
export const deblurSigmas = (p: Params<typeof params>) => Array.from({ length: p.steps }, (_, i) => p.sigma + i * p.growth);

/**
 * Deblurring: cumulative depthwise Gaussian blur whose x_T is the blurred image itself, a
 * restoration task. Defaults are the official MNIST operator (T = 20, 11×11, constant σ = 7,
 * circular padding). Generation from blur is another experiment: `blur-generation`.
 */
export const blur = defineDegradation({
  name: 'blur',
  family: 'blur',
  version: 2,
  stochastic: false,
  description: 'deblurring: cumulative Gaussian blur, x_T the blurred image (official MNIST operator)',
  reference:
    'Bansal et al. 2022, deblurring; official deblurring-diffusion-pytorch, MNIST: Constant routine, T = 20, 11×11, σ = 7, circular',
  params,
  testParams: { steps: 3, radius: 1, sigma: 1 },
  range: [-1, 1],
  // No prior: x_T keeps the image's structure, so there is nothing low-dimensional to sample.
  apply(x0, t, p) {
    return t === 0 ? x0.clone() : blurWith(x0, t, p.radius, deblurSigmas(p), p.circular ? 'circular' : 'reflect');
  },
});
