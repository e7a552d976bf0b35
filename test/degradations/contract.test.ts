import * as tf from '@tensorflow/tfjs-core';
import { degrade, drawNoise } from '../../src/degradations/degrade.js';
import { DEGRADATIONS, resolveParams, type Degradation } from '../../src/degradations/index.js';
import type { Assets, Noise, ParamValues } from '../../src/degradations/types.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages, syntheticAssets } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

const SIZE = 16;
const BATCH = 3;

/** Runs `fn` on D(x0, t) for t = 0..T and disposes everything. */
function trajectory(deg: Degradation, x0: tf.Tensor4D, params: ParamValues, noise: Noise): Float32Array[] {
  return Array.from({ length: (params.steps as number) + 1 }, (_, t) => {
    const xt = deg.apply(x0, t, params, noise);
    const values = xt.dataSync() as Float32Array;
    xt.dispose();
    return values;
  });
}

const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe.each(Object.entries(DEGRADATIONS) as [string, Degradation][])('%s', (name, deg) => {
  const params = resolveParams(deg, deg.testParams);
  const steps = params.steps as number;
  const channels = deg.channels?.[0] ?? 3;
  const shape = [BATCH, SIZE, SIZE, channels] as const;
  let x0: tf.Tensor4D;
  let assets: Assets;
  const noiseFor = (seed: number) => drawNoise(deg, shape, params, new Rng(seed), assets);

  beforeAll(() => {
    x0 = smoothImages(new Rng(11), BATCH, SIZE, channels);
    assets = syntheticAssets(deg.requires ?? [], new Rng(12), SIZE, channels);
  });
  afterAll(() => tf.dispose([x0, ...Object.values(assets)]));

  it('is registered under its own name', () => {
    expect(deg.name).toBe(name);
    expect(deg.stochastic).toBe(Boolean(deg.sampleNoise));
  });

  it.each(deg.channels ?? [1, 3])('keeps the shape and range on %i-channel images, with D(x0, 0) = x0', (c) => {
    const x = smoothImages(new Rng(13), BATCH, SIZE, c);
    const own = syntheticAssets(deg.requires ?? [], new Rng(12), SIZE, c);
    const noise = drawNoise(deg, x.shape, params, new Rng(1), own);
    const [lo, hi] = deg.range ?? [-Infinity, Infinity];
    for (let t = 0; t <= steps; t++) {
      const xt = deg.apply(x, t, params, noise);
      expect(xt.shape).toEqual(x.shape);
      const v = xt.dataSync();
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.min(...v)).toBeGreaterThanOrEqual(lo - 1e-6);
      expect(Math.max(...v)).toBeLessThanOrEqual(hi + 1e-6);
      if (t === 0) expect(meanAbsDiff(v as Float32Array, x.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-6);
      xt.dispose();
    }
    tf.dispose([x, ...Object.values(noise), ...Object.values(own)]);
  });

  it('moves away from x0 as t grows', () => {
    const noise = noiseFor(1);
    const source = x0.dataSync() as Float32Array;
    const distances = trajectory(deg, x0, params, noise).map((xt) => meanAbsDiff(xt, source));
    tf.dispose(Object.values(noise));
    for (let t = 1; t <= steps; t++) expect(distances[t]).toBeGreaterThanOrEqual(distances[t - 1] - 1e-6);
    expect(distances[steps]).toBeGreaterThan(1e-3);
  });

  it('gives the same bytes for the same seed', () => {
    const [a, b] = [noiseFor(5), noiseFor(5)];
    const [ta, tb] = [trajectory(deg, x0, params, a), trajectory(deg, x0, params, b)];
    tf.dispose([...Object.values(a), ...Object.values(b)]);
    for (let t = 0; t <= steps; t++) expect(Buffer.from(ta[t].buffer).equals(Buffer.from(tb[t].buffer))).toBe(true);
  });

  it(deg.stochastic ? 'changes with the seed' : 'draws no noise', () => {
    if (!deg.stochastic) return expect(noiseFor(5)).toEqual({});
    const [a, b] = [noiseFor(5), noiseFor(6)];
    const [xa, xb] = [deg.apply(x0, steps, params, a), deg.apply(x0, steps, params, b)];
    expect(meanAbsDiff(xa.dataSync() as Float32Array, xb.dataSync() as Float32Array)).toBeGreaterThan(1e-3);
    tf.dispose([xa, xb, ...Object.values(a), ...Object.values(b)]);
  });

  it('applies a per-sample t like the per-t operator, row by row', () => {
    const noise = noiseFor(2);
    const ts = Int32Array.from({ length: BATCH }, (_, i) => (steps - i + steps + 1) % (steps + 1)); // T, T−1, …: unsorted
    ts[BATCH - 1] = ts[0];
    const mixed = degrade(deg, x0, ts, params, noise);
    ts.forEach((t, i) => {
      const whole = deg.apply(x0, t, params, noise);
      const [a, b] = [tf.slice(mixed, i, 1), tf.slice(whole, i, 1)];
      expect(meanAbsDiff(a.dataSync() as Float32Array, b.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-6);
      tf.dispose([a, b, whole]);
    });
    tf.dispose([mixed, ...Object.values(noise)]);
  });

  it('leaks no tensors', () => {
    const run = () => {
      const noise = noiseFor(3);
      degrade(
        deg,
        x0,
        Int32Array.from({ length: BATCH }, (_, i) => i % (steps + 1)),
        params,
        noise,
      ).dispose();
      for (let t = 0; t <= steps; t++) deg.apply(x0, t, params, noise).dispose();
      if (deg.prior?.kind === 'gmm') {
        const xT = deg.apply(x0, steps, params, noise);
        const features = deg.prior.encode(xT, params);
        tf.dispose([xT, features, deg.prior.decode(features, xT.shape, params)]);
      }
      tf.dispose(Object.values(noise));
    };
    run(); // warm-up: caches, kernels
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
  });

  it(deg.prior?.kind === 'gmm' ? 'decodes its prior features back to x_T' : 'has a prior it can draw, or none', () => {
    if (deg.prior?.kind === 'asset') return expect(deg.requires).toContain(deg.prior.asset);
    if (deg.prior?.kind === 'noise') return expect(deg.stochastic).toBe(true);
    if (!deg.prior) return;
    const noise = noiseFor(4);
    const xT = deg.apply(x0, steps, params, noise);
    const features = deg.prior.encode(xT, params);
    expect(features.shape[0]).toBe(BATCH);
    expect(features.shape[1]).toBeLessThan(SIZE * SIZE * channels);
    const back = deg.prior.decode(features, xT.shape, params);
    expect(meanAbsDiff(back.dataSync() as Float32Array, xT.dataSync() as Float32Array)).toBeLessThanOrEqual(1e-6);
    tf.dispose([xT, features, back, ...Object.values(noise)]);
  });
});
