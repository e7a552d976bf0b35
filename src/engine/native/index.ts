import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../wasm/index.js';
import type { NativeAddon } from './addon.js';
import { heapKernelConfig, type HeapKernel } from '../heap-kernels.js';
import { NATIVE_KERNELS } from './kernels.js';

/**
 * Wraps a native kernel (the self-test's probe watches and checks each one): `native` is the
 * oneDNN kernel (undefined where it does not apply), `stock` the wasm kernel it replaces.
 */
export type NativeKernelWrap = (
  name: string,
  native: (args: Parameters<tf.KernelFunc>[0]) => ReturnType<HeapKernel<NativeAddon>>,
  stock: tf.KernelConfig,
) => tf.KernelFunc;

/** The TF.js backend name of the native engine. */
export const NATIVE_BACKEND = 'native';

/**
 * Registers the `native` TF.js backend: the wasm backend's very instance (so tensors live on the
 * wasm heap, where oneDNN reads and writes them in place) with oneDNN serving the kernels in
 * NATIVE_KERNELS and wasm's serving every other one. Wasm rather than the pure-JS `cpu` backend
 * carries the rest because its elementwise kernels are compiled SIMD code and its nearest-resize
 * gradient is right for batch > 1 (docs/reference.md §6); the test suite checks every kernel the U-Net
 * uses against `cpu` anyway. Idempotent; leaves the active backend as it was.
 */
export async function registerNativeBackend(addon: NativeAddon, wrap?: NativeKernelWrap): Promise<void> {
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  registerWasmTrainingKernels();
  const before = tf.engine().backendName;
  await tf.setBackend('wasm');
  const wasm = tf.findBackend('wasm');
  if (before && before !== 'wasm') await tf.setBackend(before);
  tf.registerBackend(NATIVE_BACKEND, () => wasm, 0);
  for (const kernel of tf.getKernelsForBackend('wasm')) {
    const native = Object.hasOwn(NATIVE_KERNELS, kernel.kernelName) ? NATIVE_KERNELS[kernel.kernelName] : undefined;
    if (!native) tf.registerKernel({ ...kernel, backendName: NATIVE_BACKEND });
    else if (!wrap) tf.registerKernel(heapKernelConfig(native, NATIVE_BACKEND, addon, kernel));
    else
      tf.registerKernel({
        ...heapKernelConfig(native, NATIVE_BACKEND, addon, kernel),
        kernelFunc: wrap(kernel.kernelName, (args) => native(args, addon), kernel),
      });
  }
}
