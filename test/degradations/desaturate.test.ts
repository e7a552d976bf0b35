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

  it("keeps the colour fraction of the official 'Linear' routine, 1 − t/T", () => {
    // Reference: official DeColorization.get_kernels, 'Linear': diff = 1/T, start = 1; per step
    // ema = 1 − diff/start, start *= ema. The colour kept after t steps is the product of the emas
    // (K_a·K_b = K_ab); replayed here step by step: T = 20 keeps 0.75, 0.5, 0.25 at t = 5, 10, 15.
    const T = 20;
    let start = 1,
      kept = 1;
    for (let t = 1; t <= T; t++) {
      const ema = 1 - 1 / T / start;
      start *= ema;
      kept *= ema;
      expect(retainedColour(t, T)).toBeCloseTo(kept, 12);
    }
    expect([5, 10, 15, 20].map((t) => retainedColour(t, T))).toEqual([0.75, 0.5, 0.25, 0]);
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
