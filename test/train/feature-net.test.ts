import * as tf from '@tensorflow/tfjs-core';
import { jest } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSplit, LoadedDataset } from '../../src/data/types.js';
import { loadNativeAddon } from '../../src/engine/native/addon.js';
import { NATIVE_BACKEND, registerNativeBackend } from '../../src/engine/native/index.js';
import { featuresSection } from '../../src/results/config.js';
import { featureNet } from '../../src/train/feature-net.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothSplit } from '../helpers/images.js';

let cache: string;
beforeAll(async () => {
  await useWasmEngine();
  cache = await mkdtemp(join(tmpdir(), 'coldbench-features-'));
});
afterAll(() => rm(cache, { recursive: true, force: true }));

/** Labelled toy set: label 1 images are bright, label 0 dark, so a working classifier nears 100%. */
function brightDark(rng: Rng, n: number): ImageSplit {
  const base = smoothSplit(rng, n, 16, 1);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  const pixels = base.pixels.map((v, j) => (labels[Math.floor(j / 256)] ? 128 + (v >> 1) : v >> 1));
  return { ...base, pixels, labels };
}

/** Unlabelled toy set with an up-direction (bright top rows), so rotations are recognisable. */
function litFromAbove(rng: Rng, n: number): ImageSplit {
  const base = smoothSplit(rng, n, 16, 3);
  const pixels = base.pixels.map((v, j) => (Math.floor(j / (16 * 3)) % 16 < 4 ? 255 : v >> 1));
  return { ...base, pixels };
}

describe('feature networks', () => {
  const spec = featuresSection.parse({ steps: 100, batch: 16, dim: 16, lr: 3e-3 });

  it('learns a labelled objective, reports held-out accuracy, and is cached by content', async () => {
    const data: LoadedDataset = { name: 'toy', classes: 2, train: brightDark(new Rng(1), 64), test: brightDark(new Rng(2), 32) };
    const first = await featureNet(data, spec, cache);
    expect(first.objective).toBe('labels');
    expect(first.testAccuracy).toBeGreaterThan(0.9);
    const images = tf.zeros([3, 16, 16, 1]) as tf.Tensor4D;
    const a = first.embed(images);
    expect(a.shape).toEqual([3, 16]);

    const again = await featureNet(data, spec, cache); // loads, does not retrain
    expect(again.hash).toBe(first.hash);
    expect(again.testAccuracy).toBe(first.testAccuracy);
    const b = again.embed(images);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(await readdir(cache)).toEqual([`toy-${first.hash}`]);

    // One pass for both (what evaluate uses per sample set) gives exactly what two passes give.
    const mixed = tf.tidy(() => tf.concat([images, tf.ones([2, 16, 16, 1])]) as tf.Tensor4D);
    const both = first.analyse(mixed);
    const [features, probabilities] = [first.embed(mixed), first.probabilities(mixed)];
    expect(Array.from(both.features.dataSync())).toEqual(Array.from(features.dataSync()));
    expect(Array.from(both.probabilities.dataSync())).toEqual(Array.from(probabilities.dataSync()));
    expect(both.probabilities.shape).toEqual([5, 2]);

    const other = await featureNet(data, { ...spec, seed: 1 }, cache);
    expect(other.hash).not.toBe(first.hash);
    tf.dispose([images, a, b, mixed, both.features, both.probabilities, features, probabilities]);
    [first, again, other].forEach((net) => net.dispose());
  });

  it('falls back to rotation prediction for unlabelled sets', async () => {
    const unlabelled: LoadedDataset = { name: 'toy-rot', train: litFromAbove(new Rng(3), 64), test: litFromAbove(new Rng(4), 32) };
    const net = await featureNet(unlabelled, { ...spec, steps: 60 }, cache);
    expect(net.objective).toBe('rotation');
    // Chance is 0.25 for four rotations.
    expect(net.testAccuracy).toBeGreaterThan(0.4);
    net.dispose();
  });

  it('checks a cached net against its recorded weights hash and retrains a damaged one', async () => {
    const data: LoadedDataset = { name: 'toy-damaged', classes: 2, train: brightDark(new Rng(5), 64), test: brightDark(new Rng(6), 32) };
    const first = await featureNet(data, spec, cache);
    const bin = join(cache, `toy-damaged-${first.hash}`, 'weights.bin');
    const bytes = await readFile(bin);
    bytes[100] ^= 0x10; // one flipped bit
    await writeFile(bin, bytes);
    const said = jest.spyOn(console, 'error').mockImplementation(() => {});
    const again = await featureNet(data, spec, cache);
    expect(said).toHaveBeenCalledWith(
      expect.stringMatching(
        /^coldbench: the cached feature network .*toy-damaged-\w+ does not match its recorded weights hash; retraining it$/,
      ),
    );
    said.mockRestore();
    expect(again.weights).toBe(first.weights); // retrained to the same bits
    [first, again].forEach((net) => net.dispose());
  });
});

const native = 'addon' in loadNativeAddon() ? describe : describe.skip;
native('feature networks on the native engine', () => {
  it('train on the wasm engine, so their weights are the same whichever engine runs the suite', async () => {
    const data: LoadedDataset = { name: 'toy-engines', classes: 2, train: brightDark(new Rng(7), 64), test: brightDark(new Rng(8), 32) };
    const spec = featuresSection.parse({ steps: 30, batch: 16, dim: 16, lr: 3e-3 });
    const onWasm = await featureNet(data, spec, await mkdtemp(join(cache, 'wasm-')));
    await registerNativeBackend((loadNativeAddon() as { addon: Parameters<typeof registerNativeBackend>[0] }).addon);
    await tf.setBackend(NATIVE_BACKEND);
    try {
      const onNative = await featureNet(data, spec, await mkdtemp(join(cache, 'native-')));
      expect(tf.getBackend()).toBe(NATIVE_BACKEND); // returned to the run's engine
      expect(onNative.weights).toBe(onWasm.weights);
      expect(onNative.testAccuracy).toBe(onWasm.testAccuracy);
      onNative.dispose();
    } finally {
      await tf.setBackend('wasm');
      onWasm.dispose();
    }
  });
});
