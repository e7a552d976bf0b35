import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../errors.js';
import { gaussianKernel1d } from '../util/gaussian-kernel.js';
import { checkImages, forChunks, toUnitRange } from './images.js';

/** SSIM constants of Wang et al. 2004 (and skimage): 11×11 Gaussian window σ 1.5, K1 0.01, K2 0.03, data range 1. */
export const SSIM_PARAMS = { radius: 5, sigma: 1.5, k1: 0.01, k2: 0.03, dataRange: 1 } as const;

/**
 * SSIM of each image of `x` against `y` ([−1, 1] NHWC, clipped and mapped to [0, 1]): the mean of
 * the SSIM map over 'valid' window positions and over channels. Follows skimage's
 * structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=1), whose border crop keeps exactly the valid windows. Filtering runs in float32.
 */
export function ssimPerImage(x: tf.Tensor4D, y: tf.Tensor4D): Float64Array {
  checkImages('ssim', x, y);
  const [batch, h, w, c] = x.shape;
  const { radius, sigma, k1, k2, dataRange } = SSIM_PARAMS;
  const win = 2 * radius + 1;
  if (h < win || w < win) throw errors.metricInput('ssim', `images of ${h}×${w} are smaller than its ${win}×${win} window`);
  const c1 = (k1 * dataRange) ** 2;
  const c2 = (k2 * dataRange) ** 2;
  const taps = Float32Array.from(gaussianKernel1d(radius, sigma));
  const out = new Float64Array(batch);
  const [oh, ow] = [h - 2 * radius, w - 2 * radius];
  forChunks(batch, (start, count) => {
    const map = tf.tidy(() => {
      const [a, b] = [x, y].map((t) => {
        const u = toUnitRange(tf.slice(t, [start, 0, 0, 0], [count, -1, -1, -1]));
        // Centre each image-channel: moments are shift-invariant, and it cuts float32 cancellation in E[x²] − μ².
        const m = tf.mean(u, [1, 2], true);
        return { centred: tf.sub(u, m), mean: m };
      });
      const maps = tf.concat([a.centred, b.centred, tf.square(a.centred), tf.square(b.centred), tf.mul(a.centred, b.centred)], 3);
      // Separable Gaussian window: an 11×1 then a 1×11 depthwise conv, 'valid' both ways.
      const k = 5 * c;
      const col = tf.tile(tf.tensor4d(taps, [win, 1, 1, 1]), [1, 1, k, 1]) as tf.Tensor4D;
      const row = tf.tile(tf.tensor4d(taps, [1, win, 1, 1]), [1, 1, k, 1]) as tf.Tensor4D;
      const f = tf.depthwiseConv2d(tf.depthwiseConv2d(maps as tf.Tensor4D, col, 1, 'valid'), row, 1, 'valid');
      const [mxc, myc, exx, eyy, exy] = tf.split(f, 5, 3);
      const [mx, my] = [tf.add(mxc, a.mean), tf.add(myc, b.mean)];
      const vx = tf.sub(exx, tf.square(mxc));
      const vy = tf.sub(eyy, tf.square(myc));
      const vxy = tf.sub(exy, tf.mul(mxc, myc));
      // SSIM = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)), Wang et al. 2004 eq. 13.
      const num = tf.mul(tf.add(tf.mul(2, tf.mul(mx, my)), c1), tf.add(tf.mul(2, vxy), c2));
      const den = tf.mul(tf.add(tf.add(tf.square(mx), tf.square(my)), c1), tf.add(tf.add(vx, vy), c2));
      return tf.div(num, den);
    });
    const s = map.dataSync();
    map.dispose();
    const per = oh * ow * c;
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (let k = i * per; k < (i + 1) * per; k++) sum += s[k];
      out[start + i] = sum / per;
    }
  });
  return out;
}

/** Mean SSIM over the batch (per-image SSIM averaged). */
export function ssim(x: tf.Tensor4D, y: tf.Tensor4D): number {
  const s = ssimPerImage(x, y);
  return s.reduce((acc, v) => acc + v, 0) / s.length;
}
