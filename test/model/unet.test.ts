import * as tf from '@tensorflow/tfjs-core';
import { initWeights } from '../../src/model/init.js';
import { timeEmbedding } from '../../src/model/time-embedding.js';
import { buildUNet } from '../../src/model/unet.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('time-conditioned U-Net', () => {
  const config = { size: 16, channels: 1, base: 4, channelMults: [1, 2], timeDim: 8 } as const;

  it('has the parameter count of its layers', () => {
    // Reference: dense(i, o) = i·o + o, conv3(i, o) = 9·i·o + o. Time MLP 8→32→32: 288 + 1,056;
    // enc1 (1→4, time 32→4, 4→4): 40 + 132 + 148; mid (4→8, 32→8, 8→8): 296 + 264 + 584;
    // dec1 (12→4, 32→4, 4→4): 436 + 132 + 148; out 4→1: 5. Total 3,529.
    const model = buildUNet(config);
    expect(model.countParams()).toBe(3_529);
    model.dispose();
  });

  it('maps (x_t, t) to an image and depends on t', () => {
    const model = buildUNet({ ...config, channels: 3 });
    initWeights(model, new Rng(1));
    const x = tf.ones([2, 16, 16, 3]);
    const [a, b] = [timeEmbedding([1, 1], 8), timeEmbedding([1, 50], 8)];
    const ya = model.predict([x, a]) as tf.Tensor;
    const yb = model.predict([x, b]) as tf.Tensor;
    expect(ya.shape).toEqual([2, 16, 16, 3]);
    const gap = tf.max(tf.abs(tf.sub(ya, yb))); // image 0 sees the same t, image 1 another t
    expect(gap.dataSync()[0]).toBeGreaterThan(0);
    const same = tf.max(tf.abs(tf.sub(tf.slice(ya, 0, 1), tf.slice(yb, 0, 1))));
    expect(same.dataSync()[0]).toBe(0);
    tf.dispose([x, a, b, ya, yb, gap, same]);
    model.dispose();
  });

  it('initialises from the seed alone', () => {
    const [m1, m2] = [buildUNet(config), buildUNet(config)];
    initWeights(m1, new Rng(5));
    initWeights(m2, new Rng(5));
    expect(Array.from(m2.getWeights()[0].dataSync())).toEqual(Array.from(m1.getWeights()[0].dataSync()));
    // Reference: Glorot-uniform limit for the 8→32 dense kernel is √(6/40) = 0.3873.
    const kernel = m1.getWeights()[0].dataSync();
    expect(Math.max(...Array.from(kernel, Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 40));
    m1.dispose();
    m2.dispose();
  });
});

describe('timeEmbedding', () => {
  it('is [sin(t·ω), cos(t·ω)] with ω_i = 10000^(−i/(d/2 − 1))', () => {
    const e = timeEmbedding([0, 1], 4).arraySync();
    // Reference: d = 4, ω = [1, 1e-4]; t = 0 → [0, 0, 1, 1]; t = 1 → [sin 1, sin 1e-4, cos 1, cos 1e-4].
    expect(e[0]).toEqual([0, 0, 1, 1]);
    expect(e[1][0]).toBeCloseTo(0.841471, 6);
    expect(e[1][1]).toBeCloseTo(1e-4, 6);
    expect(e[1][2]).toBeCloseTo(0.540302, 6);
    expect(e[1][3]).toBeCloseTo(1, 6);
  });
});
