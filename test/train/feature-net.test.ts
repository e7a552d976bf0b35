import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSplit, LoadedDataset } from '../../src/data/types.js';
import { featureNet, FEATURE_NET_DEFAULTS } from '../../src/train/feature-net.js';
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
  const pixels = base.pixels.map((v, j) => Math.floor(j / (16 * 3)) % 16 < 4 ? 255 : v >> 1);
  return { ...base, pixels };
}

describe('feature networks', () => {
  const spec = { ...FEATURE_NET_DEFAULTS, steps: 100, batch: 16, dim: 16, lr: 3e-3 };

  it('learns a labelled objective, reports held-out accuracy, and is cached by content', async () => {
    const data: LoadedDataset = { name: 'toy', train: brightDark(new Rng(1), 64), test: brightDark(new Rng(2), 32) };
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

    const other = await featureNet(data, { ...spec, seed: 1 }, cache);
    expect(other.hash).not.toBe(first.hash);
    tf.dispose([images, a, b]);
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
});
