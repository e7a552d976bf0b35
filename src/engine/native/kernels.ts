import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NativeAddon } from './addon.js';

type Info = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];
type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Conv2DAttrs = Pick<tf.Conv2DAttrs, 'strides' | 'pad' | 'dataFormat' | 'dimRoundingMode'> & { dilations?: [number, number] | number };
/** A native kernel: its output, or undefined where oneDNN does not apply (the stock kernel then runs). */
type NativeKernel = (args: KernelArgs, addon: NativeAddon) => Info | undefined;

/** Activations oneDNN fuses as post-ops (REFERENCE: TF.js's fused op names); prelu stays in wasm. */
const FUSABLE = new Set(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu']);

/** The geometry array addon.cc's conv kernels read (see `Conv` there). */
function convGeometry(c: Conv2DInfo): number[] {
  const p = c.padInfo;
  return [
    c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.filterHeight, c.filterWidth, c.outChannels, c.outHeight, c.outWidth,
    c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, p.top, p.bottom, p.left, p.right,
  ];
}

function convInfo(xShape: number[], filterShape: number[], attrs: Conv2DAttrs): Conv2DInfo | undefined {
  if (attrs.dataFormat === 'NCHW') return undefined;
  const c = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode,
  );
  // Empty tensors and negative (cropping) pads are left to the stock kernels.
  const empty = [c.batchSize, c.inHeight, c.inWidth, c.inChannels, c.outHeight, c.outWidth, c.outChannels].includes(0);
  return empty || [c.padInfo.top, c.padInfo.bottom, c.padInfo.left, c.padInfo.right].some((v) => v < 0) ? undefined : c;
}

/**
 * Allocates `shape` on the wasm heap, then runs `fill` on Float32Array views of the inputs and
 * the output. Views are taken after the allocation, which may grow (and so move) the heap.
 * Returns undefined, freeing the output, when `fill` reports that oneDNN cannot do it.
 */
function computeInto(backend: BackendWasm, inputs: readonly (Info | null)[], shape: number[], fill: (views: (Float32Array | null)[], out: Float32Array) => boolean): Info | undefined {
  if (inputs.some((t) => t && t.dtype !== 'float32')) return undefined;
  const out = backend.makeOutput(shape, 'float32');
  const views = inputs.map((t) => (t ? (backend.typedArrayFromHeap(t) as Float32Array) : null));
  if (fill(views, backend.typedArrayFromHeap(out) as Float32Array)) return out;
  backend.disposeData(out.dataId);
  return undefined;
}

function biasFor(bias: Info | undefined, size: number): Info | null | undefined {
  if (!bias) return null;
  return tf.util.sizeFromShape(bias.shape) === size ? bias : undefined;
}

const conv2D: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { x, filter } = inputs as Record<string, Info>;
  const c = convInfo(x.shape, filter.shape, attrs as unknown as Conv2DAttrs);
  if (!c) return undefined;
  return computeInto(backend as BackendWasm, [x, filter], c.outShape, ([xv, fv], y) => addon.conv2d(xv!, fv!, null, y, convGeometry(c), 'linear', 0));
};

const fusedConv2D: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { x, filter, bias } = inputs as Record<string, Info | undefined>;
  const { activation = 'linear', leakyreluAlpha = 0.2 } = attrs as unknown as tf.FusedConv2DAttrs;
  const c = convInfo(x!.shape, filter!.shape, attrs as unknown as Conv2DAttrs);
  const b = c && biasFor(bias, c.outChannels);
  if (!c || b === undefined || !FUSABLE.has(activation)) return undefined;
  return computeInto(backend as BackendWasm, [x!, filter!, b], c.outShape, ([xv, fv, bv], y) =>
    addon.conv2d(xv!, fv!, bv, y, convGeometry(c), activation, leakyreluAlpha));
};

const conv2DBackpropInput: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { dy, filter } = inputs as Record<string, Info>;
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs & Conv2DAttrs;
  const c = convInfo(a.inputShape, filter.shape, a);
  if (!c) return undefined;
  return computeInto(backend as BackendWasm, [dy, filter], c.inShape, ([dyv, fv], dx) => addon.conv2dBackwardData(dyv!, fv!, dx, convGeometry(c)));
};

const conv2DBackpropFilter: NativeKernel = ({ inputs, backend, attrs }, addon) => {
  const { x, dy } = inputs as Record<string, Info>;
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs & Conv2DAttrs;
  const c = convInfo(x.shape, a.filterShape, a);
  if (!c) return undefined;
  return computeInto(backend as BackendWasm, [x, dy], a.filterShape, ([xv, dyv], dw) => addon.conv2dBackwardFilter(xv!, dyv!, dw, convGeometry(c)));
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
    addon.matMul(av!, bv!, biasv, out, [batchA, batchB, m, k, n, Number(transposeA), Number(transposeB)], activation, leakyreluAlpha));
}

/** The kernels the native engine serves with oneDNN; all others are the wasm backend's. */
export const NATIVE_KERNELS: Readonly<Record<string, NativeKernel>> = {
  [tf.Conv2D]: conv2D,
  [tf.FusedConv2D]: fusedConv2D,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [tf.BatchMatMul]: (args, addon) => matMul(args, addon, false),
  [tf._FusedMatMul]: (args, addon) => matMul(args, addon, true),
};

/**
 * The kernel config for `backendName`: the native kernel, falling back to `stock` (the wasm
 * kernel of the same name, whose setup it keeps) where oneDNN does not apply.
 */
export function nativeKernelConfig(name: string, backendName: string, addon: NativeAddon, stock: tf.KernelConfig): tf.KernelConfig {
  const kernel = NATIVE_KERNELS[name];
  return {
    kernelName: name,
    backendName,
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => kernel(args, addon) ?? stock.kernelFunc(args),
  };
}
