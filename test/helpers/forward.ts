import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { withPrecision, type Precision } from '../../src/engine/backend.js';
import { initWeights } from '../../src/model/init.js';
import { buildReferenceUNet } from '../../src/model/reference-unet.js';
import { timeEmbedding } from '../../src/model/time-embedding.js';
import { trainingForward } from '../../src/model/training-forward.js';
import { UNET_PRESETS, buildUNet, type UNetPreset } from '../../src/model/unet.js';
import { Rng } from '../../src/util/rng.js';

/** Values where ReLU's gradient is delicate (y, and dy beside each): signed zeros, NaN, infinities, tiny and huge numbers. */
export const EDGE_Y = [2, 0, -0, -1, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, 0.5, 0];
export const EDGE_DY = [-3, -3, 2, -2, 1, NaN, 5, -0, 7, -1, Infinity, -0];

/** A model with seeded weights and seeded inputs and target for one L1 step. */
export interface Case {
  readonly model: tfl.LayersModel;
  readonly inputs: tf.Tensor[];
  readonly target: tf.Tensor;
}

/** The suite U-Net of `preset` at 32×32×1 with batch 6 (t = 1..6), or the reference U-Net; weights from Rng(seed). */
export function unetCase(preset: UNetPreset | 'reference', seed = 1): Case {
  const rng = new Rng(seed);
  const batch = 6;
  const image = (channels: number) => tf.tensor4d(rng.normals(batch * 32 * 32 * channels), [batch, 32, 32, channels]);
  if (preset === 'reference') {
    const model = buildReferenceUNet({ base: 8 });
    initWeights(model, rng.fork('init'));
    return { model, inputs: [image(2)], target: image(1) };
  }
  const model = buildUNet({ size: 32, channels: 1, ...UNET_PRESETS[preset] });
  initWeights(model, rng.fork('init'));
  const t = Int32Array.from({ length: batch }, (_, i) => 1 + i);
  return { model, inputs: [image(1), timeEmbedding(t, UNET_PRESETS[preset].timeDim)], target: image(1) };
}

/** The L1 loss and every weight's gradient, as float32 arrays, with the forward pass `forward`. */
function lossAndGrads(c: Case, forward: (x: tf.Tensor[]) => tf.Tensor, precision: Precision): Float32Array[] {
  const vars = c.model.trainableWeights.map((w) => w.read() as tf.Variable);
  return withPrecision(precision, () => {
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(forward(c.inputs), c.target))) as tf.Scalar, vars);
    const out = [value, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  });
}

/** Loss and gradients by `model.apply(…, { training: true })` and by `trainingForward(model)`, on the active backend. */
export function forwardBothWays(c: Case, precision: Precision = 'fp32'): { layers: Float32Array[]; functional: Float32Array[] } {
  return {
    layers: lossAndGrads(c, (x) => c.model.apply(x, { training: true }) as tf.Tensor, precision),
    functional: lossAndGrads(c, trainingForward(c.model), precision),
  };
}

/** Kernel calls of one loss-and-gradient step with `forward`, by kernel name (tf.profile). */
export async function kernelCalls(c: Case, functional: boolean): Promise<Map<string, number>> {
  const forward = functional ? trainingForward(c.model) : (x: tf.Tensor[]) => c.model.apply(x, { training: true }) as tf.Tensor;
  const info = await tf.profile(() => void lossAndGrads(c, forward, 'fp32'));
  const counts = new Map<string, number>();
  for (const k of info.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return counts;
}
