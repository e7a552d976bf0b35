import * as tf from '@tensorflow/tfjs-core';
import { degrade, drawNoise } from '../degradations/degrade.js';
import { DEGRADATIONS } from '../degradations/index.js';
import type { Assets, Degradation, Noise, ParamValues, Prior } from '../degradations/types.js';
import { errors } from '../errors.js';
import type { Rng } from '../util/rng.js';
import { fitGmm, type GmmFit, type GmmOptions } from './gmm.js';

/** A starting point for generation: x_T and the ε that sampling holds fixed. Both owned by the caller. */
export interface PriorDraw {
  readonly xT: tf.Tensor4D;
  readonly noise: Noise;
}

export interface DrawOptions {
  /** Std δ of the N(0, δ²) added once to x_T: 0 is "cold" (perfect symmetry), > 0 "hot" (broken symmetry). Default 0. */
  readonly delta?: number;
}

/** Draws x_T without data for one degradation and its params. */
export interface PriorSampler {
  readonly kind: Prior['kind'];
  /** [H, W, C] of the images it draws (those of the training images). */
  readonly imageShape: readonly [number, number, number];
  /** The mixture fitted to encode(D(x0, T)), for kind 'gmm'. */
  readonly gmm?: GmmFit;
  /** `n` starting points; the draws advance `rng`, and δ's noise is drawn last. */
  draw(n: number, rng: Rng, options?: DrawOptions): PriorDraw;
}

export interface PriorOptions extends GmmOptions {
  /** Assets the degradation requires (animorph's animal faces); kept by reference for `draw`. */
  readonly assets?: Assets;
}

/** Training images as one tensor or as batches; fitPrior disposes none of them. */
export type TrainImages = tf.Tensor4D | Iterable<tf.Tensor4D>;

/** Whether `deg` has a prior to generate from (restoration-only degradations have none). */
export function canGenerate(deg: Degradation): boolean {
  return deg.prior !== undefined;
}

/**
 * The generation prior of `deg` (docs/reference.md §3): kinds 'noise' and 'asset' draw ε and start at
 * x_T = D(0, T; ε), what is left of ε with nothing of x0 (√(1−ᾱ_T)·ε, ᾱ_T ≈ 6e-8 at T = 200);
 * kind 'gmm' fits a Gaussian mixture to encode(D(x0, T)) over `train` and decodes its samples.
 * Only 'gmm' reads every training batch; the others read the first one for the image shape.
 */
export function fitPrior(deg: Degradation, params: ParamValues, train: TrainImages, rng: Rng, options: PriorOptions = {}): PriorSampler {
  const { prior } = deg;
  if (!prior) {
    throw errors.restorationOnly(
      deg.name,
      Object.values(DEGRADATIONS as Record<string, Degradation>)
        .filter((d) => d.prior)
        .map((d) => d.name),
    );
  }
  const { assets = {}, ...gmmOptions } = options;
  const steps = params.steps as number;
  const batches = train instanceof tf.Tensor ? [train] : train;
  let imageShape: [number, number, number] | undefined;
  let gmm: GmmFit | undefined;

  if (prior.kind === 'gmm') {
    const parts: Float32Array[] = [];
    const encodeRng = rng.fork('encode');
    let dim = 0;
    for (const batch of batches) {
      imageShape ??= [batch.shape[1], batch.shape[2], batch.shape[3]];
      const features = tf.tidy(() =>
        prior.encode(degrade(deg, batch, steps, params, drawNoise(deg, batch.shape, params, encodeRng, assets)), params),
      );
      dim = features.shape[1];
      parts.push(features.dataSync() as Float32Array);
      features.dispose();
    }
    const all = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    gmm = fitGmm(all, dim, rng.fork('gmm'), gmmOptions);
  } else {
    for (const batch of batches) {
      imageShape = [batch.shape[1], batch.shape[2], batch.shape[3]];
      break;
    }
  }
  if (!imageShape) throw new RangeError('fitPrior: no training images');
  const [h, w, c] = imageShape;

  return {
    kind: prior.kind,
    imageShape,
    gmm,
    draw(n, drawRng, { delta = 0 } = {}) {
      if (!(delta >= 0 && Number.isFinite(delta))) throw new RangeError(`draw: delta must be a finite number ≥ 0, got ${delta}`);
      const shape = [n, h, w, c] as const;
      const noise = drawNoise(deg, shape, params, drawRng, assets);
      const start = tf.tidy(() => {
        if (prior.kind !== 'gmm') return degrade(deg, tf.zeros([...shape]), steps, params, noise);
        const model = gmm!.model;
        return prior.decode(tf.tensor2d(Float32Array.from(model.sample(n, drawRng)), [n, model.dim]), shape, params);
      });
      if (delta === 0) return { xT: start, noise };
      const xT = tf.tidy(() => tf.add(start, tf.tensor4d(drawRng.normals(n * h * w * c, 0, delta), [...shape])) as tf.Tensor4D);
      start.dispose();
      return { xT, noise };
    },
  };
}
