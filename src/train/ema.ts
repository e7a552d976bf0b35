import * as tf from '@tensorflow/tfjs-core';

/** Exponential moving average of weights, the copy sampling uses (Cold Diffusion's official EMA). */
export class Ema {
  readonly shadow: tf.Variable[];

  constructor(private readonly vars: readonly tf.Variable[]) {
    this.shadow = vars.map((w) => tf.tidy(() => tf.variable(w.clone(), false)));
  }

  /** shadow ← decay·shadow + (1 − decay)·weights. */
  update(decay: number): void {
    tf.tidy(() => this.shadow.forEach((s, i) => s.assign(tf.add(tf.mul(s, decay), tf.mul(this.vars[i], 1 - decay)))));
  }

  /** shadow ← weights (before EMA starts, the average follows the model). */
  reset(): void {
    this.shadow.forEach((s, i) => s.assign(this.vars[i]));
  }

  dispose(): void {
    tf.dispose(this.shadow);
  }
}
