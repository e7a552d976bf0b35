import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../../src/train/adam.js';
import { Rng } from '../../src/util/rng.js';

/**
 * Adam as TF.js ops, one kernel per operation (torch.optim.Adam's update, and what train/adam.ts
 * ran before its fused kernel): the reference the fused step must equal bit for bit.
 */
function opByOp(vars: tf.Variable[], m: tf.Variable[], v: tf.Variable[], grads: tf.Tensor[], step: number, lr: number): void {
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const c1 = 1 / (1 - beta1 ** step);
  const c2 = 1 / (1 - beta2 ** step);
  tf.tidy(() =>
    vars.forEach((w, i) => {
      const mi = tf.add(tf.mul(m[i], beta1), tf.mul(grads[i], 1 - beta1));
      const vi = tf.add(tf.mul(v[i], beta2), tf.mul(tf.square(grads[i]), 1 - beta2));
      m[i].assign(mi);
      v[i].assign(vi);
      w.assign(tf.sub(w, tf.div(tf.mul(mi, lr * c1), tf.add(tf.sqrt(tf.mul(vi, c2)), epsilon))));
    }),
  );
}

/**
 * `steps` Adam updates of three variables (one above the addon's threading threshold of 65,536
 * elements) with seeded gradients, by `Adam` and by the op-by-op reference, on the active backend:
 * both final weights, for a bitwise comparison.
 */
export function adamBothWays(steps = 5, lr = 3e-3): { fused: Float32Array[]; reference: Float32Array[] } {
  const shapes = [[3, 3, 4, 8], [17], [300, 300]];
  const rng = new Rng(42);
  const init = shapes.map((s, i) => Float32Array.from(rng.fork(`w${i}`).normals(s.reduce((a, b) => a * b, 1))));
  const grads = Array.from({ length: steps }, (_, k) =>
    shapes.map((s, i) => Float32Array.from(rng.fork(`g${k}-${i}`).normals(s.reduce((a, b) => a * b, 1)))),
  );
  const make = () => tf.tidy(() => shapes.map((s, i) => tf.variable(tf.tensor(init[i], s))));
  const a = make(),
    b = make();
  const [m, v] = [0, 1].map(() => tf.tidy(() => b.map((w) => tf.variable(tf.zerosLike(w)))));
  const adam = new Adam(a, lr);
  for (let k = 0; k < steps; k++) {
    const g = shapes.map((s, i) => tf.tensor(grads[k][i], s));
    adam.update(g);
    opByOp(b, m, v, g, k + 1, lr);
    tf.dispose(g);
  }
  const out = { fused: a.map((w) => w.dataSync() as Float32Array), reference: b.map((w) => w.dataSync() as Float32Array) };
  adam.dispose();
  tf.dispose([...a, ...b, ...m, ...v]);
  return out;
}
