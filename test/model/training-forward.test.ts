import * as tf from '@tensorflow/tfjs-core';
import { buildFeatureNet } from '../../src/model/feature-net.js';
import { Rng } from '../../src/util/rng.js';
import { initWeights } from '../../src/model/init.js';
import { forwardBothWays, kernelCalls, unetCase, type Case } from '../helpers/forward.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('trainingForward on the wasm engine', () => {
  it.each(['tiny', 'small', 'reference'] as const)('gives the loss and gradients of model.apply bit for bit: %s U-Net', (preset) => {
    const { layers, functional } = forwardBothWays(unetCase(preset));
    expect(functional).toHaveLength(layers.length);
    // Bitwise, signed zeros included: toEqual compares elements with Object.is.
    functional.forEach((g, i) => expect(g).toEqual(layers[i]));
    // No tensor is left behind by a second step.
    const c = unetCase(preset);
    forwardBothWays(c);
    const before = tf.memory().numTensors;
    forwardBothWays(c);
    expect(tf.memory().numTensors).toBe(before);
    // It is a real gradient: most entries of the first conv's kernel gradient are non-zero.
    expect(layers[1].filter((v) => v !== 0).length).toBeGreaterThan(layers[1].length / 2);
  });

  it('serves layers it does not fuse with their own call: the feature network (dense, pooling, flatten)', () => {
    const rng = new Rng(9);
    const model = buildFeatureNet({ size: 32, channels: 1, classes: 10, dim: 16 });
    initWeights(model, rng.fork('init'));
    const c: Case = {
      model,
      inputs: [tf.tensor4d(rng.normals(4 * 32 * 32), [4, 32, 32, 1])],
      target: tf.tensor2d(rng.normals(4 * 10), [4, 10]),
    };
    const { layers, functional } = forwardBothWays(c);
    functional.forEach((g, i) => expect(g).toEqual(layers[i]));
  });

  it("replaces each Conv2D + ReLU layer's Cast, Step and Multiply in the backward pass with one ReLU-gradient kernel", async () => {
    // The reference U-Net has 10 3×3 convolutions with ReLU (two per block, five blocks) and a linear 1×1 output.
    const c = unetCase('reference');
    const layers = await kernelCalls(c, false);
    const functional = await kernelCalls(c, true);
    expect(layers.get('Relu')).toBe(10);
    expect(functional.get('ColdbenchReluGrad')).toBe(10);
    for (const name of ['Cast', 'Step', 'Multiply']) expect(functional.get(name)! + 10).toBe(layers.get(name));
    // wasm's fused convolution rounds differently, so there the forward keeps Conv2D, Add and Relu.
    for (const name of ['Conv2D', 'Add', 'Relu']) expect(functional.get(name)).toBe(layers.get(name));
  });
});
