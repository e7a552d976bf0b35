import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADAM } from '../../src/engine/fused-adam.js';
import { adamBothWays } from '../helpers/adam.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('Adam on the wasm engine', () => {
  it('runs the fused kernel and gives the bits of the op-by-op update', () => {
    expect(tf.getKernel(FUSED_ADAM, 'wasm')).toBeDefined();
    const { fused, reference } = adamBothWays();
    fused.forEach((w, i) => expect(w).toEqual(reference[i]));
    // It trained: the weights moved.
    expect(fused[1].some((x, i) => x !== adamBothWays(0).fused[1][i])).toBe(true);
  });
});
