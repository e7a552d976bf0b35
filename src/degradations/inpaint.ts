import * as tf from '@tensorflow/tfjs-core';
import { defineDegradation, type Params } from './types.js';

const params = {
  steps: { default: 50, doc: 'number of mask steps T', min: 1, max: 10000, integer: true },
  sigma: {
    default: 1.1,
    doc: 'σ of the Gaussian hole at step 1, in pixels (official: kernel_std 0.1 × initial_mask 11)',
    min: 0.05,
    max: 1000,
  },
  growth: { default: 0.1, doc: 'σ added per step: σ_i = sigma + (i−1)·growth (1.1 → 6.0 px over 50 steps)', min: 0, max: 100 },
  randomCentre: {
    default: true,
    doc: "a hole centre drawn per image (official 'Random_Incremental'); false: the image centre ('Incremental')",
  },
} as const;

type InpaintParams = Params<typeof params>;

const cache = new Map<string, Float32Array>();

/**
 * The mask of step t as a function of q = 4·r², r the distance to the hole's centre (q is a whole
 * number: centres sit on pixels, or at the image centre, on half pixels): Π_{i≤t} (1 − e^(−r²/2σ_i²)),
 * the official fade kernels 1 − G_σi/max G_σi multiplied over steps. Entries q = 0..maxQ.
 */
export function inpaintTable(t: number, maxQ: number, p: InpaintParams): Float32Array {
  const key = JSON.stringify([t, maxQ, p.sigma, p.growth]);
  let table = cache.get(key);
  if (!table) {
    table = new Float32Array(maxQ + 1);
    for (let q = 0; q <= maxQ; q++) {
      let m = 1;
      for (let i = 1; i <= t; i++) m *= 1 - Math.exp(-q / 4 / (2 * (p.sigma + (i - 1) * p.growth) ** 2));
      table[q] = m;
    }
    cache.set(key, table);
  }
  return table;
}

/**
 * Inpainting / fade (official defading-diffusion-pytorch): x_t = M_t ⊙ x0, M_t the product of t
 * Gaussian holes of growing σ around one centre; masked pixels go to 0, mid-grey. With
 * `randomCentre` the centre is this degradation's ε, drawn per image as the official
 * 'Random_Incremental' does (a window of a 2N × 2N fade kernel at a uniform offset of 0..N, so
 * centre rows and columns N−1−k, k uniform in 0..N) and held fixed while sampling.
 */
export const inpaint = defineDegradation({
  name: 'inpaint',
  family: 'mask',
  version: 3,
  stochastic: true,
  description: 'cumulative Gaussian holes of growing σ around a random centre per image, fading to mid-grey',
  reference:
    "Bansal et al. 2022, inpainting; official defading-diffusion-pytorch, MNIST/CIFAR-10: 'Random_Incremental', T = 50, kernel_std 0.1",
  params,
  testParams: { steps: 4, sigma: 2, growth: 2 },
  range: [-1, 1],
  // ε = { centre: [B, 2], the hole's (row, column) per image }.
  sampleNoise({ shape: [b, h, w], params: p, rng }) {
    const draw = rng.fork('centre');
    const centre = new Float32Array(2 * b);
    for (let i = 0; i < b; i++) {
      centre[2 * i] = p.randomCentre ? h - 1 - draw.int(h + 1) : (h - 1) / 2;
      centre[2 * i + 1] = p.randomCentre ? w - 1 - draw.int(w + 1) : (w - 1) / 2;
    }
    return { centre: tf.tensor2d(centre, [b, 2]) };
  },
  // No prior: restoration only, as in the paper's inpainting experiments.
  apply(x0, t, p, { centre }) {
    if (t === 0) return x0.clone();
    const [b, h, w] = x0.shape;
    return tf.tidy(() => {
      const [cy, cx] = tf.split(tf.mul(centre, 2), 2, 1).map((c) => tf.reshape(c, [b, 1, 1, 1]));
      const rows = tf.reshape(tf.mul(tf.range(0, h, 1, 'float32'), 2), [1, h, 1, 1]);
      const cols = tf.reshape(tf.mul(tf.range(0, w, 1, 'float32'), 2), [1, 1, w, 1]);
      // q = 4·r² = (2y − 2cy)² + (2x − 2cx)², whole numbers up to 4·2·(max(h, w) + 1)².
      const q = tf.cast(tf.round(tf.add(tf.square(tf.sub(rows, cy)), tf.square(tf.sub(cols, cx)))), 'int32');
      const maxQ = 8 * (Math.max(h, w) + 1) ** 2;
      return tf.mul(x0, tf.gather(tf.tensor1d(inpaintTable(t, maxQ, p)), q)) as tf.Tensor4D;
    });
  },
});
