import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../errors.js';
import { cosineAlphaBar, cosineMix, cosineParams } from './schedules.js';
import { defineDegradation } from './types.js';

/** Animorphosis: x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·z with z a random animal face instead of noise. */
export const animorph = defineDegradation({
  name: 'animorph',
  family: 'morph',
  version: 1,
  stochastic: true,
  description: 'fades the image into a random animal face along the cosine schedule',
  reference: 'Bansal et al. 2022, animorphosis; docs/reference.md §2 Animorphosis',
  params: cosineParams,
  testParams: { steps: 8 },
  // |√a·x + √(1−a)·z| ≤ √a + √(1−a) ≤ √2 for x, z in [−1, 1] (equality at a = ½).
  range: [-Math.SQRT2, Math.SQRT2],
  requires: ['animal-faces'],
  prior: { kind: 'asset', asset: 'animal-faces', doc: 'x_T ≈ a random animal face, which ε also holds fixed' },
  sampleNoise: ({ shape, rng, assets }) => {
    const bank = assets['animal-faces'];
    const [b, h, w, c] = shape;
    if (!bank) throw errors.missingAsset('animorph', 'animal-faces');
    if (bank.shape[1] !== h || bank.shape[2] !== w || bank.shape[3] !== c) {
      throw errors.missingAsset('animorph', `animal-faces at ${h}×${w}×${c}`);
    }
    const picks = Int32Array.from({ length: b }, () => rng.int(bank.shape[0]));
    return { z: tf.tidy(() => tf.gather(bank, tf.tensor1d(picks, 'int32'))) };
  },
  alphaBar: ({ steps, offset }) => cosineAlphaBar(steps, offset),
  apply: (x0, t, { steps, offset }, { z }) => cosineMix(x0, z as tf.Tensor4D, t, steps, offset),
});
