import { jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients (its node bundle carries them)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../src/engine/wasm/index.js';
import { JS_LAYOUT_OPS } from '../../../src/engine/wasm/layout.js';
import { Rng } from '../../../src/util/rng.js';
import { expectClose, nearestUpsample } from '../../helpers/conv-cases.js';

beforeAll(() => registerWasmTrainingKernels());
afterEach(() => jest.restoreAllMocks());

/** f and the gradients of Σ sin(f) on `backend`, from the same random inputs. */
async function outputsOn(backend: string, f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][], seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const rng = new Rng(seed);
  return tf.tidy(() => {
    const inputs = shapes.map((s) => tf.tensor(rng.normals(tf.util.sizeFromShape(s)), s));
    return [f(...inputs), ...tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.sin(f(...xs))))(inputs)].map((t) => t.dataSync() as Float32Array);
  });
}

describe('wasm layout kernels in JS', () => {
  // cpu's nearest-resize gradient is wrong for batch > 1 (docs/reference.md §6): batch 1 here, batch 3 below.
  it.each([
    [
      'concat on channels',
      (x: tf.Tensor, y: tf.Tensor) => tf.concat([x, y], 3),
      [
        [2, 5, 6, 7],
        [2, 5, 6, 3],
      ],
      'concat',
    ],
    [
      'concat on rows',
      (x: tf.Tensor, y: tf.Tensor) => tf.concat([x, y], 1),
      [
        [2, 5, 6, 7],
        [2, 3, 6, 7],
      ],
      'concat',
    ],
    ['split on channels', (x: tf.Tensor) => tf.concat(tf.split(x, [4, 1, 2], 3).reverse(), 3), [[2, 5, 6, 7]], 'split'],
    ['2×2 average pooling', (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), [[2, 6, 8, 3]], 'avgPoolBackward'],
    [
      '3×3 overlapping average pooling',
      (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 3, [1, 2], 'valid'),
      [[2, 7, 9, 3]],
      'avgPoolBackward',
    ],
    [
      'nearest upsample 2×',
      (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [10, 12]),
      [[1, 5, 6, 3]],
      'resizeNearestBackward',
    ],
    [
      'nearest upsample 3× by 2×',
      (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [15, 12]),
      [[1, 5, 6, 3]],
      'resizeNearestBackward',
    ],
  ] as const)('%s and its gradient match cpu', async (_, f, shapes, op) => {
    const reference = await outputsOn(
      'cpu',
      f,
      shapes.map((s) => [...s]),
      7,
    );
    const spy = jest.spyOn(JS_LAYOUT_OPS, op);
    const ours = await outputsOn(
      'wasm',
      f,
      shapes.map((s) => [...s]),
      7,
    );
    expect(spy).toHaveBeenCalled();
    ours.forEach((v, i) => expectClose(v, reference[i]));
  });

  it('leaves padded average pooling to the stock kernel, as cpu computes it', async () => {
    const f = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same');
    const reference = await outputsOn('cpu', f, [[2, 7, 7, 3]], 8);
    const spy = jest.spyOn(JS_LAYOUT_OPS, 'avgPoolBackward');
    const ours = await outputsOn('wasm', f, [[2, 7, 7, 3]], 8);
    expect(spy).toHaveReturnedWith(false);
    ours.forEach((v, i) => expectClose(v, reference[i]));
  });

  it.each([
    ['all leading axes', [0, 1, 2], false],
    ['leading axes, kept', [0, 1], true],
    ['every axis', [0, 1, 2, 3], false],
    ['trailing axes (stock kernel)', [2, 3], false],
  ] as const)('sums over %s like cpu', async (_, axes, keepDims) => {
    const f = (x: tf.Tensor) => tf.sum(x, [...axes], keepDims);
    const reference = await outputsOn('cpu', f, [[3, 5, 6, 7]], 9);
    const ours = await outputsOn('wasm', f, [[3, 5, 6, 7]], 9);
    ours.forEach((v, i) => expectClose(v, reference[i]));
  });

  it('computes the nearest-upsampling gradient exactly for batch > 1', async () => {
    await tf.setBackend('wasm');
    const { dx, dxExpected } = nearestUpsample();
    expectClose(dx, dxExpected);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await tf.setBackend('wasm');
    const before = [tf.memory().numTensors, tf.engine().backend.numDataIds()];
    tf.tidy(() => {
      const x = tf.ones([2, 4, 4, 6]);
      tf.grads((a: tf.Tensor) =>
        tf.sum(tf.concat(tf.split(tf.image.resizeNearestNeighbor(tf.avgPool(a as tf.Tensor4D, 2, 2, 'valid'), [4, 4]), [2, 4], 3), 3)),
      )([x]);
      tf.sum(x, [0, 1, 2]);
    });
    expect([tf.memory().numTensors, tf.engine().backend.numDataIds()]).toEqual(before);
  });
});
