import * as tf from '@tensorflow/tfjs-core';
import { defineSampler, iterate } from '../define.js';

/** Algorithm 2 of Bansal et al. 2022 (TACoS): x_{s−1} = x_s − D(x̂0, s) + D(x̂0, s−1). */
export const alg2 = defineSampler({
  name: 'alg2',
  stochastic: false,
  doc: 'Algorithm 2 of Bansal et al. 2022 (TACoS): x_{s−1} = x_s − D(x̂0, s) + D(x̂0, s−1).',
  sample: iterate((xs, x0Hat, s, D) => tf.add(tf.sub(xs, D(x0Hat, s)), D(x0Hat, s - 1)), false),
});
