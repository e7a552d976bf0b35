import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';

/**
 * Registers coldbench's conv2d training kernels for the wasm backend: the missing
 * `Conv2DBackpropFilter` and a faster `Conv2DBackpropInput`. Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  // wasm ships no filter gradient, so its presence means this already ran.
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) return;
  const stock = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (!stock) throw new Error('The wasm backend has no Conv2DBackpropInput kernel to replace.');
  tf.unregisterKernel(tf.Conv2DBackpropInput, 'wasm');
  tf.registerKernel(conv2DBackpropInputConfig(stock));
  tf.registerKernel(conv2DBackpropFilterConfig);
}
