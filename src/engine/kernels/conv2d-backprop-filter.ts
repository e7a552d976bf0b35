import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { withWasmKernels, type KernelArgs, type WithDilations } from './wasm-call.js';

type Attrs = WithDilations<tf.Conv2DBackpropFilterAttrs>;

/**
 * dL/dw for NHWC conv2d, as one XNNPACK conv over the input with batch and channel axes swapped
 * (REFERENCE.md §6): dw[i,j,ci,co] = Σ_{b,p,q} xPad[b, p·s + i·d, q·s + j·d, ci] · dy[b,p,q,co], so
 * with x as [Ci,H,W,B] and dy as a filter [oh,ow,B,Co] it is a conv of stride d and dilation s.
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as Record<'x' | 'dy', tf.TensorInfo>;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations = 1 } = attrs as unknown as Attrs;
  if (dataFormat === 'NCHW') throw new Error("Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only.");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode,
  );
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  if (Math.max(sh, sw) > 1 && Math.max(dh, dw) > 1) {
    throw new Error('Conv2DBackpropFilter on wasm: strides > 1 together with dilations > 1 are not supported.');
  }
  // Bottom/right padding just large enough for kh×kw outputs; the conv may give more (sliced off).
  const after = (k: number, d: number, o: number, s: number, size: number, before: number) =>
    Math.max(0, (k - 1) * d + (o - 1) * s + 1 - size - before);
  return withWasmKernels(backend as tf.KernelBackend, (k) => {
    const g = k.conv2d(k.transpose(x, [3, 1, 2, 0]), k.transpose(dy, [1, 2, 0, 3]), [dh, dw], [sh, sw], [
      [padInfo.top, after(info.filterHeight, dh, info.outHeight, sh, info.inHeight, padInfo.top)],
      [padInfo.left, after(info.filterWidth, dw, info.outWidth, sw, info.inWidth, padInfo.left)],
    ]);
    const [ci, kh, kw, co] = [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels];
    return k.transpose(k.slice(g, [0, 0, 0, 0], [ci, kh, kw, co]), [1, 2, 0, 3]);
  });
}

/** The wasm backend's missing `Conv2DBackpropFilter`, built from its own Conv2D and Transpose. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
