import * as tf from '@tensorflow/tfjs-core';
import { gaussian } from '../../src/degradations/gaussian.js';
import { cosineAlphaBar } from '../../src/degradations/schedules.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('gaussian', () => {
  it('follows the cosine schedule', () => {
    const alphaBar = cosineAlphaBar(200, 0.008);
    // Reference: ᾱ_t = f(t)/f(0), f(t) = cos²(((t/T + s)/(1 + s))·π/2), T = 200, s = 0.008
    // (Nichol & Dhariwal 2021 eq. 17): f(0) = cos²(0.0124666) = 0.99984459.
    expect(alphaBar[0]).toBe(1);
    // f(50) = cos²((0.258/1.008)·π/2) = cos²(0.402050) = 0.8468805 → 0.8470122.
    expect(alphaBar[50]).toBeCloseTo(0.8470122, 6);
    // f(100) = cos²((0.508/1.008)·π/2) = cos²(0.791637) = 0.4937668 → 0.4938436.
    expect(alphaBar[100]).toBeCloseTo(0.4938436, 6);
    // f(199) = 6.070856e-5 → 6.071799e-5; β_200 = 1 − f(200)/f(199) = 1 is clipped to 0.999.
    expect(alphaBar[199]).toBeCloseTo(6.071799e-5, 9);
    expect(alphaBar[200] / alphaBar[199]).toBeCloseTo(0.001, 9);
  });

  it('mixes x0 and z with √ᾱ and √(1 − ᾱ)', () => {
    const params = { steps: 200, offset: 0.008 };
    const [x0, z] = [tf.ones([1, 2, 2, 1]) as tf.Tensor4D, tf.fill([1, 2, 2, 1], 2) as tf.Tensor4D];
    const xt = gaussian.apply(x0, 100, params, { z });
    // Reference: √0.4938436 + 2·√0.5061564 = 0.7027401 + 1.4228895.
    expect(xt.dataSync()[0]).toBeCloseTo(0.7027401 + 2 * Math.sqrt(1 - 0.4938436), 5);
    tf.dispose([x0, z, xt]);
  });
});
