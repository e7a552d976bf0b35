import * as tf from '@tensorflow/tfjs-core';
import { toEightBit } from '../../src/metrics/images.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('toEightBit', () => {
  it('clamps and rounds as a saved 8-bit image does', () => {
    // Reference: torchvision.utils.save_image stores ⌊255·v + ½⌋ of v = (x + 1)/2 clamped to
    // [0, 1]: −1.5 → 0, 0 → ⌊128.0⌋ = 128, 0.001 → ⌊128.1275⌋ = 128, 0.0078 → ⌊128.9945⌋ = 128,
    // 0.0079 → ⌊129.0073⌋ = 129, 2 → 255; back in [−1, 1] as 2·k/255 − 1.
    const x = tf.tensor4d([-1.5, -1, 0, 0.001, 0.0078, 0.0079, 1, 2], [1, 1, 8, 1]);
    const q = toEightBit(x);
    const expected = [0, 0, 128, 128, 128, 129, 255, 255].map((k) => (2 * k) / 255 - 1);
    Array.from(q.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tf.dispose([x, q]);
  });
});
