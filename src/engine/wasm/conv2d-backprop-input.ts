import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { withWasmKernels, type KernelArgs, type WithDilations } from './wasm-call.js';

type Attrs = WithDilations<tf.Conv2DBackpropInputAttrs>;

/**
 * One spatial axis of the sub-pixel plan. With i + pad = s·n + c and tap t = s·m + c (taps zero-padded
 * to M·s), dx[i] = Σ_m dy[n − m] · w[s·m + c]: for each phase c a stride-1 correlation of dy with
 * the flipped taps m. Rows n start at n0; the conv pads (top, bottom) and dx begins at row `begin`.
 */
function axisPlan(taps: number, s: number, pad: number, size: number, outSize: number) {
  const m = Math.ceil(taps / s);
  const n0 = Math.min(Math.floor(pad / s), m - 1);
  const rows = Math.ceil((pad + size) / s) - n0;
  return { m, top: m - 1 - n0, bottom: Math.max(0, rows - outSize + n0), begin: pad - s * n0 };
}

/**
 * dL/dx for NHWC conv2d as one XNNPACK conv plus a depth-to-space (sub-pixel decomposition): the
 * s_h·s_w phases of dx are the output channels of a stride-1 conv of dy with the flipped,
 * in/out-swapped, phase-split filter. With stride 1 this is the classic conv of dy with the
 * flipped filter and padding k − 1 − pad (docs/reference.md §6). Dilation becomes zeros between taps.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as Record<'dy' | 'filter', tf.TensorInfo>;
  const { strides, pad, dimRoundingMode, inputShape, dilations = 1 } = attrs as unknown as Attrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
  );
  const { batchSize: b, inChannels: ci, outChannels: co, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const th = info.filterHeight * info.dilationHeight,
    tw = info.filterWidth * info.dilationWidth;
  const rows = axisPlan(th, sh, padInfo.top, info.inHeight, info.outHeight);
  const cols = axisPlan(tw, sw, padInfo.left, info.inWidth, info.outWidth);
  return withWasmKernels(backend as tf.KernelBackend, (k) => {
    // Dilated taps as a dense filter (zeros between taps), padded to M·s taps per axis.
    const dense = k.reshape(
      k.pad(k.reshape(filter, [info.filterHeight, 1, info.filterWidth, 1, ci * co]), [
        [0, 0],
        [0, info.dilationHeight - 1],
        [0, 0],
        [0, info.dilationWidth - 1],
        [0, 0],
      ]),
      [th, tw, ci, co],
    );
    const taps = k.pad(dense, [
      [0, rows.m * sh - th],
      [0, cols.m * sw - tw],
      [0, 0],
      [0, 0],
    ]);
    // f[m', n', co, (ch, cw, ci)] = w[s_h·(M_h − 1 − m') + ch, s_w·(M_w − 1 − n') + cw, ci, co]
    const phased = k.transpose(k.reshape(taps, [rows.m, sh, cols.m, sw, ci, co]), [0, 2, 1, 3, 4, 5]);
    const swapped = k.transpose(k.reshape(phased, [rows.m * cols.m, sh * sw * ci, co]), [0, 2, 1]);
    const f = k.reshape(k.flipLeading(swapped), [rows.m, cols.m, co, sh * sw * ci]);
    const z = k.conv2d(
      dy,
      f,
      [1, 1],
      [1, 1],
      [
        [rows.top, rows.bottom],
        [cols.top, cols.bottom],
      ],
    );
    const [, zh, zw] = z.shape;
    const phases = k.transpose(k.reshape(z, [b * zh, zw, sh, sw * ci]), [0, 2, 1, 3]);
    const full = k.reshape(phases, [b, zh * sh, zw * sw, ci]);
    return k.slice(full, [0, rows.begin, cols.begin, 0], [b, info.inHeight, info.inWidth, ci]);
  });
}

/**
 * The wasm `Conv2DBackpropInput` replaced by the faster conv above; `stock` (the backend's own
 * kernel, whose setup it keeps) still serves NCHW.
 */
export function conv2DBackpropInputConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => (args.attrs?.dataFormat === 'NCHW' ? stock.kernelFunc : conv2DBackpropInput)(args),
  };
}
