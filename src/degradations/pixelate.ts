import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../errors.js';
import { defineDegradation } from './types.js';

/** Block size 2^t after t steps; fails when it does not divide the image. */
function blockSize(t: number, h: number, w: number): number {
  const k = 2 ** t;
  if (h % k || w % k) throw errors.badParam("degradation 'pixelate'", 'steps', `2^${t} = ${k} must divide the image size ${h}×${w}`);
  return k;
}

/**
 * Cumulative pixelation: step i average-pools to N/2^(i+1) and nearest-upsamples back. Pooling
 * by 2 an image made of 2^i blocks averages 2^(i+1) blocks, so D(x0, t) = up(avgPool(x0, 2^t)).
 */
export const pixelate = defineDegradation({
  name: 'pixelate',
  family: 'pixelation',
  version: 1,
  stochastic: false,
  description: 'cumulative 2× average-pool + nearest upsample (super-resolution)',
  reference: 'Bansal et al. 2022, super-resolution (MNIST 32 px: T = 3); docs/reference.md §2 Pixelation',
  params: { steps: { default: 3, doc: 'number of halvings T (32 px → 4 px at 3)', min: 1, max: 10, integer: true } },
  testParams: { steps: 2 },
  range: [-1, 1],
  prior: {
    kind: 'gmm',
    doc: 'the coarsest grid avgPool(x_T, 2^T), flattened; decoded by nearest upsampling',
    encode: (xT, { steps }) =>
      tf.tidy(() => {
        const k = blockSize(steps as number, xT.shape[1], xT.shape[2]);
        return tf.reshape(tf.avgPool(xT, k, k, 'valid'), [xT.shape[0], -1]) as tf.Tensor2D;
      }),
    decode: (features, [b, h, w, c], { steps }) =>
      tf.tidy(() => {
        const k = blockSize(steps as number, h, w);
        return tf.image.resizeNearestNeighbor(tf.reshape(features, [b, h / k, w / k, c]) as tf.Tensor4D, [h, w]);
      }),
  },
  checkSize: ({ steps }, size) => void blockSize(steps, size, size),
  apply(x0, t) {
    if (t === 0) return x0.clone();
    const [, h, w] = x0.shape;
    const k = blockSize(t, h, w);
    return tf.tidy(() => tf.image.resizeNearestNeighbor(tf.avgPool(x0, k, k, 'valid'), [h, w]));
  },
});
