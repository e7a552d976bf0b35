import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { withWasmKernels, type KernelArgs, type WasmKernels, type WithDilations } from './wasm-call.js';

type Attrs = WithDilations<tf.Conv2DBackpropFilterAttrs>;
type Info = tf.TensorInfo;
type ConvInfo = tf.backend_util.Conv2DInfo;

/**
 * Floats of dy one chunk packs as XNNPACK weights: the matmuls stream them once per four rows of
 * x, so they should stay in a 2 MB L2; this size measured fastest on the reference U-Net's layers
 * (docs/engine.md, measurements behind the code).
 */
const CHUNK_FLOATS = 320 * 1024;

/**
 * The stride-1 filter gradient as matmuls over shifted windows: x and dy share one flat grid of
 * images, each `rows` × `cols` (zero rows on top and zero columns on the left serve as the padding of
 * both neighbours), so tap (i, j) is one offset into x's grid and
 *   dw[i, j] = x[:, n + offset(i, j)] · dy[n, :]   summed over grid positions n,
 * with dy zero outside its own positions. Batches are cut into `chunks` of `images` each, grid `k` long.
 */
export interface TapPlan {
  rows: number;
  cols: number;
  /** Zero rows and columns in front of each image's x. */
  top: number;
  left: number;
  /** Grid offset of each tap, row-major over (i, j). */
  offsets: number[];
  images: number;
  chunks: number;
  /** Grid positions per chunk: its images plus room for the largest offset. */
  k: number;
}

/** The plan for a conv, or undefined where it does not apply (strides > 1, padding wider than the taps reach). */
export function tapPlan(info: ConvInfo): TapPlan | undefined {
  const { strideHeight, strideWidth, padInfo: pad, filterHeight: kh, filterWidth: kw } = info;
  const reachH = (kh - 1) * info.dilationHeight,
    reachW = (kw - 1) * info.dilationWidth;
  if (strideHeight !== 1 || strideWidth !== 1) return undefined;
  // dy's rows must fit an image's grid rows: no more padding on both sides than the taps reach.
  if (Math.min(pad.top, pad.bottom) > reachH || Math.min(pad.left, pad.right) > reachW) return undefined;
  const top = Math.max(pad.top, pad.bottom),
    left = Math.max(pad.left, pad.right);
  const rows = info.inHeight + top,
    cols = info.inWidth + left;
  const offsets: number[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) offsets.push((top - pad.top + i * info.dilationHeight) * cols + left - pad.left + j * info.dilationWidth);
  }
  const fit = Math.max(1, Math.floor(CHUNK_FLOATS / (info.outChannels * rows * cols)));
  const chunks = Math.ceil(info.batchSize / fit),
    images = Math.ceil(info.batchSize / chunks);
  return { rows, cols, top, left, offsets, images, chunks, k: images * rows * cols + offsets.at(-1)! };
}

/**
 * One image row of x, [w][ci] at `from`, written as ci runs of w floats `size` apart from `to`.
 * Four channels at a time: the row's w·ci floats stay cached while each channel's run is written
 * whole (1.6× faster than a channel-inner loop, whose writes stride pages apart). The loops live in
 * small functions of numbers and arrays only, which V8 keeps optimized (inlined, they were
 * deoptimized at every step's first call, 3× slower).
 */
function rowToChannels(xv: Float32Array, from: number, w: number, ci: number, out: Float32Array, to: number, size: number): void {
  let c = 0;
  for (; c + 4 <= ci; c += 4) {
    const a0 = to + c * size,
      a1 = a0 + size,
      a2 = a1 + size,
      a3 = a2 + size;
    for (let q = 0, f = from + c; q < w; q++, f += ci) {
      out[a0 + q] = xv[f];
      out[a1 + q] = xv[f + 1];
      out[a2 + q] = xv[f + 2];
      out[a3 + q] = xv[f + 3];
    }
  }
  for (; c < ci; c++) {
    for (let q = 0, at = to + c * size, f = from + c; q < w; q++, f += ci) out[at + q] = xv[f];
  }
}

function addInto(sums: Float32Array, at: number, part: Float32Array): void {
  for (let e = 0; e < part.length; e++) sums[at + e] += part[e];
}

/**
 * Chunk by chunk: lays x out as [channel][grid] and dy as [grid][channel] in two buffers that every
 * chunk reuses (written while the matmuls will find them cached; the zeros between images are
 * written once), then sums one matmul per tap. Written by hand: no kept library works on the wasm heap.
 */
function filterByTaps(k: WasmKernels, x: Info, dy: Info, info: ConvInfo, plan: TapPlan): Info {
  const { batchSize: batch, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { rows, cols, top, left, offsets, images, chunks, k: size } = plan;
  const xs = k.zeros([ci * size + offsets.at(-1)!]);
  const ds = k.zeros([size * co]);
  const sums = new Float32Array(offsets.length * ci * co);
  for (let chunk = 0, first = 0; chunk < chunks; chunk++, first += images) {
    // Views again for every chunk: the matmuls allocate, which may move the heap.
    const [xv, dyv, xsv, dsv] = [x, dy, xs, ds].map((t) => k.floats(t));
    const count = Math.min(images, batch - first);
    if (count < images) dsv.fill(0, count * rows * cols * co); // the previous chunk's dy past the last image
    for (let image = 0, b = first; image < count; image++, b++) {
      for (let p = 0; p < h; p++) {
        rowToChannels(xv, (b * h + p) * w * ci, w, ci, xsv, (image * rows + top + p) * cols + left, size);
      }
      for (let p = 0; p < oh; p++) {
        const from = (b * oh + p) * ow * co;
        dsv.set(dyv.subarray(from, from + ow * co), (image * rows + p) * cols * co);
      }
    }
    const weights = k.window(ds, 0, [1, size, co]);
    offsets.forEach((offset, tap) => {
      addInto(sums, tap * ci * co, k.floats(k.matMul(k.window(xs, offset, [1, ci, size]), weights)));
    });
  }
  const out = k.zeros([info.filterHeight, info.filterWidth, ci, co]);
  k.floats(out).set(sums);
  return out;
}

/**
 * Any stride: dL/dw as one XNNPACK conv over the input with batch and channel axes swapped
 * (docs/reference.md §6): dw[i,j,ci,co] = Σ_{b,p,q} xPad[b, p·s + i·d, q·s + j·d, ci] · dy[b,p,q,co], so
 * with x as [Ci,H,W,B] and dy as a filter [oh,ow,B,Co] it is a conv of stride d and dilation s.
 * Slower than the taps where both apply (docs/engine.md, measurements behind the code), likely because each image's 3×3
 * outputs fill only 9 of the 12 rows of XNNPACK's 4-row tiles.
 */
function filterByConv(k: WasmKernels, x: Info, dy: Info, info: ConvInfo): Info {
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  if (Math.max(sh, sw) > 1 && Math.max(dh, dw) > 1) {
    throw new Error('Conv2DBackpropFilter on wasm: strides > 1 together with dilations > 1 are not supported.');
  }
  // Bottom/right padding just large enough for kh×kw outputs; the conv may give more (sliced off).
  const after = (kernel: number, d: number, o: number, s: number, size: number, before: number) =>
    Math.max(0, (kernel - 1) * d + (o - 1) * s + 1 - size - before);
  const g = k.conv2d(
    k.transpose(x, [3, 1, 2, 0]),
    k.transpose(dy, [1, 2, 0, 3]),
    [dh, dw],
    [sh, sw],
    [
      [padInfo.top, after(info.filterHeight, dh, info.outHeight, sh, info.inHeight, padInfo.top)],
      [padInfo.left, after(info.filterWidth, dw, info.outWidth, sw, info.inWidth, padInfo.left)],
    ],
  );
  const [ci, kh, kw, co] = [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels];
  return k.transpose(k.slice(g, [0, 0, 0, 0], [ci, kh, kw, co]), [1, 2, 0, 3]);
}

/** dL/dw for NHWC conv2d: shifted-window matmuls at stride 1, one swapped-axes conv otherwise. */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs as Record<'x' | 'dy', Info>;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape, dilations = 1 } = attrs as unknown as Attrs;
  if (dataFormat === 'NCHW') throw new Error("Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only.");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
  );
  const plan = tapPlan(info);
  return withWasmKernels(backend as tf.KernelBackend, (k) => (plan ? filterByTaps(k, x, dy, info, plan) : filterByConv(k, x, dy, info)));
}

/** The wasm backend's missing `Conv2DBackpropFilter`, built from its own MatMul, Conv2D and Transpose. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
