import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/index.js';
import { getDegradation, resolveParams } from '../../src/degradations/index.js';
import { cosineAlphaBar } from '../../src/degradations/schedules.js';
import * as tf from '@tensorflow/tfjs-core';
import { residualGaussianity } from '../../src/analysis/gaussianity.js';
import { batchTensor } from '../../src/data/batch.js';
import { degrade, drawNoise } from '../../src/degradations/degrade.js';
import { Rng } from '../../src/util/rng.js';
import { gaussianity, restorer, runOne, x0ShareAtT, type RunResult } from '../../src/worker/run.js';
import { featuresSection, samplingSection, trainSection, type RunSpec } from '../../src/results/config.js';
import { useWasmEngine } from '../helpers/engine.js';
import { initWeights } from '../../src/model/init.js';
import { timeEmbedding } from '../../src/model/time-embedding.js';
import { UNET_PRESETS, buildUNet } from '../../src/model/unet.js';

let dir: string;
let result: RunResult;
let generated: RunResult;
const spec: RunSpec = {
  key: 'blur[test]',
  seed: 11,
  evaluationSeed: 5,
  dataset: 'digits',
  size: 32,
  degradation: 'blur',
  params: { steps: 5, sigma: 1, radius: 2 },
  model: { preset: 'tiny' },
  train: trainSection.parse({ steps: 300, batch: 16, lr: 2e-3, emaStart: 200, emaEvery: 5, checkpointEvery: 100 }),
  sampling: samplingSection.parse({ count: 80, deltas: [0, 0.05], gmmComponents: 3 }),
  features: featuresSection.parse({ steps: 150 }),
};

beforeAll(async () => {
  await useWasmEngine();
  dir = await mkdtemp(join(tmpdir(), 'coldbench-run-'));
  result = await runOne(spec, { dir, featureCache: join(dir, 'features') });
  const generation: RunSpec = {
    ...spec,
    key: 'pixelate[test]',
    seed: 12,
    degradation: 'pixelate',
    params: {},
    train: { ...spec.train, steps: 50 },
    sampling: { ...spec.sampling, restoration: false },
  };
  generated = await runOne(generation, { dir: join(dir, 'generation'), featureCache: join(dir, 'features') });
}, 300_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('one run: train, sample, measure', () => {
  it('completes with every metric for every sampler', () => {
    if (result.state !== 'completed') throw new Error(`run ${result.state}`);
    expect(result.losses).toHaveLength(300);
    const restoration = result.metrics.filter((r) => r.mode === 'restoration');
    // degraded + 3 samplers, each with 5 distribution (recognisable: digits' label classifier) + 4
    // pixel metrics; no generation, since Deblurring has no prior for x_T.
    expect(restoration).toHaveLength(4 * 9);
    expect(result.metrics.filter((r) => r.mode === 'generation')).toHaveLength(0);
    for (const row of result.metrics) expect(Number.isFinite(row.value)).toBe(true);
    expect(result.gaussianity.map((g) => g.t)).toEqual([1, 2, 3, 4, 5]);
    expect(result.featureNet.objective).toBe('labels');
    // The raw (non-EMA) weights' one-shot restoration, beside the EMA's.
    expect(result.rawRestoration.map((r) => r.metric).sort()).toEqual([
      'diversity',
      'fid',
      'kid',
      'l1',
      'psnr',
      'recognisable',
      'rmse',
      'sharpness',
      'ssim',
    ]);
    for (const row of result.metrics.filter((r) => r.metric === 'recognisable')) {
      expect(row.value).toBeGreaterThanOrEqual(0);
      expect(row.value).toBeLessThanOrEqual(1);
    }
    expect(result.rawRestoration.every((r) => r.sampler === 'direct' && r.mode === 'restoration')).toBe(true);
    // Where the time went: training, then each sampler's sampling and metrics, in run order.
    const phases = result.timings.map((t) => t.phase);
    expect(phases.slice(0, 4)).toEqual(['train', 'features', 'reference', 'floor']);
    expect(phases).toEqual(expect.arrayContaining(['sample restoration alg2', 'metrics restoration alg2', 'raw', 'gaussianity']));
    expect(result.timings.every((t) => Number.isInteger(t.ms) && t.ms >= 0)).toBe(true);
    expect(result.timings.find((t) => t.phase === 'train')!.ms).toBeGreaterThan(0);
  });

  it('restores: Algorithm 2 beats the degraded input on PSNR, SSIM and FID-like', () => {
    // Reference: Bansal et al. 2022, Table 1 (deblurring MNIST): Algorithm 2 improves on the
    // degraded input; with an undertrained network it is the robust sampler (docs/reference.md §1).
    const value = (sampler: string, metric: string) =>
      result.state === 'completed'
        ? result.metrics.find((r) => r.mode === 'restoration' && r.sampler === sampler && r.metric === metric)!.value
        : NaN;
    expect(value('alg2', 'psnr')).toBeGreaterThan(value('degraded', 'psnr'));
    expect(value('alg2', 'ssim')).toBeGreaterThan(value('degraded', 'ssim'));
    expect(value('alg2', 'fid')).toBeLessThan(value('degraded', 'fid'));
  });

  it('generates from the prior at every start-noise level', () => {
    if (generated.state !== 'completed') throw new Error(`run ${generated.state}`);
    // 2 start-noise levels × 3 samplers × 5 distribution metrics; no pixel metrics without truth.
    expect(generated.metrics).toHaveLength(2 * 3 * 5);
    expect(new Set(generated.metrics.map((r) => r.delta))).toEqual(new Set([0, 0.05]));
    for (const name of ['generation-delta-0.png', 'generation-delta-0.05.png']) {
      expect(existsSync(join(dir, 'generation', 'samples', name))).toBe(true);
    }
  });

  it('scores every configuration of a repetition on the same images, beside the real-vs-real floor', () => {
    if (result.state !== 'completed' || generated.state !== 'completed') throw new Error('runs did not complete');
    // Reference statistics from the whole MNIST test split; 80 images per sample set.
    expect(result.evaluation).toMatchObject({
      images: 80,
      referenceImages: 10_000,
      floor: { n: 80, fid: { draws: 5 }, kid: { draws: 5 } },
    });
    // Another degradation and run seed, the same evaluation seed: the very same floor draws.
    expect(generated.evaluation.floor).toEqual(result.evaluation.floor);
    // GMM starts are continuous draws: every start distinct, at δ = 0 too.
    expect(generated.evaluation.starts).toEqual([
      { delta: 0, distinct: 80, of: 80, alg2KeepsNoise: 0 },
      { delta: 0.05, distinct: 80, of: 80, alg2KeepsNoise: 0.05 },
    ]);
    expect(result.evaluation.starts).toEqual([]);
    // Pixelate's start is a draw of a 16-d mixture (its 4×4 grid), a random image; the blur run generates nothing.
    expect(generated.evaluation.prior).toEqual({ kind: 'gmm', dims: 16, flat: false });
    expect(result.evaluation.prior).toBeNull();
    // Real digits against real digits at N = 80: well above 0 (docs/reference.md §5: 31 ± 10 at N = 64,
    // 17 ± 5 at N = 128), and below what a 300-step model's samples give.
    const floor = result.evaluation.floor.fid!;
    expect(floor.mean).toBeGreaterThan(5);
    expect(floor.mean).toBeLessThan(60);
    expect(floor.std).toBeGreaterThan(0);
  });

  it('carries bootstrap replicates for every metric but KID, centred on the value', () => {
    if (result.state !== 'completed') throw new Error(`run ${result.state}`);
    for (const row of result.metrics) {
      if (row.metric === 'kid') {
        expect(row.boot).toBeUndefined();
        continue;
      }
      expect(row.boot).toHaveLength(100); // BOOTSTRAP_DRAWS
      const mean = row.boot!.reduce((s, x) => s + x, 0) / row.boot!.length;
      const se = Math.sqrt(row.boot!.reduce((s, x) => s + (x - mean) ** 2, 0) / 99);
      // Per-image means: the mean of 100 replicates is within 4 of its standard errors (se/10) of the
      // value. (FID-like and diversity replicates are biased by the repeated images a resample holds.)
      if (['l1', 'rmse', 'psnr', 'ssim', 'sharpness'].includes(row.metric))
        expect(Math.abs(mean - row.value)).toBeLessThan(0.4 * se + 1e-9);
      expect(se).toBeGreaterThan(0);
    }
  });

  it('gives no Fréchet number where the sample set is not larger than the feature dimension', async () => {
    const small: RunSpec = {
      ...spec,
      key: 'blur[small]',
      train: { ...spec.train, steps: 20 },
      sampling: { ...spec.sampling, count: 40, samplers: ['direct'] },
    };
    const out = await runOne(small, { dir: join(dir, 'small'), featureCache: join(dir, 'features') });
    if (out.state !== 'completed') throw new Error(`run ${out.state}`);
    // 40 images ≤ 64 feature dimensions: the sample covariance is singular, so no FID-like row.
    expect(out.metrics.filter((r) => r.metric === 'fid')).toHaveLength(0);
    expect(out.metrics.filter((r) => r.metric === 'kid')).toHaveLength(2); // degraded and direct
    expect(out.evaluation.floor.fid).toBeUndefined();
  });

  it('evaluates animorphosis with held-out animals and counts its distinct starts', async () => {
    const animals = await loadDataset('animal-faces', { size: 32, channels: 1 });
    const morph: RunSpec = {
      ...spec,
      key: 'animorph[test]',
      degradation: 'animorph',
      params: { steps: 10 },
      train: { ...spec.train, steps: 20 },
      sampling: { ...spec.sampling, restoration: false, deltas: [0], samplers: ['direct'] },
    };
    const out = await runOne(morph, { dir: join(dir, 'animorph'), featureCache: join(dir, 'features') });
    if (out.state !== 'completed') throw new Error(`run ${out.state}`);
    // 80 starts drawn from the held-out animals alone: at most as many distinct as there are of
    // them (the training split has 80); δ = 0, so no more distinct samples either.
    const [starts] = out.evaluation.starts;
    expect(starts).toMatchObject({ delta: 0, of: 80 });
    expect(starts.distinct).toBeLessThanOrEqual(animals.test.n);
    expect(starts.distinct).toBeGreaterThan(animals.test.n / 2);
  });

  it('records how much of x0 a mix degradation leaves in x_T', () => {
    // Reference: x_T = √ᾱ_T·x0 + √(1−ᾱ_T)·ε, cosine ᾱ at T = 200 (β clipped at 0.999): √ᾱ_200 ≈ 2.4e-4.
    const gaussian = getDegradation('gaussian');
    expect(x0ShareAtT(gaussian, resolveParams(gaussian))).toBeCloseTo(Math.sqrt(cosineAlphaBar(200)[200]), 12);
    expect(x0ShareAtT(gaussian, resolveParams(gaussian))).toBeLessThan(3e-4);
    expect(x0ShareAtT(getDegradation('blur'), resolveParams(getDegradation('blur')))).toBeNull();
    if (result.state === 'completed') expect(result.evaluation.x0ShareAtT).toBeNull(); // the blur run
  });

  it('measures the residual of a mix degradation without its x0 term, and one-shot restoration at each severity', async () => {
    // Gaussian on real digits at t = T = 50 (cosine schedule): x_t − √ᾱ_t·x0 is √(1 − ᾱ_t)·ε, a
    // normal sample, so its A² is small (scipy's 5% critical value is 0.787); x_t − x0 adds
    // −(1 − √ᾱ_t)·x0, the digits' bimodal pixels, and is far from normal.
    const gaussian = getDegradation('gaussian');
    const params = resolveParams(gaussian, { steps: 50 });
    const data = await loadDataset('digits', { size: 32 });
    const x0 = batchTensor(
      data.test,
      Int32Array.from({ length: 64 }, (_, i) => i),
    );
    const noise = drawNoise(gaussian, x0.shape, params, new Rng(1));
    const [row] = gaussianity(gaussian, params, x0, noise, 1, new Rng(2));
    expect(row.t).toBe(50);
    expect(row.andersonDarling).toBeLessThan(0.787);
    const naive = residualGaussianity(tf.sub(degrade(gaussian, x0, 50, params, noise), x0) as tf.Tensor4D, new Rng(2).fork(50));
    expect(naive.andersonDarling).toBeGreaterThan(5);
    // The run's own rows carry R(x_t, t)'s restoration scores at each severity.
    if (result.state !== 'completed') throw new Error(`run ${result.state}`);
    expect(result.gaussianity.every((g) => g.restoration !== undefined && Number.isFinite(g.restoration.l1))).toBe(true);
    // Milder blur restores better: L1 at t = 1 below L1 at t = T.
    expect(result.gaussianity[0].restoration!.l1).toBeLessThan(result.gaussianity.at(-1)!.restoration!.l1);
  });

  it('saves sample grids and a checkpoint', () => {
    for (const file of ['samples/restoration.png', 'checkpoint/ema/model.json']) {
      expect(existsSync(join(dir, file))).toBe(true);
    }
  });
});

describe('restorer', () => {
  it('runs a chunk as one network batch with the bits of batches of 32 (what predict did by default)', async () => {
    const model = buildUNet({ size: 32, channels: 1, ...UNET_PRESETS.small });
    initWeights(model, new Rng(4));
    const rng = new Rng(3);
    const x = tf.tensor4d(rng.normals(80 * 32 * 32), [80, 32, 32, 1]);
    const profile = await tf.profile(() => void restorer(model, UNET_PRESETS.small.timeDim)(x, 7).dispose());
    // One batch: each of the small U-Net's 11 convolutions runs once (predict in 32s would run 3 batches).
    expect(profile.kernels.filter((k) => k.name === 'FusedConv2D')).toHaveLength(11);
    const whole = restorer(model, UNET_PRESETS.small.timeDim)(x, 7);
    const inThirtyTwos = tf.tidy(() => model.predict([x, timeEmbedding(new Array(80).fill(7), UNET_PRESETS.small.timeDim)]) as tf.Tensor);
    expect(whole.dataSync()).toEqual(inThirtyTwos.dataSync());
    tf.dispose([x, whole, inThirtyTwos]);
    model.dispose();
  });
});
