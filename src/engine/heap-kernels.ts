import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Info = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * The inner loops of the layout kernels below, over float32 views of the wasm heap: the native
 * addon's oneDNN ones, or plain JS ones for the wasm engine (src/engine/wasm/layout.ts). Each
 * returns false where it cannot do a case, and the stock wasm kernel then runs.
 */
export interface LayoutOps {
  /** Parts [outer, sizes[i], inner] joined along the middle axis, and the inverse. */
  concat(parts: Float32Array[], out: Float32Array, outerInner: [number, number], sizes: number[]): boolean;
  split(x: Float32Array, parts: Float32Array[], outerInner: [number, number], sizes: number[]): boolean;
  /** Average-pooling gradient (padding not counted); geometry [n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pb, pl, pr]. */
  avgPoolBackward(dy: Float32Array, dx: Float32Array, geometry: number[]): boolean;
  /** Gradient of a nearest upsample by whole factors; geometry [n, h, w, c, oh, ow]. */
  resizeNearestBackward(dy: Float32Array, dx: Float32Array, geometry: number[]): boolean;
}

/** A kernel whose loops run on the wasm heap: its output(s), or undefined where `ops` does not apply. */
export type HeapKernel<Ops> = (args: KernelArgs, ops: Ops) => Info | Info[] | undefined;

/**
 * Allocates outputs of `shapes` on the wasm heap, then runs `fill` on Float32Array views of the
 * inputs and the outputs. Views are taken after the allocations, which may grow (and so move) the
 * heap. Returns undefined, freeing the outputs, when `fill` reports that it cannot do it.
 */
export function computeMany(
  backend: BackendWasm,
  inputs: readonly (Info | null)[],
  shapes: number[][],
  fill: (views: (Float32Array | null)[], outs: Float32Array[]) => boolean,
): Info[] | undefined {
  if (inputs.some((t) => t && t.dtype !== 'float32')) return undefined;
  const outs = shapes.map((shape) => backend.makeOutput(shape, 'float32'));
  const view = (t: Info) => backend.typedArrayFromHeap(t) as Float32Array;
  if (
    fill(
      inputs.map((t) => (t ? view(t) : null)),
      outs.map(view),
    )
  )
    return outs;
  outs.forEach((out) => backend.disposeData(out.dataId));
  return undefined;
}

export function computeInto(
  backend: BackendWasm,
  inputs: readonly (Info | null)[],
  shape: number[],
  fill: (views: (Float32Array | null)[], out: Float32Array) => boolean,
): Info | undefined {
  return computeMany(backend, inputs, [shape], (views, [out]) => fill(views, out))?.[0];
}

/** Sizes before, along and after `axis`: the [outer, sizes, inner] view that concat and split take. */
function alongAxis(shapes: number[][], axis: number): [[number, number], number[]] {
  const [shape] = shapes;
  return [[tf.util.sizeFromShape(shape.slice(0, axis)), tf.util.sizeFromShape(shape.slice(axis + 1))], shapes.map((s) => s[axis])];
}

const concat: HeapKernel<LayoutOps> = ({ inputs, backend, attrs }, ops) => {
  const parts = (inputs as unknown as Info[]).filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (parts.length < 2) return undefined;
  const axis = tf.util.parseAxisParam((attrs as unknown as tf.ConcatAttrs).axis, parts[0].shape)[0];
  const shapes = parts.map((t) => t.shape);
  const [outerInner, sizes] = alongAxis(shapes, axis);
  return computeInto(backend as BackendWasm, parts, tf.backend_util.computeOutShape(shapes, axis), (views, out) =>
    ops.concat(views as Float32Array[], out, outerInner, sizes),
  );
};

const splitV: HeapKernel<LayoutOps> = ({ inputs, backend, attrs }, ops) => {
  const { x } = inputs as Record<string, Info>;
  const { numOrSizeSplits, axis } = attrs as unknown as tf.SplitVAttrs;
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  if (sizes.some((n) => n === 0) || tf.util.sizeFromShape(x.shape) === 0) return undefined;
  const shapes = sizes.map((n) => x.shape.map((d, i) => (i === $axis ? n : d)));
  const [outerInner] = alongAxis([x.shape], $axis);
  return computeMany(backend as BackendWasm, [x], shapes, ([xv], outs) => ops.split(xv!, outs, outerInner, sizes));
};

const avgPoolGrad: HeapKernel<LayoutOps> = ({ inputs, backend, attrs }, ops) => {
  const { dy, input } = inputs as Record<string, Info>;
  const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
  const c = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
  const p = c.padInfo;
  if ([p.top, p.bottom, p.left, p.right].some((v) => v < 0)) return undefined;
  const geometry = [
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.outHeight,
    c.outWidth,
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
  ];
  return computeInto(backend as BackendWasm, [dy], input.shape, ([dyv], dx) => ops.avgPoolBackward(dyv!, dx, geometry));
};

const resizeNearestGrad: HeapKernel<LayoutOps> = ({ inputs, backend, attrs }, ops) => {
  const { images, dy } = inputs as Record<string, Info>;
  const { alignCorners, halfPixelCenters } = attrs as unknown as tf.ResizeNearestNeighborGradAttrs;
  const [n, h, w, c] = images.shape,
    [, oh, ow] = dy.shape;
  if (alignCorners || halfPixelCenters || oh % h || ow % w || n * h * w * c === 0) return undefined;
  return computeInto(backend as BackendWasm, [dy], images.shape, ([dyv], dx) => ops.resizeNearestBackward(dyv!, dx, [n, h, w, c, oh, ow]));
};

/** Kernels whose TF.js-side setup is shared by both engines; only the loops differ. */
export const LAYOUT_KERNELS: Readonly<Record<string, HeapKernel<LayoutOps>>> = {
  [tf.Concat]: concat,
  [tf.SplitV]: splitV,
  [tf.AvgPoolGrad]: avgPoolGrad,
  [tf.ResizeNearestNeighborGrad]: resizeNearestGrad,
};

/**
 * The kernel config for `backendName`: `kernel` with `ops`, falling back to `stock` (the wasm
 * kernel of the same name, whose setup it keeps) where `ops` does not apply.
 */
export function heapKernelConfig<Ops>(kernel: HeapKernel<Ops>, backendName: string, ops: Ops, stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: stock.kernelName,
    backendName,
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => kernel(args, ops) ?? stock.kernelFunc(args),
  };
}

/**
 * The config of a kernel coldbench adds (fused Adam, ReLU's gradient): `kernel` with `ops` on
 * `backendName`; there is no stock kernel to fall back to, so a case it cannot do throws.
 */
export function addedKernelConfig<Ops>(kernelName: string, backendName: string, kernel: HeapKernel<Ops>, ops: Ops): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const out = kernel(args, ops);
      if (!out) throw new Error(`${kernelName}: the ${backendName} engine could not run it (non-float32 input)`);
      return out;
    },
  };
}
