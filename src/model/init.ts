import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../util/rng.js';

/**
 * Re-initialises every weight from an explicit seeded stream, so a run's network is a function
 * of its seed: kernels Glorot-uniform (Keras's default, limit √(6/(fan_in + fan_out))), biases
 * zero. tfjs-layers' own initialisers draw from an internal generator the run cannot seed.
 */
export function initWeights(model: tfl.LayersModel, rng: Rng): void {
  const values = model.getWeights().map((w) => {
    if (w.rank === 1) return tf.zerosLike(w);
    const receptive = w.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = receptive * w.shape[w.rank - 2];
    const fanOut = receptive * w.shape[w.rank - 1];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.tensor(
      rng.uniforms(w.size).map((u) => (2 * u - 1) * limit),
      w.shape,
    );
  });
  model.setWeights(values);
  tf.dispose(values);
}
