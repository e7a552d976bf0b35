import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients
import '@tensorflow/tfjs-backend-cpu';
import { loadNativeAddon, type NativeAddon } from '../../../src/engine/native/addon.js';
import { NATIVE_BACKEND, registerNativeBackend } from '../../../src/engine/native/index.js';
import { NATIVE_KERNELS } from '../../../src/engine/native/kernels.js';
import { buildReferenceUNet } from '../../../src/model/reference-unet.js';
import { Rng } from '../../../src/util/rng.js';
import { CASES, expectClose, nearestUpsample, gradsOn, name } from '../../helpers/conv-cases.js';
import { adamBothWays } from '../../helpers/adam.js';
import { EDGE_DY, EDGE_Y, forwardBothWays, kernelCalls, unetCase } from '../../helpers/forward.js';
import { RELU_GRAD } from '../../../src/engine/conv-relu.js';

const loaded = loadNativeAddon();
// CI installs libdnnl-dev and sets COLDBENCH_REQUIRE_NATIVE=1, so there a missing addon fails
// here; elsewhere the native tests are skipped and the fallback tests (backend.test.ts) still run.
const required = process.env.COLDBENCH_REQUIRE_NATIVE === '1';
const native = 'addon' in loaded ? describe : describe.skip;

/** The real addon, counting calls, so a test can tell oneDNN ran rather than the wasm fallback. */
const calls = new Map<string, number>();
function counted(addon: NativeAddon): NativeAddon {
  return new Proxy(addon, {
    get(target, key: string) {
      const f = target[key as keyof NativeAddon] as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const done = f.apply(target, args);
        if (done === true) calls.set(key, (calls.get(key) ?? 0) + 1);
        return done;
      };
    },
  });
}
const ran = async (key: keyof NativeAddon, body: () => unknown | Promise<unknown>) => {
  const before = calls.get(key) ?? 0;
  await body();
  return (calls.get(key) ?? 0) - before;
};

test('the native engine is built where CI requires it', () => {
  if (required) expect(loaded).toHaveProperty('addon');
  else expect(['addon' in loaded, 'reason' in loaded]).toContain(true);
});

native('native engine (oneDNN) kernels', () => {
  beforeAll(async () => {
    await registerNativeBackend(counted((loaded as { addon: NativeAddon }).addon));
  });

  it('serves the heavy kernels with oneDNN and every other wasm kernel unchanged', () => {
    for (const name of Object.keys(NATIVE_KERNELS)) expect(tf.getKernel(name, NATIVE_BACKEND)).toBeDefined();
    const wasm = tf.getKernelsForBackend('wasm');
    expect(tf.getKernelsForBackend(NATIVE_BACKEND)).toHaveLength(wasm.length);
    const step = tf.getKernel(tf.Step, NATIVE_BACKEND)!;
    expect(step.kernelFunc).toBe(tf.getKernel(tf.Step, 'wasm')!.kernelFunc);
  });

  it('runs a fused Adam step in the addon, with the bits of the op-by-op update', async () => {
    let result: ReturnType<typeof adamBothWays> | undefined;
    await tf.setBackend(NATIVE_BACKEND);
    const calls = await ran('adam', async () => {
      result = adamBothWays();
    });
    expect(calls).toBe(3 * 5); // three variables, five steps
    result!.fused.forEach((w, i) => expect(w).toEqual(result!.reference[i]));
  });

  // The conv table of the wasm kernel tests; cpu's conv gradients are the reference.
  it.each(CASES.map((c, i) => [name(c), c, i] as const))('conv2d gradients match the cpu backend: %s', async (_, c, seed) => {
    const [dxCpu, dwCpu] = await gradsOn('cpu', c, seed);
    let dx: Float32Array = new Float32Array(),
      dw: Float32Array = new Float32Array();
    const filterCalls = await ran('conv2dBackwardFilter', async () => {
      [dx, dw] = await gradsOn(NATIVE_BACKEND, c, seed);
    });
    expectClose(dx, dxCpu);
    expectClose(dw, dwCpu);
    // Pads wider than the filter are oneDNN's to refuse; the wasm kernels then serve them.
    if (typeof c.pad === 'string') expect(filterCalls).toBe(1);
  });

  it.each([
    ['3×3 same, relu', [2, 9, 7, 3], [3, 3, 3, 5], 1, 'same', 'relu'],
    ['5×5 stride 2 valid, linear', [2, 11, 9, 2], [5, 5, 2, 4], 2, 'valid', 'linear'],
    ['1×1, sigmoid', [1, 5, 5, 4], [1, 1, 4, 3], 1, 'same', 'sigmoid'],
    ['3×3 stride 2 same, leaky relu 0.1', [2, 8, 8, 3], [3, 3, 3, 2], 2, 'same', 'leakyrelu'],
    ['3×3 dilation 2, elu', [1, 9, 9, 2], [3, 3, 2, 3], 1, 'same', 'elu'],
  ] as const)('fused conv2d (bias + activation) matches cpu: %s', async (_, xShape, wShape, stride, pad, activation) => {
    const rng = new Rng(xShape[1] * 31 + wShape[0]);
    const [x, w, b] = [
      rng.normals(tf.util.sizeFromShape([...xShape])),
      rng.normals(tf.util.sizeFromShape([...wShape])),
      rng.normals(wShape[3]),
    ];
    const dilations = activation === 'elu' ? 2 : 1;
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(
        () =>
          tf.fused
            .conv2d({
              x: tf.tensor4d(x, [...xShape]),
              filter: tf.tensor4d(w, [...wShape]),
              bias: tf.tensor1d(b),
              strides: stride,
              pad,
              dilations,
              activation,
              leakyreluAlpha: 0.1,
            })
            .dataSync() as Float32Array,
      );
    };
    const reference = await run('cpu');
    let ours: Float32Array = new Float32Array();
    expect(await ran('conv2d', async () => (ours = await run(NATIVE_BACKEND)))).toBe(1);
    expectClose(ours, reference);
  });

  it.each([
    ['2-D', [5, 7], [7, 3], false, false],
    ['transposed a', [7, 5], [7, 3], true, false],
    ['transposed b', [5, 7], [3, 7], false, true],
    ['both transposed, batched', [4, 7, 5], [4, 3, 7], true, true],
    ['batch of b broadcast', [4, 5, 7], [1, 7, 3], false, false],
    ['batch of a broadcast', [1, 5, 7], [2, 7, 3], false, false],
  ] as const)('matMul (and its gradients, where tfjs-core has them) matches cpu: %s', async (_, aShape, bShape, ta, tb) => {
    const rng = new Rng(aShape.length * 100 + aShape[0]);
    const [a, b] = [rng.normals(tf.util.sizeFromShape([...aShape])), rng.normals(tf.util.sizeFromShape([...bShape]))];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(tf.matMul(x, y, ta, tb)));
        // tfjs-core's own BatchMatMul gradient rejects broadcast batches (on every backend): forward only there.
        const broadcast = aShape.length === 3 && aShape[0] !== bShape[0];
        const grads = broadcast ? [] : tf.grads(f)([tf.tensor(a, [...aShape]), tf.tensor(b, [...bShape])]);
        return [tf.matMul(tf.tensor(a, [...aShape]), tf.tensor(b, [...bShape]), ta, tb), ...grads].map((t) => t.dataSync() as Float32Array);
      });
    };
    const reference = await run('cpu');
    let ours: Float32Array[] = [];
    expect(await ran('matMul', async () => (ours = await run(NATIVE_BACKEND)))).toBeGreaterThanOrEqual(1);
    ours.forEach((v, i) => expectClose(v, reference[i]));
  });

  it('fused matMul (bias + relu) matches cpu', async () => {
    const rng = new Rng(3);
    const [a, b, bias] = [rng.normals(6 * 4), rng.normals(4 * 5), rng.normals(5)];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(
        () =>
          tf.fused
            .matMul({ a: tf.tensor2d(a, [6, 4]), b: tf.tensor2d(b, [4, 5]), bias: tf.tensor1d(bias), activation: 'relu' })
            .dataSync() as Float32Array,
      );
    };
    const reference = await run('cpu');
    let ours: Float32Array = new Float32Array();
    expect(await ran('matMul', async () => (ours = await run(NATIVE_BACKEND)))).toBe(1);
    expectClose(ours, reference);
  });

  // Shapes above ELEMENTWISE_MIN (16,384 elements), where the native kernels take over from wasm.
  it.each([
    ['bias add (broadcast b)', (x: tf.Tensor, b: tf.Tensor) => tf.add(x, b), [4, 16, 16, 64], [64], 'binary'],
    ['bias add (broadcast a)', (x: tf.Tensor, b: tf.Tensor) => tf.add(b, x), [4, 16, 16, 64], [64], 'binary'],
    ['multiply', (x: tf.Tensor, y: tf.Tensor) => tf.mul(x, y), [4, 16, 16, 64], [4, 16, 16, 64], 'binary'],
    ['subtract', (x: tf.Tensor, y: tf.Tensor) => tf.sub(x, y), [4, 16, 16, 64], [1, 16, 1, 64], 'binary'],
    ['relu', (x: tf.Tensor) => tf.relu(x), [4, 16, 16, 64], [1], 'relu'],
    ['sum over leading axes', (x: tf.Tensor) => tf.sum(x, [0, 1, 2]), [4, 16, 16, 64], [1], 'matMul'],
    ['sum over trailing axes, kept', (x: tf.Tensor) => tf.sum(x, [2, 3], true), [4, 16, 16, 64], [1], 'matMul'],
    ['concat on channels', (x: tf.Tensor, y: tf.Tensor) => tf.concat([x, y], 3), [4, 16, 16, 64], [4, 16, 16, 32], 'concat'],
    ['split on channels', (x: tf.Tensor) => tf.concat(tf.split(x, [40, 24], 3).reverse(), 3), [4, 16, 16, 64], [1], 'split'],
    ['average pooling', (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), [4, 16, 16, 64], [1], 'avgPoolBackward'],
    [
      'nearest upsample',
      (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [32, 32]),
      [1, 16, 16, 64],
      [1],
      'resizeNearestBackward',
    ],
  ] as const)('%s and its gradients match cpu', async (_, f, aShape, bShape, key) => {
    const rng = new Rng(aShape[3] + bShape.length);
    const [a, b] = [rng.normals(tf.util.sizeFromShape([...aShape])), rng.normals(tf.util.sizeFromShape([...bShape]))];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const inputs = [tf.tensor(a, [...aShape]), tf.tensor(b, [...bShape])];
        const g = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(f(x, y)));
        const wrt = f.length === 2 ? inputs : inputs.slice(0, 1); // unary ops ignore b
        return [f(inputs[0], inputs[1]), ...tf.grads(g)(wrt)].map((t) => t.dataSync() as Float32Array);
      });
    };
    const reference = await run('cpu');
    let ours: Float32Array[] = [];
    expect(await ran(key, async () => (ours = await run(NATIVE_BACKEND)))).toBeGreaterThanOrEqual(1);
    ours.forEach((v, i) => expectClose(v, reference[i]));
  });

  it("differentiates 'same' average pooling as its forward computes it, padding excluded", async () => {
    // Hand-derived: a 3×3 window, stride 2, pads a 3×3 image by 1, giving 4 windows of 4 real
    // pixels each (the forward divides by 4). d(sum of outputs)/dx is 1/4 per window a pixel is
    // in: corners 1, edges 2, centre 4 windows. TF.js's cpu and wasm kernels divide by 9 instead.
    await tf.setBackend(NATIVE_BACKEND);
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(tf.avgPool(x as tf.Tensor4D, 3, 2, 'same')))(tf.ones([1, 3, 3, 1]))
        .dataSync(),
    );
    expect(Array.from(g)).toEqual([0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
  });

  it('shares data for Identity and same-type Cast instead of copying it', async () => {
    await tf.setBackend(NATIVE_BACKEND);
    const x = tf.tensor([1, 2, 3]);
    const [y, z] = [tf.engine().runKernel(tf.Identity, { x }, {}) as tf.Tensor, tf.cast(x, 'float32')];
    expect(tf.engine().backend.numDataIds()).toBe(1);
    expect([...y.dataSync(), ...z.dataSync()]).toEqual([1, 2, 3, 1, 2, 3]);
    x.dispose();
    expect(await y.data()).toEqual(new Float32Array([1, 2, 3])); // the others still hold it
    tf.dispose([y, z]);
    expect(tf.engine().backend.numDataIds()).toBe(0);
  });

  it('gives the U-Net gradients of every weight that cpu gives (batch 1) and wasm gives (batch 3)', async () => {
    // cpu's nearest-resize gradient is wrong for batch > 1 (docs/reference.md §6), so cpu is the
    // reference at batch 1 only; wasm's is exact and serves batch 3 (checked below against the
    // analytic gradient).
    for (const [reference, batch] of [
      ['cpu', 1],
      ['wasm', 3],
    ] as const) {
      const rng = new Rng(40 + batch);
      const x = rng.normals(batch * 8 * 8 * 2),
        y = rng.normals(batch * 8 * 8);
      const grads = async (backend: string) => {
        await tf.setBackend(backend);
        const model = buildReferenceUNet({ size: 8, channels: 1, base: 4 });
        model.setWeights(
          model.getWeights().map((w, i) =>
            tf.tensor(
              new Rng(i).normals(w.size).map((v) => v * 0.3),
              w.shape,
            ),
          ),
        );
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads: g } = tf.variableGrads(
          () =>
            tf.tidy(
              () =>
                tf.mean(
                  tf.abs(tf.sub(model.apply(tf.tensor4d(x, [batch, 8, 8, 2])) as tf.Tensor, tf.tensor4d(y, [batch, 8, 8, 1]))),
                ) as tf.Scalar,
            ),
          vars,
        );
        const out = vars.map((v) => g[v.name].dataSync() as Float32Array);
        value.dispose();
        tf.dispose(Object.values(g));
        model.dispose();
        return out;
      };
      const expected = await grads(reference);
      const ours = await grads(NATIVE_BACKEND);
      expect(ours).toHaveLength(22);
      ours.forEach((g, i) => expectClose(g, expected[i]));
    }
  });

  it('computes the nearest-upsampling gradient exactly for batch > 1', async () => {
    await tf.setBackend(NATIVE_BACKEND);
    const { dx, dxExpected } = nearestUpsample();
    expectClose(dx, dxExpected);
  });

  // [16, 8, 8, 128] → 16×16 is the reference U-Net's first upsampling at batch 16, where oneDNN
  // 2.6.3's resampling primitive segfaulted on AMD EPYC; the addon now serves both with loops.
  it.each([
    ['the reference U-Net at batch 16', [16, 8, 8, 128], [2, 2]],
    ['batch 64, factors 3 × 2', [64, 5, 4, 3], [3, 2]],
  ] as const)('upsamples (nearest) and differentiates it exactly: %s', async (_, shape, factors) => {
    await tf.setBackend(NATIVE_BACKEND);
    let result: ReturnType<typeof nearestUpsample> | undefined;
    const backward = await ran('resizeNearestBackward', async () => {
      expect(await ran('resizeNearest', () => (result = nearestUpsample([...shape], [...factors])))).toBeGreaterThanOrEqual(1);
    });
    expect(backward).toBe(1);
    expect(Array.from(result!.y)).toEqual(Array.from(result!.yExpected)); // a copy: bit for bit
    expectClose(result!.dx, result!.dxExpected);
  });

  it('trains the reference U-Net with the loss curve of the wasm engine', async () => {
    const rng = new Rng(11);
    const x = rng.normals(8 * 16 * 16 * 2),
      y = rng.normals(8 * 16 * 16);
    const curve = async (backend: string) => {
      await tf.setBackend(backend);
      const model = buildReferenceUNet({ size: 16, channels: 1, base: 8 });
      model.setWeights(
        model.getWeights().map((w, i) =>
          tf.tensor(
            new Rng(100 + i).normals(w.size).map((v) => v * 0.2),
            w.shape,
          ),
        ),
      );
      const optimizer = tf.train.adam(2e-3);
      const [xs, ys] = [tf.tensor4d(x, [8, 16, 16, 2]), tf.tensor4d(y, [8, 16, 16, 1])];
      const losses: number[] = [];
      for (let step = 0; step < 12; step++) {
        const loss = optimizer.minimize(
          () => tf.mean(tf.abs(tf.sub(model.apply(xs, { training: true }) as tf.Tensor, ys))) as tf.Scalar,
          true,
        )!;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      tf.dispose([xs, ys]);
      optimizer.dispose();
      model.dispose();
      return losses;
    };
    const wasm = await curve('wasm');
    const ours = await curve(NATIVE_BACKEND);
    expect(ours[11]).toBeLessThan(ours[0]); // it trains
    // Float32 sums in another order drift slowly over Adam steps: 1e-4 relative per loss value.
    ours.forEach((loss, i) => expect(Math.abs(loss - wasm[i])).toBeLessThanOrEqual(1e-4 * wasm[i]));
  });

  it("runs ReLU's gradient in the addon with the bits of dy · step(y), threaded lengths included", async () => {
    const n = 100_000; // above the addon's OpenMP threshold of 65,536
    const rng = new Rng(5);
    const dy = [...EDGE_DY, ...rng.normals(n)],
      y = [...EDGE_Y, ...rng.normals(n)];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() =>
        Array.from((tf.engine().runKernel(RELU_GRAD, { dy: tf.tensor1d(dy), y: tf.tensor1d(y) }) as tf.Tensor).dataSync()),
      );
    };
    const wasm = await run('wasm');
    let ours: number[] = [];
    expect(await ran('reluGrad', async () => (ours = await run(NATIVE_BACKEND)))).toBe(1);
    expect(ours).toEqual(wasm);
    await tf.setBackend(NATIVE_BACKEND);
    expect(ours).toEqual(Array.from(tf.tidy(() => tf.mul(tf.tensor1d(dy), tf.step(tf.tensor1d(y))).dataSync())));
  });

  it.each(['small', 'reference'] as const)(
    'trains the %s U-Net through trainingForward with the bits of model.apply, the bias and ReLU fused into the convolution',
    async (preset) => {
      await tf.setBackend(NATIVE_BACKEND);
      const c = unetCase(preset);
      const { layers, functional } = forwardBothWays(c);
      functional.forEach((g, i) => expect(g).toEqual(layers[i]));
      const [before, after] = [await kernelCalls(c, false), await kernelCalls(c, true)];
      // Both nets have 10 convolutions with ReLU (two per block, five blocks); the small one's time MLP keeps its 2 Dense ReLUs.
      expect(after.get('ColdbenchReluGrad')).toBe(10);
      expect(before.get('Relu')).toBe(preset === 'reference' ? 10 : 12);
      expect(after.get('Relu') ?? 0).toBe(preset === 'reference' ? 0 : 2);
      // The 10 bias additions run inside the convolution (oneDNN post-ops).
      expect(after.get('Add')! + 10).toBe(before.get('Add'));
    },
  );

  it('leaks no tensors and no heap buffers', async () => {
    await tf.setBackend(NATIVE_BACKEND);
    for (const c of [CASES[2], CASES[6], CASES[13]]) {
      await gradsOn(NATIVE_BACKEND, c, 1); // warm-up
      const tensors = tf.memory().numTensors,
        buffers = tf.backend().numDataIds();
      await gradsOn(NATIVE_BACKEND, c, 1);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.backend().numDataIds()).toBe(buffers);
    }
  });
});
