import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADAM } from '../engine/fused-adam.js';

/** Adam's state: everything needed to continue bit for bit. */
export interface AdamState {
  /** Updates applied so far. */
  readonly step: number;
  readonly m: tf.Tensor[];
  readonly v: tf.Tensor[];
}

/**
 * Adam (Kingma & Ba 2015, as torch.optim.Adam). Written here rather than using tf.train.adam
 * because that one restores its bias-correction terms with pow() instead of its running
 * product, so a resumed run would drift from an uninterrupted one; here they are computed
 * from the step count in float64 every step.
 */
export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private count = 0;

  constructor(
    private readonly vars: readonly tf.Variable[],
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.m = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
    this.v = vars.map((w) => tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
  }

  /**
   * Applies one update from gradients aligned with the variables. Where the engine has the fused
   * kernel (native, wasm: engine/fused-adam.ts) each variable takes one kernel call instead of
   * about twelve, with the same float32 bits; elsewhere (cpu, tensorflow) the ops below run.
   */
  update(grads: readonly tf.Tensor[]): void {
    this.count += 1;
    const c1 = 1 / (1 - this.beta1 ** this.count);
    const c2 = 1 / (1 - this.beta2 ** this.count);
    if (tf.getKernel(FUSED_ADAM, tf.getBackend())) {
      const scalars = [this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2, this.lr * c1, c2, this.epsilon];
      this.vars.forEach((w, i) => {
        const [w2, m2, v2] = tf
          .engine()
          .runKernel(FUSED_ADAM, { w, g: grads[i], m: this.m[i], v: this.v[i] }, { scalars } as unknown as tf.NamedAttrMap) as tf.Tensor[];
        this.m[i].assign(m2);
        this.v[i].assign(v2);
        w.assign(w2);
        tf.dispose([w2, m2, v2]);
      });
      return;
    }
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(grads[i], 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(grads[i]), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        w.assign(tf.sub(w, tf.div(tf.mul(m, this.lr * c1), tf.add(tf.sqrt(tf.mul(v, c2)), this.epsilon))));
      });
    });
  }

  /** Copies of the state (owned by the caller). */
  state(): AdamState {
    return { step: this.count, m: this.m.map((t) => t.clone()), v: this.v.map((t) => t.clone()) };
  }

  /** Restores a state saved by `state()`. */
  restore(state: AdamState): void {
    this.count = state.step;
    state.m.forEach((t, i) => this.m[i].assign(t));
    state.v.forEach((t, i) => this.v[i].assign(t));
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
