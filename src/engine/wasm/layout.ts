import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { computeInto, type HeapKernel, type LayoutOps } from '../heap-kernels.js';

/**
 * The layout kernels' loops in plain JS for the wasm engine. Written by hand because wasm's own
 * kernels are slow for these shapes (a reference U-Net step, ms: SplitV 22, ResizeNearestNeighborGrad
 * 23, Concat 10, AvgPoolGrad 12), and no kept library works on TF.js's wasm heap.
 */
export const JS_LAYOUT_OPS: LayoutOps = {
  concat(parts, out, [outer, inner], sizes) {
    for (let o = 0, to = 0; o < outer; o++) {
      parts.forEach((part, p) => {
        const run = sizes[p] * inner;
        out.set(part.subarray(o * run, (o + 1) * run), to);
        to += run;
      });
    }
    return true;
  },
  split(x, parts, [outer, inner], sizes) {
    for (let o = 0, from = 0; o < outer; o++) {
      parts.forEach((part, p) => {
        const run = sizes[p] * inner;
        part.set(x.subarray(from, from + run), o * run);
        from += run;
      });
    }
    return true;
  },
  avgPoolBackward(dy, dx, [n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pb, pl, pr]) {
    if (pt || pb || pl || pr) return false; // padded windows: the stock kernel
    dx.fill(0);
    const share = 1 / (kh * kw);
    for (let b = 0, from = 0; b < n; b++) {
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++, from += c) {
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const to = ((b * h + oy * sh + ky) * w + ox * sw + kx) * c;
              for (let k = 0; k < c; k++) dx[to + k] += dy[from + k] * share;
            }
          }
        }
      }
    }
    return true;
  },
  resizeNearestBackward(dy, dx, [n, h, w, c, oh, ow]) {
    dx.fill(0);
    const [fy, fx] = [oh / h, ow / w];
    for (let b = 0, from = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++, from += c) {
          const to = ((b * h + Math.floor(i / fy)) * w + Math.floor(j / fx)) * c;
          for (let k = 0; k < c; k++) dx[to + k] += dy[from + k];
        }
      }
    }
    return true;
  },
};

/**
 * Column sums of x as [rows, kept] into `out`, in float64 (JS arithmetic), four rows per pass:
 * about half the time of one row per pass (docs/engine.md, measurements behind the code).
 */
function columnSums(xv: Float32Array, kept: number, out: Float32Array): void {
  const acc = new Float64Array(kept),
    size = xv.length,
    step = 4 * kept;
  let row = 0;
  for (; row + step <= size; row += step) {
    for (let k = 0, r = row; k < kept; k++, r++) acc[k] += xv[r] + xv[r + kept] + (xv[r + 2 * kept] + xv[r + 3 * kept]);
  }
  for (; row < size; row += kept) for (let k = 0; k < kept; k++) acc[k] += xv[row + k];
  out.set(acc);
}

/**
 * Sum over leading axes (a bias gradient): wasm transposes the reduced axes innermost first;
 * column sums stream the input once.
 */
export const sumLeading: HeapKernel<null> = ({ inputs, backend, attrs }) => {
  const { x } = inputs as Record<string, tf.TensorInfo>;
  const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const size = tf.util.sizeFromShape(x.shape);
  if (axes.length === 0 || !axes.every((a, i) => a === i) || size === 0) return undefined;
  const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.slice(axes.length);
  const kept = tf.util.sizeFromShape(x.shape.slice(axes.length));
  return computeInto(backend as BackendWasm, [x], shape, ([xv], out) => {
    columnSums(xv!, kept, out);
    return true;
  });
};
