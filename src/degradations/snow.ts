import * as tf from '@tensorflow/tfjs-core';
import { gaussianKernel1d } from '../util/gaussian-kernel.js';
import { alongHeight, alongWidth, filterMatrix } from './filters.js';
import { defineDegradation, type Params } from './types.js';

const params = {
  steps: { default: 200, doc: 'number of snow levels T', min: 1, max: 10000, integer: true },
  mean: { default: 0.55, doc: 'mean of the Gaussian snow layer, in [0, 1] intensity', min: -10, max: 10 },
  std: { default: 0.3, doc: 'standard deviation of the snow layer', min: 0, max: 10 },
  zoom: { default: 2.5, doc: 'zoom of the snow layer (flake size in pixels)', min: 1, max: 64 },
  thresholdStart: { default: 1.15, doc: 'layer values below this become 0 at step 1', min: -10, max: 10 },
  thresholdEnd: { default: 0.7, doc: 'threshold at step T (linear in between)', min: -10, max: 10 },
  motionStart: { default: 0.05, doc: 'motion-blur σ at step 1, in pixels', min: 0.01, max: 1000 },
  motionEnd: { default: 16, doc: 'motion-blur σ at step T (linear in between)', min: 0.01, max: 1000 },
  motionRadius: {
    default: 5,
    doc: 'motion-blur half-length: 2·motionRadius + 1 taps (ImageNet-C c[4] = 11)',
    min: 1,
    max: 64,
    integer: true,
  },
} as const;

const cache = new Map<string, Float32Array>();

/**
 * The n×n operator of the official motion blur: a normalised Gaussian of σ over a fixed number of
 * taps (torchgeometry's get_gaussian_kernel(11, σ) in one row of an 11×11 kernel), applied by
 * F.conv2d with padding='same', i.e. zeros past the edge.
 */
function motionOperator(n: number, radius: number, sigma: number): Float32Array {
  const key = `${n}|${radius}|${sigma}`;
  let op = cache.get(key);
  if (!op) cache.set(key, (op = Float32Array.from(filterMatrix(gaussianKernel1d(radius, sigma), n, 'zero'))));
  return op;
}

/** Threshold and motion σ of step t (1..T), linear from the start values to the end values. */
export function snowLevel(t: number, p: Params<typeof params>): { threshold: number; sigma: number } {
  const f = p.steps === 1 ? 1 : (t - 1) / (p.steps - 1);
  return {
    threshold: p.thresholdStart + f * (p.thresholdEnd - p.thresholdStart),
    sigma: p.motionStart + f * (p.motionEnd - p.motionStart),
  };
}

/**
 * ImageNet-C snow, computed from x0 at each level (not cumulative): the layer of ε thresholded,
 * motion-blurred along its image's direction, added with its 180° rotation, clipped to [0, 1].
 */
export const snow = defineDegradation({
  name: 'snow',
  family: 'snow',
  version: 2,
  stochastic: true,
  description: 'ImageNet-C snow whose flakes grow denser and longer with t (CIFAR-10 levels)',
  reference:
    'Bansal et al. 2022, snowification; official snowification/diffusion/forward_process_impl.py Snow (snow_level 3, fix_brightness); ImageNet-C snow',
  params,
  testParams: { steps: 4 },
  range: [-1, 1],
  // ε = { layer: zoomed N(mean, std) field [B, H, W, 1], vertical: 1 where the flakes fall down [B] }.
  sampleNoise({ shape: [b, h, w], params: p, rng }) {
    const [gh, gw] = [Math.ceil(h / p.zoom), Math.ceil(w / p.zoom)];
    const [zh, zw] = [Math.max(h, Math.round(gh * p.zoom)), Math.max(w, Math.round(gw * p.zoom))];
    const field = rng.fork('layer').normals(b * gh * gw, p.mean, p.std);
    const vertical = Float32Array.from(rng.fork('direction').uniforms(b), (u) => (u < 0.5 ? 1 : 0));
    const layer = tf.tidy(() => {
      const zoomed = tf.image.resizeBilinear(tf.tensor4d(field, [b, gh, gw, 1]), [zh, zw], true);
      return tf.slice(zoomed, [0, (zh - h) >> 1, (zw - w) >> 1, 0], [b, h, w, 1]); // clipped_zoom's centre crop
    });
    return { layer, vertical: tf.tensor1d(vertical) };
  },
  apply(x0, t, p, { layer, vertical }) {
    if (t === 0) return x0.clone();
    const [b, h, w] = x0.shape;
    const { threshold, sigma } = snowLevel(t, p);
    return tf.tidy(() => {
      const flakes = tf.clipByValue(tf.mul(layer, tf.cast(tf.greaterEqual(layer, threshold), 'float32')), 0, 1) as tf.Tensor4D;
      const down = tf.reshape(vertical, [b, 1, 1, 1]);
      const streaks = tf.add(
        tf.mul(alongHeight(flakes, motionOperator(h, p.motionRadius, sigma)), down),
        tf.mul(alongWidth(flakes, motionOperator(w, p.motionRadius, sigma)), tf.sub(1, down)),
      );
      const snowed = tf.add(tf.add(tf.div(tf.add(x0, 1), 2), streaks), tf.reverse(streaks, [1, 2]));
      return tf.sub(tf.mul(tf.clipByValue(snowed, 0, 1), 2), 1) as tf.Tensor4D;
    });
  },
});
