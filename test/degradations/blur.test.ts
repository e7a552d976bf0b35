import * as tf from '@tensorflow/tfjs-core';
import { blur } from '../../src/degradations/blur.js';
import { blurGeneration, generationSigmas } from '../../src/degradations/blur-generation.js';
import { blurOperators } from '../../src/degradations/filters.js';
import { gaussianKernel1d } from '../../src/util/gaussian-kernel.js';
import { resolveParams } from '../../src/degradations/index.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

/** One reference blur step: pad (circular by slicing, or reflect), then a depthwise 2-D Gaussian. */
function convStep(x: tf.Tensor4D, radius: number, sigma: number, circular: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const g = gaussianKernel1d(radius, sigma);
    const k2 = Float32Array.from({ length: g.length ** 2 }, (_, i) => g[Math.floor(i / g.length)] * g[i % g.length]);
    const c = x.shape[3];
    const filter = tf.tile(tf.tensor4d(k2, [g.length, g.length, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    const [h, w] = [x.shape[1], x.shape[2]];
    const r = radius;
    const padded = circular
      ? tf.concat([tf.slice(x, [0, 0, w - r, 0], [-1, -1, r, -1]), x, tf.slice(x, [0, 0, 0, 0], [-1, -1, r, -1])], 2)
      : tf.mirrorPad(
          x,
          [
            [0, 0],
            [r, r],
            [r, r],
            [0, 0],
          ],
          'reflect',
        );
    const both = circular
      ? tf.concat([tf.slice(padded, [0, h - r, 0, 0], [-1, r, -1, -1]), padded, tf.slice(padded, [0, 0, 0, 0], [-1, r, -1, -1])], 1)
      : padded;
    return tf.depthwiseConv2d(both as tf.Tensor4D, filter, 1, 'valid');
  });
}

describe('blur', () => {
  it('has normalised Gaussian taps', () => {
    // Reference: exp(−k²/2) for k = −1, 0, 1 over their sum 1 + 2e^−½ = 2.2130613.
    const g = gaussianKernel1d(1, 1);
    expect(g[1]).toBeCloseTo(1 / 2.2130613, 6);
    expect(g[0]).toBeCloseTo(0.2740686, 6);
    expect(g[1] ** 2).toBeCloseTo(0.20418, 6); // centre of the separable 3×3 kernel
    const paper = gaussianKernel1d(5, 7); // 11 taps, σ = 7 (the MNIST operator)
    expect(paper.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(paper[0] / paper[5]).toBeCloseTo(Math.exp(-25 / 98), 12);
  });

  it('defaults to the official MNIST deblurring operator, a restoration task', () => {
    // Reference: Cold-Diffusion-Models README, `mnist_train.py --time_steps 20 --blur_size 11
    // --blur_std 7.0 --blur_routine 'Constant'`; get_conv's padding_mode defaults to 'circular'.
    expect(resolveParams(blur)).toEqual({ steps: 20, radius: 5, sigma: 7, growth: 0, circular: true });
    expect(blur.prior).toBeUndefined();
    // x_T is the blurred image, not its mean: the first Fourier mode keeps (Σ_m g(m)·cos(2πm/32))^20
    // = 0.0251 of its amplitude at 32 px (computed in float64 from the 11 taps of σ = 7).
    const m = blurOperators(32, 5, Array(20).fill(7), 'circular')[20];
    expect(Array.from({ length: 32 }, (_, j) => m[j] * Math.cos((2 * Math.PI * j) / 32)).reduce((a, b) => a + b, 0)).toBeCloseTo(0.0251, 4);
  });

  it.each([true, false])('equals t depthwise convolutions (circular = %s)', (circular) => {
    const params = { steps: 4, radius: 2, sigma: 1, growth: 0.5, circular };
    const x0 = smoothImages(new Rng(1), 2, 9, 3);
    let reference = x0.clone();
    for (let i = 1; i <= 3; i++) {
      const next = convStep(reference, params.radius, params.sigma + (i - 1) * params.growth, circular);
      reference.dispose();
      reference = next;
      const ours = blur.apply(x0, i, params, {});
      expect(Math.max(...tf.abs(tf.sub(ours, reference)).dataSync())).toBeLessThan(1e-5);
      ours.dispose();
    }
    tf.dispose([x0, reference]);
  });
});

describe('blur-generation', () => {
  const p = resolveParams(blurGeneration) as Parameters<typeof blurGeneration.apply>[2];

  it('grows σ exponentially, as the official Exponential routine', () => {
    // Reference: deblurring_diffusion_pytorch.py get_kernels, 'Exponential': kstd = np.exp(blur_std * i)
    // for i = 0..T−1 (official 128 px: blur_std 0.01, T = 300, 27 taps); here sigma·e^(rate·(i−1)), i = 1..T−1.
    const sigmas = generationSigmas(p);
    expect(sigmas).toHaveLength(p.steps - 1);
    expect(sigmas[0]).toBeCloseTo(1, 12);
    expect(sigmas[10]).toBeCloseTo(Math.exp(1), 12);
    expect(sigmas.at(-1)).toBeCloseTo(Math.exp(0.1 * 38), 10);
  });

  it('leaves x_{T−1} within 1e-4 of its mean, so R(·, T) learns from nearly-flat images', () => {
    // The 1-D operator M of T−1 circular blurs is circulant: its eigenvalues are the products over
    // steps of each kernel's cosine transform, H_i(k) = Σ_m g_i(m)·cos(2πkm/N). Computed here
    // independently of the operator, in float64, and compared with the operator's own spectrum.
    const n = 32;
    const m = blurOperators(n, p.radius, generationSigmas(p), 'circular')[p.steps - 1];
    const spectrum = (k: number) =>
      Array.from({ length: n }, (_, j) => m[j] * Math.cos((2 * Math.PI * k * j) / n)).reduce((a, b) => a + b, 0);
    const product = (k: number) =>
      generationSigmas(p).reduce((acc, sigma) => {
        const g = gaussianKernel1d(p.radius, sigma);
        return acc * g.reduce((a, v, i) => a + v * Math.cos((2 * Math.PI * k * (i - p.radius)) / n), 0);
      }, 1);
    expect(spectrum(0)).toBeCloseTo(1, 6); // the mean is kept
    for (let k = 1; k < n; k++) expect(spectrum(k)).toBeCloseTo(product(k), 6);
    const worst = Math.max(...Array.from({ length: n - 1 }, (_, k) => Math.abs(product(k + 1))));
    expect(worst).toBeLessThan(5e-5); // so every 2-D mode keeps < 1e-4 (‖D − mean‖ ≤ 2·worst)
    // The 20-step constant σ = 2 blur that stood here before kept a quarter of the first mode.
    const old = gaussianKernel1d(5, 2).reduce((a, v, i) => a + v * Math.cos((2 * Math.PI * (i - 5)) / n), 0) ** 19;
    expect(old).toBeCloseTo(0.2468, 3);

    const x0 = smoothImages(new Rng(4), 3, n, 3);
    const [xPrev, xT] = [blurGeneration.apply(x0, p.steps - 1, p, {}), blurGeneration.apply(x0, p.steps, p, {})];
    const spread = (x: tf.Tensor4D) => tf.max(tf.abs(tf.sub(x, tf.mean(x, [1, 2], true)))).dataSync()[0];
    expect(spread(xPrev)).toBeLessThan(1e-4 * spread(x0));
    // Reference: x_T is x0's per-channel mean (circular blur keeps it), exactly.
    expect(Math.max(...tf.abs(tf.sub(xT, tf.broadcastTo(tf.mean(x0, [1, 2], true), x0.shape))).dataSync())).toBeLessThan(1e-6);
    tf.dispose([x0, xPrev, xT]);
  });
});
