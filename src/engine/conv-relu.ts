import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addedKernelConfig, computeInto, type HeapKernel } from './heap-kernels.js';
import type { NativeAddon } from './native/addon.js';

type Info = tf.TensorInfo;

/** The kernel name of ReLU's gradient from its output: dy · step(y) in one pass. */
export const RELU_GRAD = 'ColdbenchReluGrad';

/** The loop of RELU_GRAD over float32 views: the native addon's (threaded), or the JS one below. */
export type ReluGradOps = Pick<NativeAddon, 'reluGrad'>;

/**
 * dy · step(y) with TF.js's Step (1 above 0, NaN for NaN, else 0), so the product keeps the stock
 * gradient's bits, signed zeros included (−3 · 0 is −0). Hand-written: no kept library fuses
 * TF.js kernels.
 */
export const JS_RELU_GRAD: ReluGradOps = {
  reluGrad(dy, y, out, n) {
    for (let i = 0; i < n; i++) out[i] = dy[i] * (y[i] > 0 ? 1 : Number.isNaN(y[i]) ? NaN : 0);
    return true;
  },
};

export const reluGrad: HeapKernel<ReluGradOps> = ({ inputs, backend }, ops) => {
  const { dy, y } = inputs as Record<string, Info>;
  const n = tf.util.sizeFromShape(y.shape);
  return computeInto(backend as BackendWasm, [dy, y], y.shape, ([dyv, yv], out) => ops.reluGrad(dyv!, yv!, out, n));
};

/** The kernel config of `backendName` with `ops`. */
export function reluGradConfig(backendName: string, ops: ReluGradOps): tf.KernelConfig {
  return addedKernelConfig(RELU_GRAD, backendName, reluGrad, ops);
}

/**
 * Backends whose FusedConv2D gives the bits of Conv2D, then adding the bias, then Relu: the native
 * engine runs the same oneDNN convolution with the bias and ReLU as post-ops (test/engine/conv-relu.test.ts
 * checks the bits at fp32 and bf16). XNNPACK (wasm) starts its sums from the bias instead, which rounds
 * differently, so there the three stock kernels run.
 */
const FUSED_MATCHES_UNFUSED = new Set(['native']);

export interface ConvGeometry {
  readonly strides: [number, number];
  readonly pad: 'same' | 'valid';
}

/** The part of tfjs-core's Engine that runs an op with its own gradient (private in its typings). */
interface KernelFuncRunner {
  runKernelFunc(params: {
    forwardFunc: (backend: tf.KernelBackend, save: (tensors: tf.Tensor[]) => void) => tf.Tensor;
    backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
    inputs: tf.NamedTensorMap;
  }): tf.Tensor;
}

/**
 * relu(conv2d(x, filter) + bias), NHWC, for training: the same bits, forward and backward, as TF.js's
 * unfused path (what `tf.fused.conv2d` runs under a gradient tape), in fewer kernels. Forward: one
 * fused convolution where that is exact (FUSED_MATCHES_UNFUSED), else the three stock kernels.
 * Backward: ReLU's gradient from the output in one kernel (RELU_GRAD where the backend has it, else
 * Step and Multiply) instead of Cast, Step and Multiply, then the stock convolution gradients and the
 * bias sum over N, H and W. It runs through the engine's runKernelFunc rather than tf.customGrad
 * because customGrad computes every input's gradient, while the tape asks only for those it needs
 * (no input gradient for a network's first layer), as it does for a registered kernel.
 */
export function convBiasRelu(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, { strides, pad }: ConvGeometry): tf.Tensor4D {
  const conv = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as const;
  const engine = tf.engine();
  const attrs = (extra: object) => ({ ...conv, ...extra }) as unknown as tf.NamedAttrMap;
  return (engine as unknown as KernelFuncRunner).runKernelFunc({
    inputs: { x, filter, bias },
    forwardFunc: (_, save) => {
      const y = FUSED_MATCHES_UNFUSED.has(tf.getBackend())
        ? (engine.runKernel(tf.FusedConv2D, { x, filter, bias }, attrs({ activation: 'relu' })) as tf.Tensor)
        : tf.relu(tf.add(tf.conv2d(x, filter, strides, pad), bias));
      save([x, filter, y]);
      return y;
    },
    backwardsFunc: (dy, [xs, ws, ys]) => {
      // Made here, not in the closures: the tape runs each closure in a tidy of its own.
      const g = tf.getKernel(RELU_GRAD, tf.getBackend())
        ? (engine.runKernel(RELU_GRAD, { dy, y: ys }) as tf.Tensor)
        : tf.mul(dy, tf.step(ys));
      return {
        x: () => engine.runKernel(tf.Conv2DBackpropInput, { dy: g, filter: ws }, attrs({ inputShape: xs.shape })) as tf.Tensor,
        filter: () => engine.runKernel(tf.Conv2DBackpropFilter, { x: xs, dy: g }, attrs({ filterShape: ws.shape })) as tf.Tensor,
        bias: () => tf.sum(g, [0, 1, 2]),
      };
    },
  }) as tf.Tensor4D;
}
