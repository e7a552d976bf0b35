import * as tf from '@tensorflow/tfjs-core';
import { cosineAlphaBar, cosineMix, cosineParams } from './schedules.js';
import { defineDegradation } from './types.js';

/** Hot diffusion's forward process x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·z, z ~ N(0, I), cosine ᾱ. */
export const gaussian = defineDegradation({
  name: 'gaussian',
  family: 'noise',
  version: 1,
  stochastic: true,
  description: 'additive Gaussian noise, cosine schedule (the hot-diffusion baseline)',
  reference: 'Bansal et al. 2022 (hot baseline), cosine ᾱ of Nichol & Dhariwal 2021 eq. 17; docs/reference.md §2 Gaussian',
  params: cosineParams,
  testParams: { steps: 8 },
  range: null,
  prior: { kind: 'noise', doc: 'x_T ≈ z ~ N(0, I): ᾱ_T is about 1e-3·ᾱ_{T−1} (β clipped at 0.999)' },
  sampleNoise: ({ shape, rng }) => ({ z: tf.tensor4d(rng.normals(shape[0] * shape[1] * shape[2] * shape[3]), [...shape]) }),
  alphaBar: ({ steps, offset }) => cosineAlphaBar(steps, offset),
  apply: (x0, t, { steps, offset }, { z }) => cosineMix(x0, z as tf.Tensor4D, t, steps, offset),
});
