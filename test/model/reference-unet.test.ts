import * as tf from '@tensorflow/tfjs-core';
import { buildReferenceUNet } from '../../src/model/reference-unet.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('reference U-Net', () => {
  it('has exactly the parameter count of scripts/torch_unet.py', () => {
    // Reference: torch_unet.py docstring, "Defaults S=32, C=1, base=32, B=32 -> 471,265 parameters".
    const model = buildReferenceUNet();
    expect(model.countParams()).toBe(471_265);
    model.dispose();
  });

  it('maps [B, S, S, C+1] to [B, S, S, C] for colour images', () => {
    // Reference: 3 image channels change only enc1's first conv (9·4·32+32) and out (32·3+3):
    // 471,265 − (9·2·32+32) − 33 + (9·4·32+32) + 99 = 471,907.
    const model = buildReferenceUNet({ channels: 3 });
    expect(model.countParams()).toBe(471_907);
    const y = model.predict(tf.zeros([2, 32, 32, 4])) as tf.Tensor;
    expect(y.shape).toEqual([2, 32, 32, 3]);
    tf.dispose([y]);
    model.dispose();
  });
});
