import * as tf from '@tensorflow/tfjs-core';
import { colourMatrix, desaturate, retainedColour } from '../../src/degradations/desaturate.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('desaturate', () => {
  it('builds K = f·I + (1 − f)/3·11ᵀ', () => {
    // Reference: f = 0.5 gives 0.5 + 0.5/3 = 2/3 on the diagonal and 0.5/3 = 1/6 off it.
    const k = Array.from(colourMatrix(0.5));
    [2 / 3, 1 / 6, 1 / 6, 1 / 6, 2 / 3, 1 / 6, 1 / 6, 1 / 6, 2 / 3].forEach((v, i) => expect(k[i]).toBeCloseTo(v, 6));
  });

  it('multiplies the retained fractions f_i = 1 − (i+1)/T', () => {
    // Reference: T = 4: f_0 = 0.75, f_1 = 0.5, f_3 = 0, so F_2 = 0.375 and F_4 = 0.
    expect(retainedColour(1, 4)).toBe(0.75);
    expect(retainedColour(2, 4)).toBe(0.375);
    expect(retainedColour(4, 4)).toBe(0);
  });

  it('maps a pixel as the product of the step matrices', () => {
    const x0 = tf.tensor4d([1, -1, 0.5], [1, 1, 1, 3]);
    const half = desaturate.apply(x0, 1, { steps: 2 }, {});
    // Reference: K(½)·(1, −1, ½) = (2/3 − 1/6 + 1/12, 1/6 − 2/3 + 1/12, 1/6 − 1/6 + 1/3) = (7/12, −5/12, 1/3).
    [7 / 12, -5 / 12, 1 / 3].forEach((v, i) => expect(half.dataSync()[i]).toBeCloseTo(v, 6));
    const grey = desaturate.apply(x0, 2, { steps: 2 }, {});
    // Reference: F_T = 0 leaves the grey (1 − 1 + 0.5)/3 = 1/6 in every channel.
    grey.dataSync().forEach((v) => expect(v).toBeCloseTo(1 / 6, 6));
    tf.dispose([x0, half, grey]);
  });
});
