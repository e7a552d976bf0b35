import * as tf from '@tensorflow/tfjs-core';

/**
 * Sinusoidal embedding of integer steps t (Vaswani et al. 2017, as in DDPM): [sin(t·ω_i), cos(t·ω_i)]
 * with ω_i = 10000^(−i/(d/2 − 1)). Computed outside the network so a saved model uses only
 * stock TF.js layers and loads anywhere with `tf.loadLayersModel`.
 */
export function timeEmbedding(t: ArrayLike<number>, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const out = new Float32Array(t.length * dim);
  for (let b = 0; b < t.length; b++) {
    for (let i = 0; i < half; i++) {
      const angle = t[b] * Math.pow(10_000, -i / Math.max(1, half - 1));
      out[b * dim + i] = Math.sin(angle);
      out[b * dim + half + i] = Math.cos(angle);
    }
  }
  return tf.tensor2d(out, [t.length, dim]);
}
