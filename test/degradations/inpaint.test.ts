import * as tf from '@tensorflow/tfjs-core';
import { batchTensor } from '../../src/data/batch.js';
import { loadDataset } from '../../src/data/index.js';
import { drawNoise } from '../../src/degradations/degrade.js';
import { inpaint } from '../../src/degradations/inpaint.js';
import { resolveParams } from '../../src/degradations/index.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

type P = Parameters<typeof inpaint.apply>[2];
const defaults = resolveParams(inpaint) as P;

/** M_t for each image: D(1, t) with the hole centres `centres` ([row, column] per image). */
function masks(centres: number[][], t: number, p: P, n = 32): Float32Array {
  const ones = tf.ones([centres.length, n, n, 1]) as tf.Tensor4D;
  const centre = tf.tensor2d(centres);
  const m = inpaint.apply(ones, t, p, { centre });
  const out = m.dataSync() as Float32Array;
  tf.dispose([ones, centre, m]);
  return out;
}

describe('inpaint', () => {
  it("multiplies the official 'Random_Incremental' fade windows", () => {
    // Reference: official defading_diffusion_gaussian.py: kernel j is get_gaussian_kernel2d((2N+1,
    // 2N+1), σ_j)/max, 1 − that, cropped [1:, 1:]; σ_j = kernel_std·(j + initial_mask) = 0.1·(j + 11);
    // an image at offset (rx, ry) takes window [rx : rx+N, ry : ry+N], and x_t multiplies the first
    // t windows. So pixel (y, x) gets Π_j (1 − exp(−((rx+y+1−N)² + (ry+x+1−N)²)/2σ_j²)).
    const n = 32;
    const offsets = [
      [0, 0],
      [32, 32],
      [5, 20],
    ];
    const official = (t: number) =>
      offsets.flatMap(([rx, ry]) =>
        Array.from({ length: n * n }, (_, k) => {
          const [y, x] = [Math.floor(k / n), k % n];
          let m = 1;
          for (let j = 0; j < t; j++) m *= 1 - Math.exp(-((rx + y + 1 - n) ** 2 + (ry + x + 1 - n) ** 2) / (2 * (0.1 * (j + 11)) ** 2));
          return m;
        }),
      );
    const centres = offsets.map(([rx, ry]) => [n - 1 - rx, n - 1 - ry]);
    for (const t of [1, 2, 17, 50]) {
      const ours = masks(centres, t, defaults);
      official(t).forEach((v, i) => expect(ours[i]).toBeCloseTo(v, 6));
    }
  });

  it('draws each image its own centre, uniform over the N + 1 official offsets, held in ε', () => {
    const noise = drawNoise(inpaint, [3300, 32, 32, 1], defaults, new Rng(5), {});
    const centres = noise.centre.dataSync();
    const counts = new Map<number, number>();
    centres.forEach((c) => counts.set(c, (counts.get(c) ?? 0) + 1));
    // Reference: rand_x = torch.randint(0, N + 1): centres N − 1 − rand_x cover −1..31, 200 each on average.
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 33 }, (_, i) => i - 1));
    for (const count of counts.values()) expect(Math.abs(count - 200)).toBeLessThan(5 * Math.sqrt(200)); // 5 SE
    tf.dispose(Object.values(noise));
    // With randomCentre false every image gets the image centre, the official 'Incremental'.
    const centred = drawNoise(inpaint, [2, 32, 32, 1], { ...defaults, randomCentre: false }, new Rng(5), {});
    expect(Array.from(centred.centre.dataSync())).toEqual([15.5, 15.5, 15.5, 15.5]);
    tf.dispose(Object.values(centred));
  });

  it("keeps half of a digit's ink at T with random centres; the centred hole erases 99%", async () => {
    const data = await loadDataset('digits', { size: 32 });
    const x0 = batchTensor(
      data.test,
      Int32Array.from({ length: 512 }, (_, i) => i),
    );
    const inkKept = (randomCentre: boolean, t: number) =>
      tf.tidy(() => {
        const p = { ...defaults, randomCentre };
        const noise = drawNoise(inpaint, x0.shape, p, new Rng(1), {});
        const ink = tf.div(tf.add(x0, 1), 2); // 0 on the black background, 1 on a full stroke
        const mask = inpaint.apply(tf.onesLike(x0), t, p, noise);
        return tf.mean(tf.div(tf.sum(tf.mul(mask, ink), [1, 2, 3]), tf.sum(ink, [1, 2, 3]))).dataSync()[0];
      });
    // Measured on the first 512 test digits (ε from seed 1): the fraction of each digit's ink the
    // mask keeps, averaged. The centred hole leaves nothing to restore; random centres leave half.
    expect(inkKept(true, 50)).toBeCloseTo(0.5048, 3);
    expect(inkKept(true, 25)).toBeCloseTo(0.8442, 3);
    expect(inkKept(false, 50)).toBeCloseTo(0.0107, 3);
    x0.dispose();
  });
});
