import * as tf from '@tensorflow/tfjs-core';
import { degrade } from '../degradations/degrade.js';
import type { Degradation, Noise, ParamValues } from '../degradations/types.js';
import type { Rng } from '../util/rng.js';

/** R(x_t, t) ≈ x0 for a batch at step t (the caller runs its EMA model); returns a new tensor, which the sampler disposes. */
export type Restorer = (xt: tf.Tensor4D, t: number) => tf.Tensor4D;

/** The degradation a sampler inverts, with its params and the ε held fixed while sampling. */
export interface SamplingProblem {
  readonly degradation: Degradation;
  readonly params: ParamValues;
  /** ε of D(x0, t; ε) for this batch, drawn once ({} for deterministic degradations). */
  readonly noise: Noise;
  /** Fresh noise for stochastic samplers (ddpm); the others ignore it. */
  readonly rng?: Rng;
}

export interface SamplerOptions {
  /** Called after each restorer call with (done, total) steps. */
  readonly onStep?: (done: number, total: number) => void;
  /** Steps t (T..0) whose state x_t to keep in `trajectory`; the one-shot sampler has only T and 0. */
  readonly record?: readonly number[];
}

/** One recorded state of a trajectory. */
export interface Frame {
  readonly t: number;
  readonly xt: tf.Tensor4D;
}

/** A sampler's output; every tensor is owned by the caller. */
export interface Sampled {
  /** The restored images x_0. */
  readonly x0: tf.Tensor4D;
  /** The recorded states, from t = T down to 0. */
  readonly trajectory: Frame[];
}

/** Runs from x_T (not disposed) down to x_0. */
export type SampleFn = (restore: Restorer, problem: SamplingProblem, xT: tf.Tensor4D, options?: SamplerOptions) => Sampled;

/** A sampler plugin: one file each in plugins/, listed in samplers.ts in the order reports show them. */
export interface SamplerDef {
  /** Registry key. */
  readonly name: string;
  /** One line on what it does and where it comes from. */
  readonly doc: string;
  /** `mix`: only for degradations that declare `alphaBar` (x_t = √ᾱ·x0 + √(1−ᾱ)·ε); absent: any. */
  readonly requires?: 'mix';
  /** Whether it draws fresh noise while sampling (then `problem.rng` is required). */
  readonly stochastic: boolean;
  readonly sample: SampleFn;
}

/** Identity at the type level: one file per sampler (docs/adding-a-sampler.md). */
export function defineSampler(def: SamplerDef): SamplerDef {
  return def;
}

/** One update x_s → x_{s−1}, given x̂0 = R(x_s, s) and D(·, t) = D(·, t; ε); called inside tf.tidy. */
export type Update = (xs: tf.Tensor4D, x0Hat: tf.Tensor4D, s: number, D: (x: tf.Tensor4D, t: number) => tf.Tensor4D) => tf.Tensor4D;

/** The loop shared by the samplers: `update` applied for s = T..1 (or once, from T straight to 0, when `oneShot`). */
export function iterate(update: Update, oneShot: boolean): SampleFn {
  return (restore, { degradation, params, noise }, xT, { onStep, record = [] } = {}) => {
    const steps = params.steps as number;
    const D = (x: tf.Tensor4D, t: number) => degrade(degradation, x, t, params, noise);
    const keep = new Set(record);
    const trajectory: Frame[] = keep.has(steps) ? [{ t: steps, xt: xT.clone() }] : [];
    const total = oneShot ? 1 : steps;
    let xs = xT;
    for (let done = 1; done <= total; done++) {
      const s = steps - done + 1;
      const next = tf.tidy(() => update(xs, restore(xs, s), s, D));
      if (xs !== xT) xs.dispose();
      xs = next;
      const t = oneShot ? 0 : s - 1;
      if (keep.has(t)) trajectory.push({ t, xt: xs.clone() });
      onStep?.(done, total);
    }
    return { x0: xs === xT ? xT.clone() : xs, trajectory };
  };
}
