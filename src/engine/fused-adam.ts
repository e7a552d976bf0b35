import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { addedKernelConfig, computeMany, type HeapKernel } from './heap-kernels.js';
import type { NativeAddon } from './native/addon.js';

type Info = tf.TensorInfo;

/** The kernel name of one fused Adam step for one variable (train/adam.ts calls it where a backend has it). */
export const FUSED_ADAM = 'ColdbenchFusedAdam';

/** Its attributes: [β1, 1 − β1, β2, 1 − β2, lr·c1, c2, ε] (c1, c2 the bias corrections), rounded to float32 by the kernel. */
export interface FusedAdamAttrs {
  readonly scalars: readonly number[];
}

/** The loop of a fused Adam step over float32 views: the native addon's, or the JS one below. */
export type AdamOps = Pick<NativeAddon, 'adam'>;

/**
 * The JS loop of the wasm engine, rounding every operation to float32 (Math.fround) in the order
 * TF.js's kernels apply them, so it gives the bits of the op-by-op update; hand-written because
 * no kept library fuses TF.js kernels.
 */
export const JS_ADAM: AdamOps = {
  adam(w, g, m, v, wOut, mOut, vOut, n, scalars) {
    const [b1, ob1, b2, ob2, lrc1, c2, eps] = scalars.map(Math.fround);
    const f = Math.fround;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = f(f(m[i] * b1) + f(gi * ob1));
      const vi = f(f(v[i] * b2) + f(f(gi * gi) * ob2));
      wOut[i] = f(w[i] - f(f(mi * lrc1) / f(f(Math.sqrt(f(vi * c2))) + eps)));
      mOut[i] = mi;
      vOut[i] = vi;
    }
    return true;
  },
};

/**
 * The kernel: new w, m and v in fresh heap outputs (the variables are reassigned, never written in
 * place, since tensors may share data).
 */
export const fusedAdam: HeapKernel<AdamOps> = ({ inputs, backend, attrs }, ops) => {
  const { w, g, m, v } = inputs as Record<string, Info>;
  const { scalars } = attrs as unknown as FusedAdamAttrs;
  const n = tf.util.sizeFromShape(w.shape);
  return computeMany(backend as BackendWasm, [w, g, m, v], [w.shape, w.shape, w.shape], ([wv, gv, mv, vv], [wo, mo, vo]) =>
    ops.adam(wv!, gv!, mv!, vv!, wo, mo, vo, n, [...scalars]),
  );
};

/** The kernel config of `backendName` with `ops`. */
export function fusedAdamConfig(backendName: string, ops: AdamOps): tf.KernelConfig {
  return addedKernelConfig(FUSED_ADAM, backendName, fusedAdam, ops);
}
