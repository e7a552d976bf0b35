import * as tf from '@tensorflow/tfjs-core';
import { getDegradation, resolveParams } from '../../src/degradations/index.js';
import { cosineAlphaBar } from '../../src/degradations/schedules.js';
import type { Noise } from '../../src/degradations/types.js';
import { canGenerate, fitPrior } from '../../src/sampling/prior.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages, syntheticAssets } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

const SIZE = 8;
const moments = (values: ArrayLike<number>) => {
  const v = Array.from(values);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
};
const disposeDraw = ({ xT, noise }: { xT: tf.Tensor; noise: Noise }) => tf.dispose([xT, ...Object.values(noise)]);

describe('blur-generation prior (GMM of channel means)', () => {
  const deg = getDegradation('blur-generation');
  const params = resolveParams(deg, deg.testParams);
  const TRAIN = 400;
  const DRAWS = 2000;

  it("draws constant colours distributed like the training images' means", () => {
    const train = smoothImages(new Rng(1), TRAIN, SIZE, 3);
    const trainMeans = tf.tidy(() => tf.mean(train, [1, 2]).dataSync());
    // As batches: fitPrior reads every one of them.
    const batches = [tf.slice(train, 0, 150), tf.slice(train, 150)];
    const sampler = fitPrior(deg, params, batches, new Rng(2), { components: 4 });
    tf.dispose(batches);
    expect(sampler.kind).toBe('gmm');
    expect(sampler.gmm?.points).toBe(TRAIN);
    const draw = sampler.draw(DRAWS, new Rng(3));
    expect(draw.xT.shape).toEqual([DRAWS, SIZE, SIZE, 3]);
    expect(draw.noise).toEqual({});
    const spread = tf.tidy(() => tf.max(tf.sub(tf.max(draw.xT, [1, 2]), tf.min(draw.xT, [1, 2]))).dataSync()[0]);
    expect(spread).toBe(0); // every image is one colour
    const drawnMeans = tf.tidy(() => tf.mean(draw.xT, [1, 2]).dataSync());
    for (let c = 0; c < 3; c++) {
      const pick = (v: ArrayLike<number>) => Array.from({ length: v.length / 3 }, (_, i) => v[3 * i + c]);
      const [want, got] = [moments(pick(trainMeans)), moments(pick(drawnMeans))];
      // EM's M-step keeps the mixture's mean and covariance equal to the data's (+ 1e-6·I), so the
      // only error is the draws' own: 4 SE, σ/√n for the mean and ≈ σ/√(2n) for the std.
      expect(Math.abs(got.mean - want.mean)).toBeLessThan((4 * want.std) / Math.sqrt(DRAWS));
      expect(Math.abs(got.std - want.std)).toBeLessThan((4 * want.std) / Math.sqrt(2 * DRAWS));
    }
    disposeDraw(draw);
    train.dispose();
  });
});

describe('pixelate prior (GMM of the coarsest grid)', () => {
  it('draws images that are constant on each 2^T block', () => {
    const deg = getDegradation('pixelate');
    const params = resolveParams(deg, deg.testParams); // T = 2: 4×4 blocks, a 4×4 grid at 16 px
    const train = smoothImages(new Rng(4), 200, 16, 1);
    const sampler = fitPrior(deg, params, train, new Rng(5), { components: 3 });
    const { xT, noise } = sampler.draw(20, new Rng(6));
    const blocks = tf.tidy(() => {
      const grid = tf.reshape(xT, [20, 4, 4, 4, 4]); // [n, blockRow, row, blockCol, col]
      return tf.max(tf.sub(tf.max(grid, [2, 4]), tf.min(grid, [2, 4]))).dataSync()[0];
    });
    expect(blocks).toBe(0);
    const between = tf.tidy(() => tf.moments(tf.slice(xT, [0, 0, 0, 0], [20, 16, 1, 1])).variance.dataSync()[0]);
    expect(between).toBeGreaterThan(1e-3); // yet not one colour
    tf.dispose([xT, train, ...Object.values(noise)]);
  });
});

describe('gaussian prior', () => {
  const deg = getDegradation('gaussian');
  const params = resolveParams(deg);
  let shapeOnly: tf.Tensor4D; // fitPrior reads only its shape
  beforeAll(() => (shapeOnly = tf.zeros([1, SIZE, SIZE, 1])));
  afterAll(() => shapeOnly.dispose());

  it('starts from x_T = D(0, T; ε) ≈ N(0, I) with ε its noise', () => {
    const sampler = fitPrior(deg, params, shapeOnly, new Rng(7));
    expect(sampler.imageShape).toEqual([SIZE, SIZE, 1]);
    const draw = sampler.draw(64, new Rng(8));
    const v = draw.xT.dataSync();
    const { mean, std } = moments(v);
    // Reference: 4096 standard normals: SE of the mean 1/64, of the std ≈ 1/√8192.
    expect(Math.abs(mean)).toBeLessThan(4 / 64);
    expect(Math.abs(std - 1)).toBeLessThan(4 / Math.sqrt(8192));
    const scale = Math.sqrt(1 - cosineAlphaBar(params.steps as number)[params.steps as number]);
    const z = draw.noise.z.dataSync();
    v.forEach((x, i) => expect(Math.abs(x - scale * z[i])).toBeLessThan(1e-6));
    disposeDraw(draw);
  });

  it('adds N(0, δ²) once for δ > 0, drawn after the rest', () => {
    const sampler = fitPrior(deg, params, shapeOnly, new Rng(7));
    const [cold, hot] = [sampler.draw(64, new Rng(9)), sampler.draw(64, new Rng(9), { delta: 0.1 })];
    const diff = tf.tidy(() => tf.sub(hot.xT, cold.xT).dataSync());
    const { mean, std } = moments(diff);
    expect(Math.abs(mean)).toBeLessThan((4 * 0.1) / 64);
    expect(Math.abs(std - 0.1)).toBeLessThan((4 * 0.1) / Math.sqrt(8192));
    expect(Buffer.from(hot.noise.z.dataSync().buffer).equals(Buffer.from(cold.noise.z.dataSync().buffer))).toBe(true);
    [cold, hot].forEach(disposeDraw);
    expect(() => sampler.draw(1, new Rng(1), { delta: -1 })).toThrow(RangeError);
  });

  it('gives the same bytes for the same seed and new ones for the next draw', () => {
    const sampler = fitPrior(deg, params, shapeOnly, new Rng(7));
    const rng = new Rng(10);
    const [a, b, c] = [
      sampler.draw(4, new Rng(10), { delta: 0.01 }),
      sampler.draw(4, rng, { delta: 0.01 }),
      sampler.draw(4, rng, { delta: 0.01 }),
    ];
    expect(Buffer.from(a.xT.dataSync().buffer).equals(Buffer.from(b.xT.dataSync().buffer))).toBe(true);
    expect(Buffer.from(b.xT.dataSync().buffer).equals(Buffer.from(c.xT.dataSync().buffer))).toBe(false);
    [a, b, c].forEach(disposeDraw);
  });

  it('leaks no tensors', () => {
    const sampler = fitPrior(deg, params, shapeOnly, new Rng(7));
    disposeDraw(sampler.draw(2, new Rng(1), { delta: 0.1 }));
    const before = tf.memory().numTensors;
    disposeDraw(sampler.draw(2, new Rng(1), { delta: 0.1 }));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('animorph prior', () => {
  const deg = getDegradation('animorph');
  const params = resolveParams(deg);

  it('starts from an animal of the asset bank, which ε holds fixed', () => {
    const assets = syntheticAssets(['animal-faces'], new Rng(11), SIZE, 3);
    const bank = assets['animal-faces']!;
    const images = tf.zeros([1, SIZE, SIZE, 3]) as tf.Tensor4D;
    const { xT, noise } = fitPrior(deg, params, images, new Rng(12), { assets }).draw(6, new Rng(13));
    const [bankValues, values, z] = [bank.dataSync(), xT.dataSync(), noise.z.dataSync()] as Float32Array[];
    const per = SIZE * SIZE * 3;
    for (let i = 0; i < 6; i++) {
      const image = values.subarray(i * per, (i + 1) * per);
      // Reference: x_T = √(1−ᾱ_T)·z with ᾱ_T ≈ 6e-8 at T = 200, so x_T = z to float32 precision.
      const nearest = Math.min(
        ...Array.from({ length: bank.shape[0] }, (_, k) =>
          image.reduce((m, v, j) => Math.max(m, Math.abs(v - bankValues[k * per + j])), 0),
        ),
      );
      expect(nearest).toBeLessThanOrEqual(1e-6);
      image.forEach((v, j) => expect(Math.abs(v - z[i * per + j])).toBeLessThanOrEqual(1e-6));
    }
    tf.dispose([xT, images, bank, ...Object.values(noise)]);
  });

  it('needs its asset to draw', () => {
    const images = tf.zeros([1, SIZE, SIZE, 3]) as tf.Tensor4D;
    expect(() => fitPrior(deg, params, images, new Rng(1)).draw(1, new Rng(1))).toThrow(
      "Degradation 'animorph' needs the asset 'animal-faces'",
    );
    images.dispose();
  });
});

describe('restoration-only degradations', () => {
  it('say so in one line, naming those that can generate', () => {
    const deg = getDegradation('snow');
    const images = tf.zeros([1, SIZE, SIZE, 3]) as tf.Tensor4D;
    expect(() => fitPrior(deg, resolveParams(deg), images, new Rng(1))).toThrow(
      "Degradation 'snow' is restoration-only (it has no generation prior); generation works with: gaussian, blur-generation, pixelate, animorph.",
    );
    images.dispose();
  });

  it('include deblurring, whose x_T is the blurred image; blur-generation, ending in a flat colour, generates', () => {
    const deg = getDegradation('blur');
    expect(canGenerate(deg)).toBe(false);
    expect(canGenerate(getDegradation('blur-generation'))).toBe(true);
    const images = tf.zeros([1, SIZE, SIZE, 3]) as tf.Tensor4D;
    expect(() => fitPrior(deg, resolveParams(deg), images, new Rng(1))).toThrow("Degradation 'blur' is restoration-only");
    images.dispose();
  });
});
