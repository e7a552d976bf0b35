import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../../errors.js';
import { defineSampler, iterate, type SampleFn } from '../define.js';

/**
 * DDIM (Song et al. 2021 eq. 12), the sampler of the paper's hot Gaussian numbers
 * (denoising-diffusion-pytorch's `ddim` routine): for a mix D(x0, t; ε) = √ᾱ_t·x0 + √(1−ᾱ_t)·ε,
 * re-estimate ε̂ = (x_s − √ᾱ_s·x̂0)/√(1−ᾱ_s) at every step and set x_{s−1} = √ᾱ_{s−1}·x̂0 +
 * √(1−ᾱ_{s−1} − σ_s²)·ε̂ + σ_s·z, σ_s = η·√((1−ᾱ_{s−1})/(1−ᾱ_s))·√(1 − ᾱ_s/ᾱ_{s−1}), z fresh
 * N(0, I). η = 0 is deterministic; η = 1 is ancestral (DDPM) sampling. Algorithm 2 instead keeps
 * the start's ε, which telescopes to a weighted average of all x̂0 predictions. Only for
 * degradations that declare `alphaBar` (see `appliesTo`).
 */
export function ddimWith(eta: number, name: string): SampleFn {
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
export const ddim = defineSampler({
  name: 'ddim',
  requires: 'mix',
  stochastic: false,
  doc: "DDIM with η = 0 (Song et al. 2021 eq. 12): the sampler of the paper's hot Gaussian numbers.",
  sample: ddimWith(0, 'ddim'),
});
