import * as tf from '@tensorflow/tfjs-core';
import type { ParamSpec } from './types.js';

/** Parameters of the cosine schedule, shared by every degradation that mixes x0 with an ε. */
export const cosineParams = {
  steps: { default: 200, doc: 'number of steps T', min: 1, max: 10000, integer: true },
  offset: { default: 0.008, doc: 'cosine schedule offset s', min: 0, max: 1 },
} as const satisfies Record<string, ParamSpec>;

const cache = new Map<string, Float64Array>();

/**
 * ᾱ_t for t = 0..T with ᾱ_0 = 1: f(t) = cos²(((t/T + s)/(1 + s))·π/2), β_t = min(1 − f(t)/f(t−1),
 * 0.999), ᾱ_t = Π(1 − β_i). Nichol & Dhariwal 2021 eq. 17, as used by Cold Diffusion (docs/reference.md §2).
 */
export function cosineAlphaBar(steps: number, offset = 0.008, maxBeta = 0.999): Float64Array {
  const key = `${steps}|${offset}|${maxBeta}`;
  let alphaBar = cache.get(key);
  if (!alphaBar) {
    const f = (t: number) => Math.cos(((t / steps + offset) / (1 + offset)) * (Math.PI / 2)) ** 2;
    alphaBar = new Float64Array(steps + 1);
    alphaBar[0] = 1;
    for (let t = 1; t <= steps; t++) {
      const beta = Math.min(Math.max(1 - f(t) / f(t - 1), 0), maxBeta);
      alphaBar[t] = alphaBar[t - 1] * (1 - beta);
    }
    cache.set(key, alphaBar);
  }
  return alphaBar;
}

/** x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·z with the cosine ᾱ (Cold Diffusion's Gaussian and animorphosis). */
export function cosineMix(x0: tf.Tensor4D, z: tf.Tensor4D, t: number, steps: number, offset: number): tf.Tensor4D {
  if (t === 0) return x0.clone();
  const alphaBar = cosineAlphaBar(steps, offset)[t];
  return tf.tidy(() => tf.add(tf.mul(x0, Math.sqrt(alphaBar)), tf.mul(z, Math.sqrt(1 - alphaBar))));
}
