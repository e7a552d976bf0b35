import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { getDegradation, resolveParams } from '../../src/degradations/index.js';
import { previewSteps, previewStrip } from '../../src/degradations/preview.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

describe('preview', () => {
  it('shows every t when T is small and 11 evenly spaced ones otherwise', () => {
    expect(previewSteps(3)).toEqual([0, 1, 2, 3]);
    expect(previewSteps(200)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(previewSteps(50, 4)).toEqual([0, 17, 33, 50]);
  });

  it('writes one row per image and one column per t', async () => {
    const snow = getDegradation('snow');
    const images = smoothImages(new Rng(1), 2, 8, 3);
    const before = tf.memory().numTensors;
    const png = await previewStrip(snow, resolveParams(snow, { steps: 3 }), images, {}, new Rng(2), { scale: 2 });
    expect(tf.memory().numTensors).toBe(before);
    // Four 16 px cells with 2 px gaps across, two down.
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 4 * 16 + 3 * 2, height: 2 * 16 + 2, channels: 3 });
    images.dispose();
  });
});
