import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { jest } from '@jest/globals';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSplit } from '../../src/data/types.js';
import { DEGRADATIONS, resolveParams } from '../../src/degradations/index.js';
import type { UNetConfig } from '../../src/model/unet.js';
import { trainSection } from '../../src/results/config.js';
import { emaDecay, train, type TrainJob } from '../../src/train/train.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothSplit } from '../helpers/images.js';

let data: ImageSplit;
beforeAll(async () => {
  await useWasmEngine();
  data = smoothSplit(new Rng(1), 10, 16, 1);
});

const model: UNetConfig = { size: 16, channels: 1, base: 4, channelMults: [1, 2], timeDim: 8 };
const config = trainSection.parse({ steps: 6, batch: 4, emaStart: 2, emaEvery: 2, checkpointEvery: 2 });
const blur = DEGRADATIONS.blur;

const dirs: string[] = [];
async function job(overrides: Partial<TrainJob> = {}): Promise<TrainJob> {
  const dir = await mkdtemp(join(tmpdir(), 'coldbench-train-'));
  dirs.push(dir);
  const params = resolveParams(blur, { steps: 3, radius: 1, sigma: 1 });
  return { dir, seed: 7, model, train: config, degradation: blur, params, data, assets: {}, ...overrides };
}
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('train', () => {
  it('resumes from a checkpoint exactly as if never stopped', async () => {
    const whole = await train(await job());
    expect(whole.state).toBe('completed');

    const stop = new AbortController();
    const split = await job({ onStep: (step) => step === 3 && stop.abort(), signal: stop.signal });
    const first = await train(split);
    expect(first).toMatchObject({ state: 'stopped', step: 3 });
    const { trainMs } = JSON.parse(await readFile(join(split.dir, 'checkpoint/state.json'), 'utf8')) as { trainMs: number };
    expect(trainMs).toBeGreaterThan(0); // the first attempt's 3 steps
    const second = await train({ ...split, signal: undefined, onStep: undefined });
    expect(second.state).toBe('completed');
    // The resumed attempt reports the time the first one spent, so the run's cost reads whole.
    expect(second).toMatchObject({ earlierMs: trainMs });
    expect(whole).toMatchObject({ earlierMs: 0 });

    // Same loss at every step, bit for bit, and the same EMA weights.
    expect(second.losses).toEqual(whole.losses);
    expect(second.losses).toHaveLength(6);
    if (whole.state === 'completed' && second.state === 'completed') {
      const a = whole.ema.getWeights().map((w) => Array.from(w.dataSync()));
      const b = second.ema.getWeights().map((w) => Array.from(w.dataSync()));
      expect(b).toEqual(a);
      [whole.ema, whole.raw, second.ema, second.raw].forEach((m) => m.dispose());
    }
  });

  it.each([
    [
      'one flipped bit in the weights',
      'model/weights.bin',
      async (path: string) => {
        const bytes = await readFile(path);
        bytes[17] ^= 0x04;
        await writeFile(path, bytes);
      },
    ],
    ['a truncated optimizer state', 'optimizer.bin', (path: string) => truncate(path, 1001)],
    [
      'random bytes for the state',
      'state.json',
      (path: string) =>
        writeFile(
          path,
          Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256),
        ),
    ],
  ] as const)('never resumes from a damaged checkpoint (%s): names the file and retrains to the same result', async (_, file, damage) => {
    const whole = await train(await job());
    const stop = new AbortController();
    const split = await job({ onStep: (step) => step === 3 && stop.abort(), signal: stop.signal });
    expect(await train(split)).toMatchObject({ state: 'stopped', step: 3 });
    await damage(join(split.dir, 'checkpoint', file));
    const said = jest.spyOn(console, 'error').mockImplementation(() => {});
    const again = await train({ ...split, signal: undefined, onStep: undefined });
    expect(said).toHaveBeenCalledTimes(1);
    expect(said.mock.calls[0][0]).toBe(
      `coldbench: checkpoint ${join(split.dir, 'checkpoint')} is damaged (${file} does not match its SHA-256); training this run from scratch`,
    );
    said.mockRestore();
    expect(again.state).toBe('completed');
    expect(again.losses).toEqual(whole.losses);
    for (const outcome of [whole, again]) if (outcome.state === 'completed') [outcome.ema, outcome.raw].forEach((m) => m.dispose());
  });

  it('writes checkpoints any TF.js user can load', async () => {
    const run = await job({ train: { ...config, steps: 2 } });
    const outcome = await train(run);
    if (outcome.state === 'completed') [outcome.ema, outcome.raw].forEach((m) => m.dispose());
    const json = JSON.parse(await readFile(join(run.dir, 'checkpoint/ema/model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    const weights = await readFile(join(run.dir, 'checkpoint/ema/weights.bin'));
    const loaded = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const y = loaded.predict([tf.zeros([1, 16, 16, 1]), tf.zeros([1, 8])]) as tf.Tensor;
    expect(y.shape).toEqual([1, 16, 16, 1]);
    tf.dispose(y);
    loaded.dispose();
  });

  it('stops a diverging run with the step it diverged at', async () => {
    // A degradation that poisons every input with NaN makes the first loss NaN.
    const poisoned = { ...blur, apply: (x0: tf.Tensor4D) => tf.mul(x0, NaN) as tf.Tensor4D };
    const outcome = await train(await job({ degradation: poisoned }));
    expect(outcome).toMatchObject({ state: 'diverged', step: 1, losses: [] });
    expect(Number.isNaN((outcome as { loss: number }).loss)).toBe(true);
  });

  it('learns: the loss falls over 40 steps and nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const outcome = await train(await job({ train: { ...config, steps: 40, batch: 8, lr: 2e-3, checkpointEvery: 40 } }));
    if (outcome.state !== 'completed') throw new Error(outcome.state);
    outcome.ema.dispose();
    outcome.raw.dispose();
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(outcome.losses.slice(-5))).toBeLessThan(0.8 * mean(outcome.losses.slice(0, 5)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('averages over a fixed fraction of the run, so early weights are forgotten at any budget', () => {
    // Reference, by hand: 3,000 steps, EMA every 10 from step 1,000 — 200 updates. A fixed decay of
    // 0.995 keeps 0.995^200 = 0.367 of the step-1,000 weights at the end; a horizon of 5% (150
    // steps, decay e^(−10/150) per update) keeps e^(−2000/150) = 1.6e-6.
    const cfg = { steps: 3000, emaEvery: 10, emaHorizon: 0.05 };
    expect(emaDecay(cfg)).toBeCloseTo(Math.exp(-1 / 15), 12);
    expect(0.995 ** 200).toBeCloseTo(0.367, 3);
    expect(emaDecay(cfg) ** 200).toBeCloseTo(1.62e-6, 8);
    // The same fraction at a 10× budget: the same forgetting.
    expect(emaDecay({ ...cfg, steps: 30_000 }) ** 2000).toBeCloseTo(emaDecay(cfg) ** 200, 12);
  });
});
