import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FUSED_ADAM, fusedAdam } from '../fused-adam.js';
import { RELU_GRAD, reluGrad } from '../conv-relu.js';
import { computeInto, LAYOUT_KERNELS, type HeapKernel } from '../heap-kernels.js';
import type { NativeAddon } from './addon.js';

type Info = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];
type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Conv2DAttrs = Pick<tf.Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'> & { dilations?: [number, number] | number };
/** A native kernel: its output(s), or undefined where oneDNN does not apply (the stock kernel then runs). */
type NativeKernel = HeapKernel<NativeAddon>;

/** Activations oneDNN fuses as post-ops (docs/reference.md §6: TF.js's fused op names); prelu stays in wasm. */
const FUSABLE = new Set(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu']);

/** The geometry array addon.cc's conv kernels read (see `Conv` there). */
function convGeometry(c: Conv2DInfo): number[] {
  const p = c.padInfo;
  return [
    c.batchSize,
    c.inHeight,
    c.inWidth,
    c.inChannels,
    c.filterHeight,
    c.filterWidth,
    c.outChannels,
    c.outHeight,
    c.outWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
  ];
}

function convInfo(xShape: number[], filterShape: number[], attrs: Conv2DAttrs): Conv2DInfo | undefined {
  if (attrs.dataFormat === 'NCHW') return undefined;
  const c = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  // Empty tensors and negative (cropping) pads are left to the stock kernels.
  const empty = [c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels].includes(0);
  return empty || [c.padInfo.top, c.padInfo.bottom, c.padInfo.left, c.padInfo.right].some((v) => v < 0) ? undefined : c;
}

/** A vector of n ones, reused: the other factor when a sum is a matrix product. */
let ones = new Float32Array(0);
function onesOf(n: number): Float32Array {
  if (ones.length < n) ones = new Float32Array(n).fill(1);
  return ones.subarray(0, n);
}

/**
 * Sums over leading axes (a bias gradient) or trailing ones as a product with a ones vector, in
 * oneDNN's matmul: its reduction primitive is many times slower for these shapes. Other axis sets
 * go to wasm's Sum.
 */
const sum: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { x } = inputs as Record<string, Info>;
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const rank = x.shape.length;
  const leading = axes.every((a, i) => a === i),
    trailing = axes.every((a, i) => a === rank - axes.length + i);
  if (axes.length === 0 || !(leading || trailing) || tf.util.sizeFromShape(x.shape) === 0) return undefined;
  const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const reduced = tf.util.sizeFromShape(axes.map((a) => x.shape[a]));
  const kept = tf.util.sizeFromShape(x.shape) / reduced;
  return computeInto(backend as BackendWasm, [x], shape, ([xv], out) =>
    leading
      ? addon.matMul(onesOf(reduced), xv!, null, out, [1, 1, 1, reduced, kept, 0, 0], 'linear', 0)
      : addon.matMul(xv!, onesOf(reduced), null, out, [1, 1, kept, reduced, 1, 0, 0], 'linear', 0),
  );
};

/** Below this many elements an elementwise op is all call overhead, and wasm's is as good. */
const ELEMENTWISE_MIN = 1 << 14;

const relu: NativeKernel = ({ inputs, backend }, addon) => {
  const { x } = inputs as Record<string, Info>;
  const size = tf.util.sizeFromShape(x.shape);
  return size < ELEMENTWISE_MIN ? undefined : computeInto(backend as BackendWasm, [x], x.shape, ([xv], out) => addon.relu(xv!, out, size));
};

/**
 * a op b with numpy broadcasting, where one operand has the output's shape (oneDNN broadcasts
 * only its second source); commutative ops swap their operands for that.
 */
function binary(op: 0 | 1 | 2): NativeKernel {
  return ({ inputs, backend }, addon) => {
    let { a, b } = inputs as Record<string, Info>;
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    if (op !== 2 && !tf.util.arraysEqual(a.shape, shape)) [a, b] = [b, a];
    const rank = shape.length;
    const padded = (s: number[]) => [...Array(rank - s.length).fill(1), ...s];
    if (tf.util.sizeFromShape(shape) < ELEMENTWISE_MIN || !tf.util.arraysEqual(a.shape, shape)) return undefined;
    return computeInto(backend as BackendWasm, [a, b], shape, ([av, bv], out) => addon.binary(av!, shape, bv!, padded(b.shape), out, op));
  };
}

const resizeNearest: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { images } = inputs as Record<string, Info>;
  const {
    alignCorners,
    halfPixelCenters,
    size: [oh, ow],
  } = attrs as unknown as tf.ResizeNearestNeighborAttrs;
  const [n, h, w, c] = images.shape;
  if (alignCorners || halfPixelCenters || oh % h || ow % w || n * h * w * c === 0) return undefined;
  return computeInto(backend as BackendWasm, [images], [n, oh, ow, c], ([xv], y) => addon.resizeNearest(xv!, y, [n, h, w, c, oh, ow]));
};

function biasFor(bias: Info | undefined, size: number): Info | null | undefined {
  if (!bias) return null;
  return tf.util.sizeFromShape(bias.shape) === size ? bias : undefined;
}

const conv2D: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { x, filter } = inputs as Record<string, Info>;
  const c = convInfo(x.shape, filter.shape, attrs as unknown as Conv2DAttrs);
  if (!c) return undefined;
  return computeInto(backend as BackendWasm, [x, filter], c.outShape, ([xv, fv], y) =>
    addon.conv2d(xv!, fv!, null, y, convGeometry(c), 'linear', 0),
  );
};

const fusedConv2D: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { x, filter, bias } = inputs as Record<string, Info | undefined>;
  const { activation = 'linear', leakyreluAlpha = 0.2 } = attrs as unknown as tf.FusedConv2DAttrs;
  const c = convInfo(x!.shape, filter!.shape, attrs as unknown as Conv2DAttrs);
  const b = c && biasFor(bias, c.outChannels);
  if (!c || b === undefined || !FUSABLE.has(activation)) return undefined;
  return computeInto(backend as BackendWasm, [x!, filter!, b], c.outShape, ([xv, fv, bv], y) =>
    addon.conv2d(xv!, fv!, bv, y, convGeometry(c), activation, leakyreluAlpha),
  );
};

const conv2DBackpropInput: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { dy, filter } = inputs as Record<string, Info>;
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs & Conv2DAttrs;
  const c = convInfo(a.inputShape, filter.shape, a);
  if (!c) return undefined;
  return computeInto(backend as BackendWasm, [dy, filter], c.inShape, ([dyv, fv], dx) =>
    addon.conv2dBackwardData(dyv!, fv!, dx, convGeometry(c)),
  );
};

const conv2DBackpropFilter: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { x, dy } = inputs as Record<string, Info>;
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs & Conv2DAttrs;
  const c = convInfo(x.shape, a.filterShape, a);
  if (!c) return undefined;
  return computeInto(backend as BackendWasm, [x, dy], a.filterShape, ([xv, dyv], dw) =>
    addon.conv2dBackwardFilter(xv!, dyv!, dw, convGeometry(c)),
  );
};

/**
 * [batch..., m, n] matrix products. Batches must match or one side must be a single matrix
 * (oneDNN broadcasts a batch of 1); other broadcasts go to the stock kernel.
 */
function matMul({ inputs, backend, attrs }: KernelArgs, addon: NativeAddon, fused: boolean): Info | undefined {
  const { a, b, bias } = inputs as Record<string, Info | undefined>;
  const { transposeA, transposeB, activation = 'linear', leakyreluAlpha = 0.2 } = attrs as unknown as tf._FusedMatMulAttrs;
  if (!FUSABLE.has(activation) || a!.shape.length < 2 || b!.shape.length < 2) return undefined;
  const outer = (t: Info) => t.shape.slice(0, -2);
  const [batchA, batchB] = [tf.util.sizeFromShape(outer(a!)), tf.util.sizeFromShape(outer(b!))];
  const m = transposeA ? a!.shape.at(-1)! : a!.shape.at(-2)!;
  const k = transposeA ? a!.shape.at(-2)! : a!.shape.at(-1)!;
  const n = transposeB ? b!.shape.at(-2)! : b!.shape.at(-1)!;
  const kb = transposeB ? b!.shape.at(-1)! : b!.shape.at(-2)!;
  const sameBatch = tf.util.arraysEqual(outer(a!), outer(b!));
  if (k !== kb || !(sameBatch || batchA === 1 || batchB === 1) || m * n * k === 0) return undefined;
  const batchShape = sameBatch || batchB === 1 ? outer(a!) : outer(b!);
  const biasInfo = fused ? biasFor(bias, n) : null;
  if (biasInfo === undefined) return undefined;
  return computeInto(backend as BackendWasm, [a!, b!, biasInfo], [...batchShape, m, n], ([av, bv, biasv], out) =>
    addon.matMul(av!, bv!, biasv, out, [batchA, batchB, m, k, n, Number(transposeA), Number(transposeB)], activation, leakyreluAlpha),
  );
}

/**
 * The kernels the native engine serves itself with oneDNN; all others are the wasm backend's
 * (with coldbench's wasm kernels: src/engine/wasm/).
 */
export const NATIVE_KERNELS: Readonly<Record<string, NativeKernel>> = {
  [tf.Sum]: sum,
  ...LAYOUT_KERNELS,
  [tf.ResizeNearestNeighbor]: resizeNearest,
  [tf.Relu]: relu,
  [tf.Add]: binary(0),
  [tf.Multiply]: binary(1),
  [tf.Sub]: binary(2),
  [tf.Conv2D]: conv2D,
  [tf.FusedConv2D]: fusedConv2D,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [tf.BatchMatMul]: (args, addon) => matMul(args, addon, false),
  [tf._FusedMatMul]: (args, addon) => matMul(args, addon, true),
  // An addon built before it had `adam` leaves the step to the JS loop (the wasm kernel).
  [FUSED_ADAM]: (args, addon) => (typeof addon.adam === 'function' ? fusedAdam(args, addon) : undefined),
  [RELU_GRAD]: (args, addon) => (typeof addon.reluGrad === 'function' ? reluGrad(args, addon) : undefined),
};
