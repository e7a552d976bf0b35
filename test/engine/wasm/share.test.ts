import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients (its node bundle carries them)
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../src/engine/wasm/index.js';

beforeAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('wasm Identity and Cast', () => {
  it('share data for Identity and same-type Cast instead of copying it', async () => {
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor([1, 2, 3]);
    const [y, z] = [tf.engine().runKernel(tf.Identity, { x }, {}) as tf.Tensor, tf.cast(x, 'float32')];
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    expect([...y.dataSync(), ...z.dataSync()]).toEqual([1, 2, 3, 1, 2, 3]);
    x.dispose();
    expect(await y.data()).toEqual(new Float32Array([1, 2, 3])); // the others still hold it
    tf.dispose([y, z]);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('still converts when Cast changes the type', () => {
    const x = tf.tensor([1.7, -2.2, 0, 3]);
    const i = tf.cast(x, 'int32');
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([1, -2, 0, 3]);
    tf.dispose([x, i]);
  });

  it('keeps gradients through a clone (Identity) right', () => {
    // d/dv Σ clone(v)·v = 2v
    const g = tf.tidy(() =>
      tf
        .grad((v: tf.Tensor) => tf.sum(tf.mul(tf.clone(v), v)))(tf.tensor([1, -3]))
        .arraySync(),
    );
    expect(g).toEqual([2, -6]);
  });
});
