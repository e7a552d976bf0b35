import * as tf from '@tensorflow/tfjs-core';
import { pixelate } from '../../src/degradations/pixelate.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('pixelate', () => {
  // A 4×4 image with values k/16, k = 0..15 in row-major order.
  const values = Array.from({ length: 16 }, (_, k) => k / 16);

  it('averages 2×2 blocks, then the whole 4×4', () => {
    const x0 = tf.tensor4d(values, [1, 4, 4, 1]);
    const xt = pixelate.apply(x0, 1, { steps: 2 }, {});
    const one = Array.from(xt.dataSync());
    xt.dispose();
    // Reference: block means (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, 10.5, 12.5, over 16.
    const block = [2.5, 4.5, 10.5, 12.5].map((v) => v / 16);
    const expected = [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3].map((b) => block[b]);
    one.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    const two = pixelate.apply(x0, 2, { steps: 2 }, {});
    two.dataSync().forEach((v) => expect(v).toBeCloseTo(7.5 / 16, 6)); // Reference: mean of 0..15 is 7.5
    tf.dispose([x0, two]);
  });

  it('encodes x_T as its coarsest grid', () => {
    if (pixelate.prior?.kind !== 'gmm') throw new Error('pixelate has a gmm prior');
    const x0 = tf.tensor4d(values, [1, 4, 4, 1]);
    const xT = pixelate.apply(x0, 1, { steps: 1 }, {});
    const features = pixelate.prior.encode(xT, { steps: 1 });
    expect(features.shape).toEqual([1, 4]);
    Array.from(features.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([2.5, 4.5, 10.5, 12.5][i] / 16, 6));
    tf.dispose([x0, xT, features]);
  });

  it('says when 2^steps does not divide the image', () => {
    const x0 = tf.zeros([1, 12, 12, 1]) as tf.Tensor4D;
    expect(() => pixelate.apply(x0, 3, { steps: 3 }, {})).toThrow(
      "Bad parameter 'steps' for degradation 'pixelate': 2^3 = 8 must divide the image size 12×12.",
    );
    x0.dispose();
  });
});
