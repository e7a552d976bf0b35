import * as tf from '@tensorflow/tfjs-core';
import { degrade } from '../degradations/degrade.js';
import type { Degradation, Noise, ParamValues } from '../degradations/types.js';
import { errors } from '../errors.js';
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
export type Sampler = (restore: Restorer, problem: SamplingProblem, xT: tf.Tensor4D, options?: SamplerOptions) => Sampled;

/** One update x_s → x_{s−1}, given x̂0 = R(x_s, s) and D(·, t) = D(·, t; ε); called inside tf.tidy. */
type Update = (xs: tf.Tensor4D, x0Hat: tf.Tensor4D, s: number, D: (x: tf.Tensor4D, t: number) => tf.Tensor4D) => tf.Tensor4D;

/** The loop shared by the samplers: `update` applied for s = T..1 (or once, from T straight to 0, when `oneShot`). */
function iterate(update: Update, oneShot: boolean): Sampler {
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

/** One-shot restoration x̂0 = R(x_T, T), the "Direct" baseline of Bansal et al. 2022's tables. */
export const direct: Sampler = iterate((_xs, x0Hat) => x0Hat, true);

/** Algorithm 1 of Bansal et al. 2022 (naive): x̂0 = R(x_s, s); x_{s−1} = D(x̂0, s−1). */
export const alg1: Sampler = iterate((_xs, x0Hat, s, D) => D(x0Hat, s - 1), false);

/** Algorithm 2 of Bansal et al. 2022 (TACoS): x_{s−1} = x_s − D(x̂0, s) + D(x̂0, s−1). */
export const alg2: Sampler = iterate((xs, x0Hat, s, D) => tf.add(tf.sub(xs, D(x0Hat, s)), D(x0Hat, s - 1)), false);

/**
 * DDIM (Song et al. 2021 eq. 12), the sampler of the paper's hot Gaussian numbers
 * (denoising-diffusion-pytorch's `ddim` routine): for a mix D(x0, t; ε) = √ᾱ_t·x0 + √(1−ᾱ_t)·ε,
 * re-estimate ε̂ = (x_s − √ᾱ_s·x̂0)/√(1−ᾱ_s) at every step and set x_{s−1} = √ᾱ_{s−1}·x̂0 +
 * √(1−ᾱ_{s−1} − σ_s²)·ε̂ + σ_s·z, σ_s = η·√((1−ᾱ_{s−1})/(1−ᾱ_s))·√(1 − ᾱ_s/ᾱ_{s−1}), z fresh
 * N(0, I). η = 0 is deterministic; η = 1 is ancestral (DDPM) sampling. Algorithm 2 instead keeps
 * the start's ε, which telescopes to a weighted average of all x̂0 predictions. Only for
 * degradations that declare `alphaBar` (see `appliesTo`).
 */
function ddimWith(eta: number, name: string): Sampler {
  return (restore, problem, xT, options) => {
    const alphaBar = problem.degradation.alphaBar?.(problem.params);
    if (!alphaBar) throw errors.samplerNotApplicable(name, problem.degradation.name, 'it is not a mix √ᾱ·x0 + √(1−ᾱ)·ε');
    const rng = problem.rng;
    if (eta > 0 && !rng) throw new Error(`${name} needs problem.rng for its fresh noise`);
    return iterate((xs, x0Hat, s) => {
      const [now, next] = [alphaBar[s], alphaBar[s - 1]];
      const sigma = eta * Math.sqrt((1 - next) / (1 - now)) * Math.sqrt(1 - now / next);
      const eps = tf.div(tf.sub(xs, tf.mul(x0Hat, Math.sqrt(now))), Math.sqrt(1 - now));
      const mean = tf.add(tf.mul(x0Hat, Math.sqrt(next)), tf.mul(eps, Math.sqrt(Math.max(0, 1 - next - sigma ** 2))));
      return (sigma > 0 ? tf.add(mean, tf.mul(tf.tensor(rng!.normals(xs.size), xs.shape), sigma)) : mean) as tf.Tensor4D;
    }, false)(restore, problem, xT, options);
  };
}

/** DDIM with η = 0: the hot baseline. */
export const ddim: Sampler = ddimWith(0, 'ddim');
/** DDIM with η = 1, ancestral sampling with fresh noise each step (DDPM's sampler). */
export const ddpm: Sampler = ddimWith(1, 'ddpm');

/** Every sampler, by name, in the order reports show them. */
export const SAMPLERS = { direct, alg1, alg2, ddim, ddpm } as const satisfies Record<string, Sampler>;
export type SamplerName = keyof typeof SAMPLERS;

/** Whether sampler `name` applies to `degradation`: ddim and ddpm need a mix schedule; the others apply to all. */
export function appliesTo(name: string, degradation: Degradation): boolean {
  return (name !== 'ddim' && name !== 'ddpm') || degradation.alphaBar !== undefined;
}

/** The sampler called `name`; an unknown name fails with the closest known one. */
export function getSampler(name: string): Sampler {
  if (!Object.hasOwn(SAMPLERS, name)) throw errors.unknownName('sampler', name, Object.keys(SAMPLERS));
  return SAMPLERS[name as SamplerName];
}

/** x_T = D(x0, T; ε), the start of restoration from a real degraded image (owned by the caller). */
export function restorationStart(degradation: Degradation, params: ParamValues, x0: tf.Tensor4D, noise: Noise): tf.Tensor4D {
  return degrade(degradation, x0, params.steps as number, params, noise);
}

/** `count` steps from T down to 0, evenly spaced and distinct, for a trajectory grid's `record`. */
export function evenSteps(steps: number, count: number): number[] {
  if (count < 2) return [steps];
  return [...new Set(Array.from({ length: count }, (_, i) => Math.round(steps - (i * steps) / (count - 1))))];
}
