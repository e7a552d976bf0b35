import type * as tf from '@tensorflow/tfjs-core';
import type { ParamSpec, ParamValues } from '../util/params.js';
import type { Rng } from '../util/rng.js';

export type { ParamSpec, ParamValues } from '../util/params.js';

/** Every degradation has `steps`, its number of steps T. */
export type ParamSpecs = { readonly steps: ParamSpec } & Readonly<Record<string, ParamSpec>>;

/** Resolved parameter values, typed from the specs. */
export type Params<P extends ParamSpecs> = {
  -readonly [K in keyof P]: P[K]['default'] extends boolean ? boolean : number;
};

export type { Family } from '../results/types.js';
import type { Family } from '../results/types.js';

/** Data a degradation needs besides the images, loaded at the images' size and channels. */
export type AssetName = 'animal-faces';
export type Assets = Partial<Record<AssetName, tf.Tensor4D>>;

/**
 * The random part ε of D(x0, t; ε), drawn once per image and then held fixed, so that a sampler
 * can re-degrade with the same noise (the same animal, the same snow layer). Every tensor has the
 * batch as its first axis, so that a batch can be split by t (`degrade`) and its ε with it.
 */
export type Noise = tf.NamedTensorMap;

export interface NoiseContext<V> {
  /** Shape of the image batch, [B, H, W, C]. */
  readonly shape: readonly [number, number, number, number];
  readonly params: V;
  readonly rng: Rng;
  readonly assets: Assets;
}

/**
 * How to draw x_T without data, for generation from scratch:
 * - `noise`: x_T is the noise itself (a fresh ε with nothing of x0 left);
 * - `asset`: x_T is a random image of an asset set (animorphosis starts from an animal);
 * - `gmm`: fit a Gaussian mixture to `encode(D(x0, T))` over the training set, sample features,
 *   and `decode` them into an image (blur: channel means; pixelation: the coarsest grid).
 */
export type Prior =
  | { readonly kind: 'noise'; readonly doc: string }
  | { readonly kind: 'asset'; readonly asset: AssetName; readonly doc: string }
  | {
      readonly kind: 'gmm';
      readonly doc: string;
      /** Low-dimensional features of x_T = D(x0, T), [B, d], for the degradation's params. */
      encode(xT: tf.Tensor4D, params: ParamValues): tf.Tensor2D;
      /** Images [B, H, W, C] from features [B, d]. */
      decode(features: tf.Tensor2D, shape: readonly [number, number, number, number], params: ParamValues): tf.Tensor4D;
    };

export interface DegradationDef<P extends ParamSpecs> {
  /** Registry key, lower-case with dashes. */
  readonly name: string;
  readonly family: Family;
  /** Bumped whenever the operator's output changes, so cached results are not reused. */
  readonly version: number;
  /** Whether D depends on random noise ε (then `sampleNoise` is required). */
  readonly stochastic: boolean;
  /** One line for listings. */
  readonly description: string;
  /** Where the operator comes from (paper, official code), for the listing and README. */
  readonly reference: string;
  readonly params: P;
  /** Cheap parameters for the contract tests. */
  readonly testParams: Partial<Params<P>>;
  /** Bounds every output stays in, or null when unbounded (Gaussian noise). */
  readonly range: readonly [number, number] | null;
  /** Channel counts it applies to (desaturation needs colour). Default: any. */
  readonly channels?: readonly (1 | 3)[];
  /** Assets `sampleNoise` reads. */
  readonly requires?: readonly AssetName[];
  /** Generation prior; absent means restoration-only. */
  readonly prior?: Prior;
  /**
   * For mix degradations, D(x0, t; ε) = √ᾱ_t·x0 + √(1−ᾱ_t)·ε: ᾱ_t for t = 0..T. The DDIM sampler
   * needs it to re-estimate ε each step; other samplers ignore it.
   */
  alphaBar?(params: Params<P>): Float64Array;
  /** Throws a UserError when these parameters cannot apply to square images of this size (suites check before running). */
  checkSize?(params: Params<P>, size: number): void;
  /** Draws ε for a batch; only for stochastic degradations. Tensors are owned by the caller. */
  sampleNoise?(ctx: NoiseContext<Params<P>>): Noise;
  /**
   * D(x0, t; ε) for one step t in 0..T applied to the whole batch. Pure: same inputs, same
   * output; D(x0, 0) = x0. Returns a new tensor owned by the caller and leaks nothing.
   */
  apply(x0: tf.Tensor4D, t: number, params: Params<P>, noise: Noise): tf.Tensor4D;
}

/** A degradation with its parameter types erased, as the registry holds it. */
export type Degradation = Omit<DegradationDef<ParamSpecs>, 'testParams' | 'sampleNoise' | 'apply' | 'checkSize' | 'alphaBar'> & {
  readonly testParams: Partial<ParamValues>;
  alphaBar?(params: ParamValues): Float64Array;
  checkSize?(params: ParamValues, size: number): void;
  sampleNoise?(ctx: NoiseContext<ParamValues>): Noise;
  apply(x0: tf.Tensor4D, t: number, params: ParamValues, noise: Noise): tf.Tensor4D;
};

/** Identity at the type level; keeps each plugin's parameter types checked. */
export function defineDegradation<P extends ParamSpecs>(def: DegradationDef<P>): DegradationDef<P> {
  return def;
}
