import * as tf from '@tensorflow/tfjs-core';
import { degrade, drawNoise } from '../../src/degradations/degrade.js';
import { getDegradation, resolveParams, type Degradation } from '../../src/degradations/index.js';
import {
  applicableSampler,
  appliesTo,
  evenSteps,
  getSampler,
  restorationStart,
  SAMPLERS,
  type Restorer,
  type SamplerName,
  type SamplingProblem,
} from '../../src/sampling/samplers.js';
import { cosineAlphaBar } from '../../src/degradations/schedules.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

const SIZE = 16;
const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => {
  const [u, v] = [a.dataSync(), b.dataSync()] as Float32Array[];
  return u.reduce((m, x, i) => Math.max(m, Math.abs(x - v[i])), 0);
};

/** The restorer that knows the answer: R(x_t, t) = x0 (a fresh tensor, which the sampler disposes). */
const oracle =
  (x0: tf.Tensor4D): Restorer =>
  () =>
    x0.clone();

describe.each(['blur', 'pixelate', 'gaussian', 'snow'])('with the true x0 as restorer, on %s', (name) => {
  const deg = getDegradation(name);
  const params = resolveParams(deg, deg.testParams);

  it.each((Object.keys(SAMPLERS) as SamplerName[]).filter((s) => appliesTo(s, deg)))('%s returns x0 exactly', (sampler) => {
    const x0 = smoothImages(new Rng(1), 3, SIZE, 3);
    const noise = drawNoise(deg, x0.shape, params, new Rng(2));
    const xT = restorationStart(deg, params, x0, noise);
    const { x0: out } = getSampler(sampler).sample(oracle(x0), { degradation: deg, params, noise, rng: new Rng(3) }, xT);
    expect(out.shape).toEqual(x0.shape);
    expect(maxAbsDiff(out, x0)).toBeLessThanOrEqual(1e-6);
    tf.dispose([x0, xT, out, ...Object.values(noise)]);
  });
});

describe('on a linear degradation D(x, s) = x + s·e', () => {
  const T = 5;
  // A test-only degradation satisfying the contract: D(x, 0) = x, pure, new tensor per call.
  const linear = (e: tf.Tensor4D): Degradation => ({
    name: 'linear',
    family: 'noise',
    version: 1,
    stochastic: false,
    description: 'x + t·e (test only)',
    reference: 'docs/reference.md §1: if D(x, s) ≈ x + s·e, the error of R cancels',
    params: { steps: { default: T, doc: 'T' } },
    testParams: {},
    range: null,
    apply: (x, t) => tf.tidy(() => tf.add(x, tf.mul(e, t))),
  });
  let x0: tf.Tensor4D, e: tf.Tensor4D, b: tf.Tensor4D, xT: tf.Tensor4D, problem: SamplingProblem;

  beforeAll(() => {
    const rng = new Rng(3);
    x0 = smoothImages(rng.fork('x0'), 2, 8, 1);
    e = tf.tensor4d(rng.normals(2 * 8 * 8, 0, 0.2), [2, 8, 8, 1]);
    b = tf.tensor4d(rng.normals(2 * 8 * 8, 0, 0.1), [2, 8, 8, 1]);
    problem = { degradation: linear(e), params: { steps: T }, noise: {} };
    xT = restorationStart(problem.degradation, problem.params, x0, {});
  });
  afterAll(() => tf.dispose([x0, e, b, xT]));

  /** x0 + k·b, the answer predicted for a sampler that keeps k copies of the bias. */
  const withBias = (k: number) => tf.tidy(() => tf.add(x0, tf.mul(b, k)));

  // Reference (docs/reference.md §1): Alg 2's update is x_s − (x̂0 + s·e) + (x̂0 + (s−1)·e) = x_s − e for
  // any x̂0, so x_0 = x_T − T·e = x0 exactly, whatever R returns. Alg 1 sets x_{s−1} = x̂0 + (s−1)·e,
  // so with R = x0 + b it ends at x0 + b; with R(x_s, s) = x_s − s·e + b each step adds b: x0 + T·b.
  it.each([
    ['R = x0 + b', () => tf.add(x0, b), { direct: 1, alg1: 1, alg2: 0 }],
    ['R(x_s, s) = x_s − s·e + b', (xs: tf.Tensor4D, s: number) => tf.add(tf.sub(xs, tf.mul(e, s)), b), { direct: 1, alg1: T, alg2: 0 }],
  ] as const)('with a biased restorer %s, Alg 2 cancels the bias and Alg 1 keeps it', (_, restore, biases) => {
    for (const [name, k] of Object.entries(biases)) {
      const { x0: out } = getSampler(name).sample(restore as Restorer, problem, xT);
      const expected = withBias(k);
      expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
      if (k > 0) expect(maxAbsDiff(out, x0)).toBeGreaterThan(0.05);
      tf.dispose([out, expected]);
    }
  });

  it('Alg 2 carries start noise δ·n into its output unchanged; Alg 1 and direct drop it', () => {
    // Reference: x_0 = x_T − Σ_s [D(x̂0_s, s) − D(x̂0_s, s−1)]; with R ignoring its input the sum is
    // the same from x_T and from x_T + δ·n, so the outputs differ by exactly δ·n.
    const n = tf.mul(b, 0.02 / 0.1) as tf.Tensor4D; // δ·n with δ = 0.02
    const noisy = tf.add(xT, n) as tf.Tensor4D;
    const fixed: Restorer = (xs) => tf.zerosLike(xs);
    for (const [name, kept] of [
      ['alg2', n],
      ['alg1', null],
      ['direct', null],
    ] as const) {
      const [a, c] = [getSampler(name).sample(fixed, problem, xT).x0, getSampler(name).sample(fixed, problem, noisy).x0];
      const diff = tf.sub(c, a);
      if (kept) expect(maxAbsDiff(diff, kept)).toBeLessThan(1e-6);
      else expect(Math.max(...tf.abs(diff).dataSync())).toBe(0);
      tf.dispose([a, c, diff]);
    }
    tf.dispose([n, noisy]);
  });

  it('Alg 2 returns x0 whatever the restorer returns', () => {
    const { x0: out } = SAMPLERS.alg2.sample((xs, s) => tf.mul(tf.tanh(xs), s), problem, xT);
    expect(maxAbsDiff(out, x0)).toBeLessThan(1e-5);
    out.dispose();
  });
});

describe('sampling', () => {
  const deg = getDegradation('blur-generation');
  const params = resolveParams(deg, { ...deg.testParams, steps: 6 });
  let x0: tf.Tensor4D, xT: tf.Tensor4D;
  beforeAll(() => {
    x0 = smoothImages(new Rng(4), 2, 8, 3);
    xT = restorationStart(deg, params, x0, {});
  });
  afterAll(() => tf.dispose([x0, xT]));

  it('starts restoration at D(x0, T)', () => {
    const expected = degrade(deg, x0, 6, params, {});
    expect(maxAbsDiff(xT, expected)).toBe(0);
    expect(maxAbsDiff(xT, x0)).toBeGreaterThan(0.01);
    expect(xT.dataSync().slice(0, 3)).toEqual(xT.dataSync().slice(3, 6)); // x_T of blur generation: a constant colour
    expected.dispose();
  });

  it('records the requested states and reports progress', () => {
    const calls: [number, number][] = [];
    const record = evenSteps(6, 3);
    expect(record).toEqual([6, 3, 0]);
    const { x0: out, trajectory } = SAMPLERS.alg2.sample(oracle(x0), { degradation: deg, params, noise: {} }, xT, {
      record,
      onStep: (done, total) => calls.push([done, total]),
    });
    expect(calls).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6]));
    expect(trajectory.map((f) => f.t)).toEqual([6, 3, 0]);
    expect(maxAbsDiff(trajectory[0].xt, xT)).toBe(0);
    const mid = degrade(deg, x0, 3, params, {}); // with the oracle, x_s = D(x0, s)
    expect(maxAbsDiff(trajectory[1].xt, mid)).toBeLessThan(1e-6);
    expect(maxAbsDiff(trajectory[2].xt, out)).toBe(0);
    tf.dispose([out, mid, ...trajectory.map((f) => f.xt)]);
  });

  it('lets the one-shot sampler record only T and 0', () => {
    const calls: number[] = [];
    const { x0: out, trajectory } = SAMPLERS.direct.sample(oracle(x0), { degradation: deg, params, noise: {} }, xT, {
      record: [6, 3, 0],
      onStep: (done) => calls.push(done),
    });
    expect(calls).toEqual([1]);
    expect(trajectory.map((f) => f.t)).toEqual([6, 0]);
    tf.dispose([out, ...trajectory.map((f) => f.xt)]);
  });

  it.each((Object.keys(SAMPLERS) as SamplerName[]).filter((s) => appliesTo(s, deg)))('%s leaks no tensors and leaves x_T alone', (name) => {
    const run = () => {
      const { x0: out, trajectory } = getSampler(name).sample((xs) => tf.mul(xs, 0.9), { degradation: deg, params, noise: {} }, xT, {
        record: [6, 2, 0],
      });
      tf.dispose([out, ...trajectory.map((f) => f.xt)]);
    };
    run(); // warm-up
    const before = tf.memory().numTensors;
    run();
    expect(tf.memory().numTensors).toBe(before);
    expect(xT.isDisposed).toBe(false);
  });

  it('names the closest sampler for an unknown one', () => {
    expect(() => getSampler('alg3')).toThrow("Unknown sampler 'alg3'. Did you mean 'alg1'? Known: direct, alg1, alg2, ddim, ddpm.");
  });
});

describe('ddim (η = 0), the hot baseline', () => {
  const deg = getDegradation('gaussian');
  const params = resolveParams(deg, { steps: 8 });
  const alphaBar = cosineAlphaBar(8);

  it('applies to the mix degradations only', () => {
    expect(['gaussian', 'animorph', 'blur', 'snow'].map((n) => appliesTo('ddim', getDegradation(n)))).toEqual([true, true, false, false]);
    const blur = getDegradation('blur');
    expect(() =>
      SAMPLERS.ddim.sample(
        () => tf.zeros([1, 4, 4, 1]),
        { degradation: blur, params: resolveParams(blur), noise: {} },
        tf.zeros([1, 4, 4, 1]),
      ),
    ).toThrow("Sampler 'ddim' does not apply to degradation 'blur': it is not a mix √ᾱ·x0 + √(1−ᾱ)·ε.");
  });

  it('with the true x0, re-estimates ε exactly and retraces the forward process', () => {
    // Reference: DDIM eq. 12 (Song et al. 2021) with x̂0 = x0: ε̂ = (x_s − √ᾱ_s·x0)/√(1−ᾱ_s) = z, so
    // x_{s−1} = √ᾱ_{s−1}·x0 + √(1−ᾱ_{s−1})·z = D(x0, s−1; z) at every step.
    const x0 = smoothImages(new Rng(7), 2, 8, 1);
    const noise = drawNoise(deg, x0.shape, params, new Rng(8));
    const xT = restorationStart(deg, params, x0, noise);
    const { trajectory } = SAMPLERS.ddim.sample(oracle(x0), { degradation: deg, params, noise }, xT, { record: [6, 3, 1] });
    for (const { t, xt } of trajectory) {
      const forward = degrade(deg, x0, t, params, noise);
      expect(maxAbsDiff(xt, forward)).toBeLessThan(1e-5);
      tf.dispose([xt, forward]);
    }
    tf.dispose([x0, xT, ...Object.values(noise)]);
  });

  it('steps as a hand computation does, and unlike Algorithm 2 when R is wrong', () => {
    // R always answers 0.5. By hand, one step from x_T = 1 (a 1-pixel image):
    // ε̂ = (1 − √ᾱ_8·0.5)/√(1−ᾱ_8); x_7 = √ᾱ_7·0.5 + √(1−ᾱ_7)·ε̂. Algorithm 2 keeps z = D's ε instead:
    // x_7 = x_8 − D(0.5, 8; z) + D(0.5, 7; z) with z = 2 here.
    const before = tf.memory().numTensors;
    const xT = tf.ones([1, 1, 1, 1]) as tf.Tensor4D;
    const z = tf.fill([1, 1, 1, 1], 2) as tf.Tensor4D;
    const half: Restorer = (xs) => tf.fill(xs.shape, 0.5) as tf.Tensor4D;
    const problem = { degradation: deg, params, noise: { z } };
    const step = (name: 'ddim' | 'alg2') => {
      const { x0, trajectory } = SAMPLERS[name].sample(half, problem, xT, { record: [7] });
      const value = trajectory[0].xt.dataSync()[0];
      tf.dispose([x0, ...trajectory.map((f) => f.xt)]);
      return value;
    };
    const [a8, a7] = [alphaBar[8], alphaBar[7]];
    const eps = (1 - Math.sqrt(a8) * 0.5) / Math.sqrt(1 - a8);
    expect(step('ddim')).toBeCloseTo(Math.sqrt(a7) * 0.5 + Math.sqrt(1 - a7) * eps, 5);
    expect(step('alg2')).toBeCloseTo(1 - (Math.sqrt(a8) * 0.5 + Math.sqrt(1 - a8) * 2) + (Math.sqrt(a7) * 0.5 + Math.sqrt(1 - a7) * 2), 5);
    tf.dispose([xT, z]);
    expect(tf.memory().numTensors).toBe(before); // no leaks
  });
});

describe('ddpm (DDIM with η = 1), ancestral sampling', () => {
  const deg = getDegradation('gaussian');
  const params = resolveParams(deg, { steps: 8 });
  const alphaBar = cosineAlphaBar(8);

  it('adds σ_s·z of fresh noise to the DDIM step, as a hand computation does', () => {
    // Reference: DDIM eq. 16 with η = 1: σ_8 = √((1−ᾱ_7)/(1−ᾱ_8))·√(1 − ᾱ_8/ᾱ_7); from x_8 = 1 with
    // R = 0.5: x_7 = √ᾱ_7·0.5 + √(1−ᾱ_7−σ²)·ε̂ + σ·z, z the rng's first normal.
    const xT = tf.ones([1, 1, 1, 1]) as tf.Tensor4D;
    const half: Restorer = (xs) => tf.fill(xs.shape, 0.5) as tf.Tensor4D;
    const { x0, trajectory } = SAMPLERS.ddpm.sample(half, { degradation: deg, params, noise: {}, rng: new Rng(9) }, xT, { record: [7] });
    const [a8, a7] = [alphaBar[8], alphaBar[7]];
    const sigma = Math.sqrt((1 - a7) / (1 - a8)) * Math.sqrt(1 - a8 / a7);
    const eps = (1 - Math.sqrt(a8) * 0.5) / Math.sqrt(1 - a8);
    const z = new Rng(9).normals(1)[0];
    expect(trajectory[0].xt.dataSync()[0]).toBeCloseTo(Math.sqrt(a7) * 0.5 + Math.sqrt(1 - a7 - sigma ** 2) * eps + sigma * z, 5);
    tf.dispose([xT, x0, ...trajectory.map((f) => f.xt)]);
  });

  it('keeps the forward marginals with the true x0: x_t has spread √(1−ᾱ_t) around √ᾱ_t·x0', () => {
    // Reference: the DDPM posterior q(x_{t−1} | x_t, x0) maps x_t ~ N(√ᾱ_t·x0, 1−ᾱ_t) to
    // x_{t−1} ~ N(√ᾱ_{t−1}·x0, 1−ᾱ_{t−1}); checked on 4,096 pixels of x0 = 0 (4 SE ≈ 4.4%).
    const x0 = tf.zeros([1, 64, 64, 1]) as tf.Tensor4D;
    const noise = drawNoise(deg, x0.shape, params, new Rng(10));
    const xT = restorationStart(deg, params, x0, noise);
    const { x0: out, trajectory } = SAMPLERS.ddpm.sample(oracle(x0), { degradation: deg, params, noise, rng: new Rng(11) }, xT, {
      record: [6, 3, 1],
    });
    for (const { t, xt } of trajectory) {
      const v = xt.dataSync() as Float32Array;
      const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
      expect(Math.abs(std / Math.sqrt(1 - alphaBar[t]) - 1)).toBeLessThan(0.044);
    }
    tf.dispose([x0, xT, out, ...trajectory.map((f) => f.xt), ...Object.values(noise)]);
  });
});

describe('the sampler registry (one file per sampler)', () => {
  it('lists each sampler under its own name, and applies one that requires a mix only to degradations with alphaBar', () => {
    for (const [key, sampler] of Object.entries(SAMPLERS)) expect(sampler.name).toBe(key);
    const [blur, gaussian] = [getDegradation('blur'), getDegradation('gaussian')];
    expect(Object.keys(SAMPLERS).filter((name) => appliesTo(name, blur))).toEqual(['direct', 'alg1', 'alg2']);
    expect(Object.keys(SAMPLERS).filter((name) => appliesTo(name, gaussian))).toEqual(['direct', 'alg1', 'alg2', 'ddim', 'ddpm']);
    expect(() => applicableSampler('ddpm', blur)).toThrow(
      "Sampler 'ddpm' does not apply to degradation 'blur': it needs a mix √ᾱ·x0 + √(1−ᾱ)·ε such as gaussian; pick one of direct, alg1, alg2.",
    );
    expect(
      Object.values(SAMPLERS)
        .filter((s) => s.stochastic)
        .map((s) => s.name),
    ).toEqual(['ddpm']);
  });
});
