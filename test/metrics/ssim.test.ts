import * as tf from '@tensorflow/tfjs-core';
import { ssim, ssimPerImage } from '../../src/metrics/ssim.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

/**
 * SSIM of one [0, 1] image pair straight from its definition, in float64: at every valid 11×11
 * window, Gaussian-weighted (σ 1.5) means, variances and covariance, then Wang et al. eq. 13;
 * averaged over windows and channels. No separable filter, no centring, no tf.
 */
function ssimDirect(x: Float64Array, y: Float64Array, h: number, w: number, c: number): number {
  const g = Array.from({ length: 11 }, (_, k) => Math.exp(-((k - 5) ** 2) / (2 * 1.5 ** 2)));
  const norm = g.reduce((s, v) => s + v, 0) ** 2;
  const [c1, c2] = [0.01 ** 2, 0.03 ** 2];
  let total = 0;
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i + 11 <= h; i++) {
      for (let j = 0; j + 11 <= w; j++) {
        let [mx, my, xx, yy, xy] = [0, 0, 0, 0, 0];
        for (let u = 0; u < 11; u++) {
          for (let v = 0; v < 11; v++) {
            const wt = (g[u] * g[v]) / norm;
            const p = ((i + u) * w + (j + v)) * c + ch;
            mx += wt * x[p];
            my += wt * y[p];
            xx += wt * x[p] ** 2;
            yy += wt * y[p] ** 2;
            xy += wt * x[p] * y[p];
          }
        }
        const [vx, vy, vxy] = [xx - mx * mx, yy - my * my, xy - mx * my];
        total += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      }
    }
  }
  return total / (c * (h - 10) * (w - 10));
}

/** The test pair: [0, 1] images given by formulas, 20×17×3. */
function formulaPair(): [Float64Array, Float64Array] {
  const [h, w, c] = [20, 17, 3];
  const x = new Float64Array(h * w * c);
  const y = new Float64Array(h * w * c);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      for (let ch = 0; ch < c; ch++) {
        const p = (i * w + j) * c + ch;
        x[p] = 0.5 + 0.4 * Math.sin(0.7 * i + 0.3 * j + ch);
        y[p] = 0.5 + 0.4 * Math.sin(0.7 * i + 0.3 * j + ch + 0.5) + 0.05 * Math.cos(1.3 * i * j);
      }
  return [x, y];
}
const toSigned = (u: Float64Array, shape: [number, number, number, number]) =>
  tf.tensor4d(
    Float32Array.from(u, (v) => 2 * v - 1),
    shape,
  );

describe('ssim', () => {
  it('is 1 for identical images', () => {
    const x = smoothImages(new Rng(1), 3, 16, 3);
    expect(ssim(x, x)).toBeCloseTo(1, 6);
    x.dispose();
  });

  it('matches the closed form for two constant images', () => {
    const [x, y] = [tf.fill([1, 16, 16, 1], -0.4) as tf.Tensor4D, tf.zeros([1, 16, 16, 1]) as tf.Tensor4D];
    // Reference: by hand. In [0, 1] the images are 0.3 and 0.5; both variances and the covariance are 0,
    // so SSIM = (2·0.3·0.5 + C1)/(0.3² + 0.5² + C1) · C2/C2 = 0.3001/0.3401 = 0.88238753 (C1 = 1e-4).
    expect(ssim(x, y)).toBeCloseTo(0.8823875330785063, 5);
    tf.dispose([x, y]);
  });

  it("agrees with a direct float64 implementation and with skimage's algorithm", () => {
    const [xu, yu] = formulaPair();
    const [x, y] = [toSigned(xu, [1, 20, 17, 3]), toSigned(yu, [1, 20, 17, 3])];
    const ours = ssim(x, y);
    tf.dispose([x, y]);
    // Reference: ssimDirect above (float64, window by window); ours filters in float32.
    expect(Math.abs(ours - ssimDirect(xu, yu, 20, 17, 3))).toBeLessThan(1e-5);
    // Reference: skimage.metrics.structural_similarity's algorithm (gaussian_weights, σ 1.5,
    // use_sample_covariance=False, data_range 1, channel mean) re-run in numpy float64 with
    // scipy.ndimage.gaussian_filter(truncate=3.5) and its 5-pixel border crop: 0.8529217548018236.
    expect(ours).toBeCloseTo(0.8529217548018236, 5);
  });

  it('scores random image pairs like the direct implementation, across chunks, without leaks', () => {
    const rng = new Rng(2);
    const [x, y] = [smoothImages(rng, 66, 12, 2), smoothImages(rng, 66, 12, 2)];
    const noisy = tf.tidy(() => tf.add(y, tf.tensor4d(rng.normals(66 * 12 * 12 * 2, 0, 0.2), y.shape)) as tf.Tensor4D);
    const before = tf.memory().numTensors;
    const per = ssimPerImage(x, noisy);
    expect(tf.memory().numTensors).toBe(before);
    const unit = (t: tf.Tensor) => Float64Array.from(t.dataSync(), (v) => Math.min(Math.max((v + 1) / 2, 0), 1));
    const [ux, un] = [unit(x), unit(noisy)];
    const size = 12 * 12 * 2;
    for (const i of [0, 63, 64, 65]) {
      const direct = ssimDirect(ux.subarray(i * size, (i + 1) * size), un.subarray(i * size, (i + 1) * size), 12, 12, 2);
      expect(Math.abs(per[i] - direct)).toBeLessThan(1e-5);
    }
    tf.dispose([x, y, noisy]);
  });

  it('refuses images smaller than the window', () => {
    const x = tf.zeros([1, 8, 8, 1]) as tf.Tensor4D;
    expect(() => ssim(x, x)).toThrow("Metric 'ssim' cannot be computed: images of 8×8 are smaller than its 11×11 window.");
    x.dispose();
  });
});
