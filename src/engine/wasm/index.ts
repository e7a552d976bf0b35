import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input.js';
import { heapKernelConfig, LAYOUT_KERNELS, type HeapKernel } from '../heap-kernels.js';
import { JS_LAYOUT_OPS, sumLeading } from './layout.js';
import { sharingKernelConfigs } from './share.js';
import { fusedAdamConfig, JS_ADAM } from '../fused-adam.js';
import { JS_RELU_GRAD, reluGradConfig } from '../conv-relu.js';

/**
 * Registers coldbench's kernels for the wasm backend: the missing `Conv2DBackpropFilter`, a
 * faster `Conv2DBackpropInput`, Identity / same-type Cast that share data, and JS loops for
 * the layout kernels and bias sums where wasm's are slow, and the fused Adam and ReLU-gradient loops. Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  // wasm ships no filter gradient, so its presence means this already ran.
  if (tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) return;
  const stock = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  if (!stock) throw new Error('The wasm backend has no Conv2DBackpropInput kernel to replace.');
  const stockCast = tf.getKernel(tf.Cast, 'wasm');
  if (!stockCast) throw new Error('The wasm backend has no Cast kernel to wrap.');
  for (const name of [tf.Conv2DBackpropInput, tf.Identity, tf.Cast]) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(conv2DBackpropInputConfig(stock));
  for (const config of sharingKernelConfigs(stockCast)) tf.registerKernel(config);
  const replace = <Ops>(name: string, kernel: HeapKernel<Ops>, ops: Ops) => {
    const original = tf.getKernel(name, 'wasm');
    if (!original) throw new Error(`The wasm backend has no ${name} kernel to replace.`);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(heapKernelConfig(kernel, 'wasm', ops, original));
  };
  for (const [name, kernel] of Object.entries(LAYOUT_KERNELS)) replace(name, kernel, JS_LAYOUT_OPS);
  replace(tf.Sum, sumLeading, null);
  tf.registerKernel(conv2DBackpropFilterConfig);
  tf.registerKernel(fusedAdamConfig('wasm', JS_ADAM));
  tf.registerKernel(reluGradConfig('wasm', JS_RELU_GRAD));
}
