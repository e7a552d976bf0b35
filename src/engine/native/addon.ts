import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The Node-API addon built from `native/src/addon.cc` (oneDNN behind TF.js's heavy kernels). */
export interface NativeAddon {
  /** y = act(conv(x, filter) + bias), NHWC/HWIO; false when oneDNN has no implementation for it. */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    y: Float32Array,
    geometry: number[],
    activation: string,
    alpha: number,
  ): boolean;
  conv2dBackwardData(dy: Float32Array, filter: Float32Array, dx: Float32Array, geometry: number[]): boolean;
  conv2dBackwardFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: number[]): boolean;
  /** out = act(op(a)·op(b) + bias) over [batch, m, n]; geometry [batchA, batchB, m, k, n, transposeA, transposeB]. */
  matMul(
    a: Float32Array,
    b: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    geometry: number[],
    activation: string,
    alpha: number,
  ): boolean;
  /** Parts [outer, sizes[i], inner] joined along the middle axis, and the inverse. */
  concat(parts: Float32Array[], out: Float32Array, outerInner: [number, number], sizes: number[]): boolean;
  split(x: Float32Array, parts: Float32Array[], outerInner: [number, number], sizes: number[]): boolean;
  /** Average-pooling gradient (padding not counted); geometry [n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pb, pl, pr]. */
  avgPoolBackward(dy: Float32Array, dx: Float32Array, geometry: number[]): boolean;
  relu(x: Float32Array, out: Float32Array, size: number): boolean;
  /** out = a op b (0 add, 1 multiply, 2 subtract); `aDims` is the output's shape, `bDims` broadcasts to it. */
  binary(a: Float32Array, aDims: number[], b: Float32Array, bDims: number[], out: Float32Array, op: number): boolean;
  /** Nearest upsample by whole factors; geometry [n, h, w, c, oh, ow]. */
  resizeNearest(x: Float32Array, y: Float32Array, geometry: number[]): boolean;
  /** Gradient of a nearest upsample by whole factors; geometry [n, h, w, c, oh, ow]. */
  resizeNearestBackward(dy: Float32Array, dx: Float32Array, geometry: number[]): boolean;
  /** One Adam step of one variable into the outputs (engine/fused-adam.ts); scalars [β1, 1 − β1, β2, 1 − β2, lr·c1, c2, ε]. */
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    wOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    n: number,
    scalars: number[],
  ): boolean;
  /** ReLU's gradient from its output: out = dy · step(y) (engine/conv-relu.ts), threaded. */
  reluGrad(dy: Float32Array, y: Float32Array, out: Float32Array, n: number): boolean;
  /** The convolutions' input precision on the calling thread ('bf16': bf16 copies, f32 accumulation); throws on a CPU without bf16. */
  setPrecision(precision: 'fp32' | 'bf16'): void;
  getPrecision(): 'fp32' | 'bf16';
  /** OpenMP threads for the calling thread's oneDNN calls. */
  setThreads(threads: number): void;
  getThreads(): number;
  version(): { onednn: string; isa: string };
}

/** Where `npm ci` (scripts/build-native.mjs) puts the addon; COLDBENCH_NATIVE_ADDON points elsewhere (a custom build, or none). */
export const NATIVE_ADDON_PATH =
  process.env.COLDBENCH_NATIVE_ADDON ?? fileURLToPath(new URL('../../../native/build/Release/coldbench_native.node', import.meta.url));

/** What `auto` says when it cannot use the native engine. */
export const NATIVE_MISSING_FIX = "install Debian's libdnnl-dev (apt-get install libdnnl-dev), then run npm ci again";

/** The addon, or why it cannot be loaded (not built, or built against a library that is gone). */
export function loadNativeAddon(path = NATIVE_ADDON_PATH): { addon: NativeAddon } | { reason: string } {
  if (!existsSync(path)) return { reason: `the native engine is not built (${NATIVE_MISSING_FIX})` };
  try {
    return { addon: createRequire(import.meta.url)(path) as NativeAddon };
  } catch (error) {
    return { reason: `the native engine does not load (${(error as Error).message.split('\n')[0]}; ${NATIVE_MISSING_FIX})` };
  }
}
