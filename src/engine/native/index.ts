import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../kernels/index.js';
import type { NativeAddon } from './addon.js';
import { heapKernelConfig } from '../heap-kernels.js';
import { NATIVE_KERNELS } from './kernels.js';

/** The TF.js backend name of the native engine. */
export const NATIVE_BACKEND = 'native';

/**
 * Registers the `native` TF.js backend: the wasm backend's very instance (so tensors live on the
 * wasm heap, where oneDNN reads and writes them in place) with oneDNN serving the kernels in
 * NATIVE_KERNELS and wasm's serving every other one. Wasm rather than the pure-JS `cpu` backend
 * carries the rest because its elementwise kernels are compiled SIMD code and its nearest-resize
 * gradient is right for batch > 1 (REFERENCE.md §6); the test suite checks every kernel the U-Net
 * uses against `cpu` anyway. Idempotent; leaves the active backend as it was.
 */
export async function registerNativeBackend(addon: NativeAddon): Promise<void> {
  if (tf.findBackendFactory(NATIVE_BACKEND)) return;
  registerWasmTrainingKernels();
  const before = tf.engine().backendName;
  await tf.setBackend('wasm');
  const wasm = tf.findBackend('wasm');
  if (before && before !== 'wasm') await tf.setBackend(before);
  tf.registerBackend(NATIVE_BACKEND, () => wasm, 0);
  for (const kernel of tf.getKernelsForBackend('wasm')) {
    tf.registerKernel(kernel.kernelName in NATIVE_KERNELS
      ? heapKernelConfig(NATIVE_KERNELS[kernel.kernelName], NATIVE_BACKEND, addon, kernel)
      : { ...kernel, backendName: NATIVE_BACKEND });
  }
}
