import type * as tf from '@tensorflow/tfjs-core';
import { degrade } from '../degradations/degrade.js';
import type { Degradation, Noise, ParamValues } from '../degradations/types.js';
import { errors } from '../errors.js';
import type { SamplerDef } from './define.js';
import { alg1 } from './plugins/alg1.js';
import { alg2 } from './plugins/alg2.js';
import { ddim } from './plugins/ddim.js';
import { ddpm } from './plugins/ddpm.js';
import { direct } from './plugins/direct.js';

export type { Frame, Restorer, Sampled, SampleFn, SamplerDef, SamplerOptions, SamplingProblem } from './define.js';

/** Every sampler, by name (one file each in plugins/), in the order a suite's default list and reports show them. */
export const SAMPLERS = { direct, alg1, alg2, ddim, ddpm } as const satisfies Record<string, SamplerDef>;
export type SamplerName = keyof typeof SAMPLERS;

/** Whether sampler `name` applies to `degradation`: one that requires a mix needs its `alphaBar`. */
export function appliesTo(name: string, degradation: Degradation): boolean {
  return getSampler(name).requires !== 'mix' || degradation.alphaBar !== undefined;
}

/** The sampler called `name` where it applies to `degradation`; else one line naming those that do. */
export function applicableSampler(name: string, degradation: Degradation): SamplerDef {
  const sampler = getSampler(name);
  if (appliesTo(name, degradation)) return sampler;
  const others = Object.keys(SAMPLERS).filter((other) => appliesTo(other, degradation));
  throw errors.samplerNotApplicable(
    name,
    degradation.name,
    `it needs a mix √ᾱ·x0 + √(1−ᾱ)·ε such as gaussian; pick one of ${others.join(', ')}`,
  );
}

/** The sampler called `name`; an unknown name fails with the closest known one. */
export function getSampler(name: string): SamplerDef {
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
