import * as tf from '@tensorflow/tfjs-core';
import { JS_RELU_GRAD, RELU_GRAD } from '../../src/engine/conv-relu.js';
import { useWasmEngine } from '../helpers/engine.js';
import { EDGE_DY, EDGE_Y } from '../helpers/forward.js';

beforeAll(() => useWasmEngine());

describe('ReLU gradient from the output (RELU_GRAD)', () => {
  it("has the bits of TF.js's dy · step(y), signed zeros and NaN included", () => {
    const dy = tf.tensor1d(EDGE_DY),
      y = tf.tensor1d(EDGE_Y);
    const stock = tf.mul(dy, tf.step(y)).dataSync();
    const fused = (tf.engine().runKernel(RELU_GRAD, { dy, y }) as tf.Tensor).dataSync();
    expect(Array.from(fused)).toEqual(Array.from(stock));
    // Worked by hand from Step's definition (1 above 0, NaN for NaN, else 0): −3·1, −3·0 = −0, 2·0, …
    expect(Array.from(fused).slice(0, 5)).toEqual([-3, -0, 0, -0, NaN]);
  });

  it('the JS loop writes every element of a long vector', () => {
    const n = 70_000;
    const dy = Float32Array.from({ length: n }, (_, i) => i - n / 2);
    const y = Float32Array.from({ length: n }, (_, i) => (i % 3) - 1);
    const out = new Float32Array(n).fill(NaN);
    expect(JS_RELU_GRAD.reluGrad(dy, y, out, n)).toBe(true);
    expect(out[2]).toBe(2 - n / 2); // y = 1
    expect(out[0]).toBe(-0); // y = −1, dy < 0
    expect(out.filter((v) => Number.isNaN(v))).toHaveLength(0);
  });
});
