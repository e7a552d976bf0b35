import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { withWasmKernels, type WasmKernels } from '../../../src/engine/wasm/wasm-call.js';

beforeAll(() => tf.setBackend('wasm'));

/** Runs `body` on an iota tensor of `shape` and returns the values and shape it produces. */
function on(shape: number[], body: (k: WasmKernels, x: tf.TensorInfo) => tf.TensorInfo) {
  return tf.tidy(() => {
    const x = tf.reshape(
      tf.range(
        0,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    );
    const y = tf.engine().makeTensorFromTensorInfo(withWasmKernels(tf.backend(), (k) => body(k, x)));
    return { shape: y.shape, values: Array.from(y.dataSync()) };
  });
}

/** The values and shape tfjs-core's own op gives. */
function expected(shape: number[], op: (x: tf.Tensor) => tf.Tensor) {
  return tf.tidy(() => {
    const y = op(
      tf.reshape(
        tf.range(
          0,
          shape.reduce((a, b) => a * b, 1),
        ),
        shape,
      ),
    );
    return { shape: y.shape, values: Array.from(y.dataSync()) };
  });
}

describe('WasmKernels', () => {
  it.each([
    [
      [2, 3, 4, 5],
      [3, 1, 2, 0],
    ],
    [
      [5, 2, 3, 7],
      [3, 1, 2, 0],
    ],
    [
      [3, 4, 5],
      [2, 1, 0],
    ],
    [
      [2, 3, 4, 5],
      [1, 2, 0, 3],
    ],
    [
      [1, 3, 1, 5],
      [1, 3, 0, 2],
    ],
    [
      [2, 1, 3, 2, 4, 3],
      [0, 2, 1, 3, 4, 5],
    ],
    [
      [2, 2, 3, 2, 3, 4],
      [0, 2, 5, 1, 3, 4],
    ],
    [
      [4, 3],
      [0, 1],
    ],
  ])('transposes %j by %j like tf.transpose', (shape, perm) => {
    expect(on(shape, (k, x) => k.transpose(x, perm))).toEqual(expected(shape, (x) => tf.transpose(x, perm)));
  });

  it.each([
    [
      [3, 5, 6, 2],
      [0, 1, 2, 0],
      [3, 4, 3, 2],
    ],
    [
      [3, 5, 6, 2],
      [1, 0, 0, 0],
      [2, 5, 6, 2],
    ],
    [
      [2, 5, 6, 2],
      [0, 0, 0, 0],
      [2, 5, 6, 2],
    ],
  ])('slices %j from %j by %j like tf.slice', (shape, begin, size) => {
    expect(on(shape, (k, x) => k.slice(x, begin, size))).toEqual(expected(shape, (x) => tf.slice(x, begin, size)));
  });

  it('flips the leading axis like tf.reverse', () => {
    expect(on([6, 2, 3], (k, x) => k.flipLeading(x))).toEqual(expected([6, 2, 3], (x) => tf.reverse(x, 0)));
  });

  it('multiplies windows of one buffer like tf.matMul of its slices, releasing the windows only', () => {
    // x is iota [24]; a = x[5 .. 11) as [1, 2, 3], b = x[12 .. 24) as [1, 3, 4].
    const ids = tf.backend().numDataIds();
    const ours = on([24], (k, x) => k.matMul(k.window(x, 5, [1, 2, 3]), k.window(x, 12, [1, 3, 4])));
    const reference = expected([24], (x) =>
      tf.matMul(tf.reshape(tf.slice(x, 5, 6), [1, 2, 3]), tf.reshape(tf.slice(x, 12, 12), [1, 3, 4])),
    );
    expect(ours).toEqual(reference);
    expect(tf.backend().numDataIds()).toBe(ids);
  });

  it('makes zero buffers', () => {
    expect(on([2], (k) => k.zeros([2, 3]))).toEqual({ shape: [2, 3], values: [0, 0, 0, 0, 0, 0] });
  });

  it('frees every intermediate and keeps only the result', () => {
    const ids = tf.backend().numDataIds();
    on([3, 4, 5], (k, x) =>
      k.flipLeading(
        k.transpose(
          k.pad(x, [
            [1, 0],
            [0, 2],
            [0, 0],
          ]),
          [2, 0, 1],
        ),
      ),
    );
    expect(tf.backend().numDataIds()).toBe(ids);
  });
});
