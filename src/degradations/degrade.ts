import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../errors.js';
import type { Rng } from '../util/rng.js';
import type { Assets, Degradation, Noise, ParamValues } from './types.js';

/**
 * D(x0, t; ε) with one t for the batch or one t per image (training draws t per sample): images
 * are grouped by t, each group degraded with its rows of ε, and the results put back in order.
 */
export function degrade(deg: Degradation, x0: tf.Tensor4D, t: number | Int32Array, params: ParamValues, noise: Noise): tf.Tensor4D {
  const steps = params.steps as number;
  const ts = typeof t === 'number' ? [t] : Array.from(t);
  if (typeof t !== 'number' && t.length !== x0.shape[0]) throw new RangeError(`degrade: ${t.length} steps for a batch of ${x0.shape[0]}`);
  for (const s of ts) if (!Number.isInteger(s) || s < 0 || s > steps) throw new RangeError(`degrade: t = ${s} is outside 0..${steps}`);
  if (typeof t === 'number') return deg.apply(x0, t, params, noise);
  const groups = new Map<number, number[]>();
  t.forEach((s, i) => groups.set(s, [...(groups.get(s) ?? []), i]));
  if (groups.size === 1) return deg.apply(x0, t[0], params, noise);
  return tf.tidy(() => {
    const order: number[] = [];
    const parts = [...groups].map(([s, rows]) => {
      order.push(...rows);
      const index = tf.tensor1d(rows, 'int32');
      const subNoise = Object.fromEntries(Object.entries(noise).map(([k, v]) => [k, tf.gather(v, index)]));
      return deg.apply(tf.gather(x0, index), s, params, subNoise);
    });
    const inverse = new Int32Array(order.length);
    order.forEach((row, at) => (inverse[row] = at));
    return tf.gather(tf.concat(parts, 0), tf.tensor1d(inverse, 'int32'));
  });
}

/** Draws ε for a batch of `shape` (every tensor batch-first); {} for deterministic degradations. */
export function drawNoise(
  deg: Degradation,
  shape: readonly [number, number, number, number],
  params: ParamValues,
  rng: Rng,
  assets: Assets = {},
): Noise {
  if (!deg.stochastic || !deg.sampleNoise) return {};
  for (const asset of deg.requires ?? []) if (!assets[asset]) throw errors.missingAsset(deg.name, asset);
  return deg.sampleNoise({ shape, params, rng, assets });
}
