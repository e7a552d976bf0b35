import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-wasm';

type Info = tf.TensorInfo;
/** What a kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];
/** A backprop kernel's TF.js attributes plus the dilation that tf.conv2d's gradient never passes. */
export type WithDilations<A> = A & { dilations?: [number, number] | number };
/** Per-axis [before, after] amounts, as PadV2 and explicit conv padding take them. */
export type Paddings = [number, number][];

/**
 * Calls the wasm backend's own registered kernels from inside another kernel, remembering each
 * output so that `withWasmKernels` can free the intermediates.
 */
export class WasmKernels {
  /** Every TensorInfo a call made, in order. */
  readonly made: Info[] = [];
  /** Windows onto memory that another TensorInfo owns (see `window`). */
  readonly windows: Info[] = [];

  constructor(readonly backend: tf.KernelBackend) {}

  /** Runs the registered wasm kernel `name` directly (no engine, no tape). */
  call(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): Info {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`The wasm backend has no '${name}' kernel.`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs }) as Info;
    this.made.push(out);
    return out;
  }

  /** Same data, new shape (no copy). */
  reshape(x: Info, shape: number[]): Info {
    return this.call('Reshape', { x }, { shape });
  }

  /**
   * Transpose. Size-1 axes are dropped and axes that stay neighbours are merged first: wasm's
   * Transpose has fast loops only up to rank 4 and copies even when nothing moves.
   */
  transpose(x: Info, perm: number[]): Info {
    const kept = perm.filter((axis) => x.shape[axis] !== 1);
    const inOrder = [...kept].sort((a, b) => a - b);
    // Runs of input axes that stay adjacent and in order, listed in output order.
    const runs: number[][] = [];
    kept.forEach((axis, i) => {
      if (i > 0 && inOrder.indexOf(kept[i - 1]) + 1 === inOrder.indexOf(axis)) runs.at(-1)!.push(axis);
      else runs.push([axis]);
    });
    const outShape = perm.map((axis) => x.shape[axis]);
    if (runs.length <= 1) return this.reshape(x, outShape);
    const byInput = [...runs].sort((a, b) => a[0] - b[0]);
    const merged = byInput.map((run) => run.reduce((n, axis) => n * x.shape[axis], 1));
    const order = runs.map((run) => byInput.indexOf(run));
    const t = tf.util.arraysEqual(order, [2, 1, 0])
      ? this.swapOuterInner(this.reshape(x, merged))
      : this.call('Transpose', { x: this.reshape(x, merged) }, { perm: order });
    return this.reshape(t, outShape);
  }

  /**
   * [a, m, b] → [b, m, a] (the filter gradient's batch ⇄ channel swap). Written here because
   * wasm's Transpose walks the input with a stride of m·b floats for every element written; one
   * a × b tile per m stays in L1, about 5× faster (docs/engine.md, measurements behind the code).
   */
  private swapOuterInner(x: Info): Info {
    const [a, m, b] = x.shape;
    const out = this.alloc([b, m, a], x.dtype);
    // Views after the allocation, which may grow (and so move) the heap.
    const [src, dst] = [this.floats(x), this.floats(out)];
    // Output rows of a are written whole; their a reads, m·b apart, stay cached across j.
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < b; j++) {
        const to = (j * m + k) * a;
        for (let i = 0, from = k * b + j; i < a; i++, from += m * b) dst[to + i] = src[from];
      }
    }
    return out;
  }

  /** Zero padding; `x` itself when there is none. */
  pad(x: Info, paddings: Paddings): Info {
    return paddings.flat().some((p) => p !== 0) ? this.call('PadV2', { x }, { paddings, constantValue: 0 }) : x;
  }

  /** Reverses the leading axis (wasm's Reverse indexes every element; MirrorPad copies rows). */
  flipLeading(x: Info): Info {
    const n = x.shape[0];
    if (n === 1) return x;
    // Reflecting n − 1 rows in front puts the rows of x, reversed, first.
    const paddings = x.shape.map((_, axis) => [axis === 0 ? n - 1 : 0, 0]);
    return this.slice(
      this.call('MirrorPad', { x }, { paddings, mode: 'reflect' }),
      x.shape.map(() => 0),
      x.shape,
    );
  }

  /**
   * Slice; `x` itself when it covers all of `x`. Axes inside a fully kept inner block are merged
   * first, so the copy runs over long contiguous rows (wasm's Slice is a JS loop over rows).
   */
  slice(x: Info, begin: number[], size: number[]): Info {
    const dims = [x.shape.at(-1)!],
      b = [begin.at(-1)!],
      s = [size.at(-1)!];
    for (let axis = x.shape.length - 2; axis >= 0; axis--) {
      if (s[0] === dims[0]) {
        b[0] += begin[axis] * dims[0];
        s[0] *= size[axis];
        dims[0] *= x.shape[axis];
      } else {
        dims.unshift(x.shape[axis]);
        b.unshift(begin[axis]);
        s.unshift(size[axis]);
      }
    }
    if (s.every((n, i) => n === dims[i])) return x;
    return this.reshape(this.call('Slice', { x: this.reshape(x, dims) }, { begin: b, size: s }), size);
  }

  /** A new buffer of `shape` on the wasm heap, freed with the other intermediates; its values are undefined. */
  private alloc(shape: number[], dtype: tf.DataType = 'float32'): Info {
    const out = (this.backend as BackendWasm).makeOutput(shape, dtype);
    this.made.push(out);
    return out;
  }

  /** A new float32 buffer of `shape`, all zeros. */
  zeros(shape: number[]): Info {
    const out = this.alloc(shape);
    this.floats(out).fill(0);
    return out;
  }

  /** The float32 values of `x` on the wasm heap; take them again after any allocation, which may move the heap. */
  floats(x: Info): Float32Array {
    return (this.backend as BackendWasm).typedArrayFromHeap(x) as Float32Array;
  }

  /**
   * A tensor of `shape` over the floats of `base` from `offset` on, sharing its memory (wasm's
   * makeOutput registers a pointer without allocating). Released, never freed, when the body ends.
   */
  window(base: Info, offset: number, shape: number[]): Info {
    const backend = this.backend as BackendWasm;
    const out = backend.makeOutput(shape, 'float32', backend.getMemoryOffset(base.dataId) + 4 * offset);
    this.windows.push(out);
    return out;
  }

  /** a · b for a [1, m, k] and b [1, k, n]: XNNPACK's fully-connected operator, b packed as its weights. */
  matMul(a: Info, b: Info): Info {
    return this.call('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }

  /** wasm's XNNPACK Conv2D (NHWC) with explicit spatial padding. */
  conv2d(x: Info, filter: Info, strides: [number, number], dilations: [number, number], pad: Paddings): Info {
    return this.call('Conv2D', { x, filter }, { strides, dilations, pad: [[0, 0], ...pad, [0, 0]], dataFormat: 'NHWC' });
  }
}

/** Runs `body` and frees every intermediate it made except the TensorInfo it returns. */
export function withWasmKernels(backend: tf.KernelBackend, body: (k: WasmKernels) => Info): Info {
  const k = new WasmKernels(backend);
  let result: Info | undefined;
  try {
    result = body(k);
    // A kernel must return data it owns: share an input's data by reference count, never hand it back.
    if (!k.made.includes(result)) result = k.reshape(result, result.shape);
    return result;
  } finally {
    // A window's id is dropped without wasm's free (its memory belongs to another buffer), first:
    // dropping an id also deletes the XNNPACK operators cached on it.
    const wasm = backend as BackendWasm;
    for (const { dataId } of k.windows) {
      wasm.wasm.tfjs.disposeData(wasm.dataIdMap.get(dataId)!.id);
      wasm.dataIdMap.delete(dataId);
    }
    for (const info of k.made) if (info !== result) backend.disposeData(info.dataId);
  }
}
