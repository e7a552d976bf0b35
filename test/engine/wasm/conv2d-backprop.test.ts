import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs-core's gradients (its node bundle carries them)
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../src/engine/wasm/index.js';
import { tapPlan } from '../../../src/engine/wasm/conv2d-backprop-filter.js';
import { Rng } from '../../../src/util/rng.js';
import { CASES, data, expectClose, gradsOn, name, type Case } from '../../helpers/conv-cases.js';

let stock: tf.KernelConfig | undefined;

beforeAll(async () => {
  stock = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
});

describe('wasm training kernels', () => {
  it('registers the filter gradient and replaces the stock input gradient, once', () => {
    const filter = tf.getKernel(tf.Conv2DBackpropFilter, 'wasm');
    const input = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
    expect(filter).toBeDefined();
    expect(input?.kernelFunc).not.toBe(stock?.kernelFunc);
    expect(input?.setupFunc).toBe(stock?.setupFunc);
    registerWasmTrainingKernels();
    expect(tf.getKernel(tf.Conv2DBackpropInput, 'wasm')).toBe(input);
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBe(filter);
  });

  it.each(CASES.map((c, i) => [name(c), c, i] as const))('matches the cpu backend: %s', async (_, c, seed) => {
    const [dxCpu, dwCpu] = await gradsOn('cpu', c, seed);
    const [dxWasm, dwWasm] = await gradsOn('wasm', c, seed);
    expectClose(dxWasm, dxCpu);
    expectClose(dwWasm, dwCpu);
  });

  it('gives tf.variableGrads the same filter gradient as cpu', async () => {
    const c = CASES[5];
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const d = data(c, 99);
      const v = tf.variable(tf.tensor4d(d.w, d.wShape));
      const y = () => tf.conv2d(tf.tensor4d(d.x, c.x), v as tf.Tensor4D, c.strides, c.pad);
      const loss = (): tf.Scalar => tf.sum(tf.mul(y(), tf.tensor(d.r, d.yShape)));
      const { value, grads } = tf.variableGrads(() => tf.tidy(loss), [v]);
      const g = grads[v.name].dataSync() as Float32Array;
      tf.dispose([value, grads[v.name], v]);
      return g;
    };
    expectClose(await run('wasm'), await run('cpu'));
  });

  it('handles dilation 2 like a conv whose filter has zeros between taps', async () => {
    // Reference: a conv with dilation d equals one whose filter has d − 1 zeros between taps.
    const c: Case = { x: [2, 9, 8, 3], w: [3, 3, 4], strides: [1, 1], pad: 'same' };
    const dense: [number, number, number, number] = [5, 5, 3, 4];
    const block = 3 * 4; // Ci·Co values per tap
    /** Copies tap (i, j) of a 3×3 filter to/from tap (2i, 2j) of the 5×5 one. */
    const moveTaps = (from: Float32Array, to: Float32Array, toDense: boolean) => {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const [src, dst] = toDense ? [i * 3 + j, 2 * i * 5 + 2 * j] : [2 * i * 5 + 2 * j, i * 3 + j];
          to.set(from.subarray(src * block, (src + 1) * block), dst * block);
        }
      }
      return to;
    };
    for (const strides of [
      [1, 1],
      [2, 2],
    ] as [number, number][]) {
      const d = data({ ...c, strides }, 7);
      const yShape = tf.backend_util.computeConv2DInfo(c.x, dense, strides, 1, 'same').outShape;
      const r = new Rng(8).normals(yShape.reduce((a, b) => a * b, 1));
      await tf.setBackend('cpu');
      const [dxRef, dwDenseRef] = tf.tidy(() => {
        const f = (x: tf.Tensor, w: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, 'same'), tf.tensor(r, yShape)));
        const wDense = moveTaps(d.w, new Float32Array(5 * 5 * block), true);
        return tf
          .grads(f)([tf.tensor4d(d.x, c.x), tf.tensor4d(wDense, dense)])
          .map((g) => g.dataSync() as Float32Array);
      });
      await tf.setBackend('wasm');
      const attrs = { strides, pad: 'same', dataFormat: 'NHWC', dilations: 2 };
      tf.tidy(() => {
        const [x, w, dy] = [tf.tensor4d(d.x, c.x), tf.tensor4d(d.w, d.wShape), tf.tensor(r, yShape)];
        const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { ...attrs, inputShape: c.x });
        expectClose((dx as tf.Tensor).dataSync() as Float32Array, dxRef);
        const dw = () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: d.wShape });
        const dwRef = moveTaps(dwDenseRef, new Float32Array(d.w.length), false);
        if (strides[0] === 1) expectClose((dw() as tf.Tensor).dataSync() as Float32Array, dwRef);
        else expect(dw).toThrow('strides > 1 together with dilations > 1 are not supported');
      });
    }
  });

  it('gives the stride-1 filter gradient by its definition on seeded random shapes, dilations and paddings', async () => {
    // Reference: dw[i,j,c,o] = Σ_{n,p,q} x[n, p + i·d − top, q + j·d − left, c] · dy[n,p,q,o] (zero outside x),
    // summed directly; cpu is no reference here, its filter gradient ignores dilation.
    await tf.setBackend('wasm');
    const rng = new Rng(42);
    const pick = (lo: number, hi: number) => lo + rng.int(hi - lo + 1);
    let checked = 0;
    for (let run = 0; run < 150; run++) {
      const [b, h, w, ci, co, kh, kw] = [pick(1, 5), pick(1, 12), pick(1, 12), pick(1, 6), pick(1, 7), pick(1, 5), pick(1, 5)];
      const [d, kind] = [pick(1, 2), pick(0, 2)];
      const pad: Case['pad'] =
        kind === 0
          ? 'same'
          : kind === 1
            ? 'valid'
            : [
                [0, 0],
                [pick(0, 5), pick(0, 5)],
                [pick(0, 5), pick(0, 5)],
                [0, 0],
              ];
      const info = tf.backend_util.computeConv2DInfo([b, h, w, ci], [kh, kw, ci, co], 1, d, pad);
      const [oh, ow] = [info.outHeight, info.outWidth];
      if (oh <= 0 || ow <= 0) continue;
      const x = rng.normals(b * h * w * ci),
        dy = rng.normals(b * oh * ow * co);
      const expected = new Float32Array(kh * kw * ci * co);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let n = 0; n < b; n++)
            for (let p = 0; p < oh; p++)
              for (let q = 0; q < ow; q++) {
                const [r, c] = [p + i * d - info.padInfo.top, q + j * d - info.padInfo.left];
                if (r < 0 || r >= h || c < 0 || c >= w) continue;
                for (let k = 0; k < ci; k++) {
                  for (let o = 0; o < co; o++)
                    expected[((i * kw + j) * ci + k) * co + o] += x[((n * h + r) * w + c) * ci + k] * dy[((n * oh + p) * ow + q) * co + o];
                }
              }
      const dw = tf.tidy(
        () =>
          (
            tf
              .engine()
              .runKernel(
                tf.Conv2DBackpropFilter,
                { x: tf.tensor4d(x, [b, h, w, ci]), dy: tf.tensor4d(dy, info.outShape) },
                { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: d, filterShape: [kh, kw, ci, co] },
              ) as tf.Tensor
          ).dataSync() as Float32Array,
      );
      expectClose(dw, expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(100); // the rest have no output (filter wider than the padded input)
  });

  it('plans the stride-1 filter gradient as shifted windows of one grid, and declines where it cannot', () => {
    const plan = (c: Case) => tapPlan(tf.backend_util.computeConv2DInfo(c.x, [c.w[0], c.w[1], c.x[3], c.w[2]], c.strides, 1, c.pad));
    // 'same' 3×3 on 32×32: one shared zero row and column, so 33×33 per image; tap (i, j) at 33·i + j.
    // 128 outputs × 1089 positions × 2 images fit 320 Ki floats, 3 do not: 5 images in 3 chunks of 2.
    expect(plan(CASES[16])).toEqual({
      rows: 33,
      cols: 33,
      top: 1,
      left: 1,
      offsets: [0, 1, 2, 33, 34, 35, 66, 67, 68],
      images: 2,
      chunks: 3,
      k: 2 * 33 * 33 + 68,
    });
    // Uneven padding: rows = 7 + max(2, 0), cols = 8 + max(0, 1); tap (0, 0) starts at row 2 − 2, column 1 − 0.
    expect(plan(CASES[14])?.offsets.slice(0, 2)).toEqual([1, 2]);
    expect(plan(CASES[15])).toBeUndefined(); // 3 rows of padding each side, taps reach 2
    expect(plan(CASES[5])).toBeUndefined(); // stride 2
  });

  it('serves NCHW input gradients with the stock kernel', async () => {
    const rng = new Rng(5);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 6, 5] };
    const dy = rng.normals(2 * 4 * 6 * 5),
      w = rng.normals(3 * 3 * 3 * 4);
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const inputs = { dy: tf.tensor4d(dy, [2, 4, 6, 5]), filter: tf.tensor4d(w, [3, 3, 3, 4]) };
        return (tf.engine().runKernel(tf.Conv2DBackpropInput, inputs, attrs) as tf.Tensor).dataSync() as Float32Array;
      });
    };
    expectClose(await run('wasm'), await run('cpu'));
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await tf.setBackend('wasm');
    for (const c of [CASES[2], CASES[6], CASES[13], CASES[16]]) {
      await gradsOn('wasm', c, 1); // warm-up
      const tensors = tf.memory().numTensors,
        buffers = tf.backend().numDataIds();
      await gradsOn('wasm', c, 1);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.backend().numDataIds()).toBe(buffers);
    }
  });
});
