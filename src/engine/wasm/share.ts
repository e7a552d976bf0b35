import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from './wasm-call.js';

/** The input itself, one more reference, no copy (as the cpu backend's Identity does; wasm's copies). */
export function shareInput({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as Record<string, tf.TensorInfo>;
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Identity, and Cast to the type a tensor already has, sharing its data: a training step makes
 * dozens of Identity calls (gradients pass through them), each a copy on stock wasm (docs/engine.md, measurements behind the code).
 */
export function sharingKernelConfigs(stockCast: tf.KernelConfig): tf.KernelConfig[] {
  return [
    { kernelName: tf.Identity, backendName: 'wasm', kernelFunc: shareInput as tf.KernelFunc },
    {
      ...stockCast,
      kernelFunc: (args) =>
        (args.inputs.x as tf.TensorInfo).dtype === (args.attrs as unknown as tf.CastAttrs).dtype
          ? shareInput(args)
          : stockCast.kernelFunc(args),
    },
  ];
}
