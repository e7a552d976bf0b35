import * as tf from '@tensorflow/tfjs-core';
import { batchTensor } from '../../src/data/batch.js';
import { loadDataset } from '../../src/data/index.js';
import type { LoadedDataset } from '../../src/data/types.js';
import { degrade, drawNoise } from '../../src/degradations/degrade.js';
import { DEGRADATIONS, resolveParams } from '../../src/degradations/index.js';
import type { Assets, Degradation } from '../../src/degradations/types.js';
import { featureStats, frechetFromStats } from '../../src/metrics/index.js';
import { featuresSection } from '../../src/results/config.js';
import { featureNet, type FeatureNet } from '../../src/train/feature-net.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

/** The production feature networks (what reports use), trained once into the project cache. */
const nets = new Map<string, { data: LoadedDataset; net: FeatureNet }>();
async function forDataset(name: string) {
  if (!nets.has(name)) {
    const data = await loadDataset(name);
    nets.set(name, { data, net: await featureNet(data, featuresSection.parse({}), '.cache/features') });
  }
  return nets.get(name)!;
}

beforeAll(() => useWasmEngine());
afterAll(() => nets.forEach(({ net }) => net.dispose()));

describe.each(Object.values(DEGRADATIONS) as Degradation[])('FID-like against severity: $name', (deg) => {
  it('rises monotonically with t on held-out images', async () => {
    const { data, net } = await forDataset(deg.channels?.includes(1) === false ? 'faces' : 'digits');
    const params = resolveParams(deg);
    const T = params.steps as number;
    const x0 = batchTensor(
      data.test,
      Array.from({ length: Math.min(256, data.test.n) }, (_, i) => i),
    );
    const assets: Assets = {};
    for (const name of deg.requires ?? []) {
      const bank = await loadDataset(name, { size: x0.shape[1], channels: x0.shape[3] as 1 | 3 });
      assets[name] = batchTensor(
        bank.test,
        Array.from({ length: bank.test.n }, (_, i) => i),
      );
    }
    const noise = drawNoise(deg, x0.shape, params, new Rng(1), assets);
    const reference = featureStats(net.embed(x0));
    const steps = [...new Set([0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * T)))];
    const fid = steps.map((t) => {
      const features = tf.tidy(() => net.embed(degrade(deg, x0, t, params, noise)));
      const stats = featureStats(features);
      features.dispose();
      return frechetFromStats(stats.mu, stats.sigma, reference.mu, reference.sigma);
    });
    // Reference: D(x, 0) = x, so the first distance is 0 up to float error; every later step
    // removes more information (docs/reference.md §5: a good feature distance rises with severity).
    expect(Math.abs(fid[0])).toBeLessThan(1e-4); // float64 rounding on traces of order 10²
    for (let i = 1; i < fid.length; i++) expect(fid[i]).toBeGreaterThan(fid[i - 1]);
    tf.dispose([x0, ...Object.values(noise), ...Object.values(assets)]);
  });
});
