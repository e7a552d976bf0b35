import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { gridToPng } from '../../src/util/image.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('gridToPng', () => {
  it('maps [−1, 1] to 0..255 with gaps between cells', async () => {
    // Two rows of two 1×1 grey cells: −1, 1 / 0, 3 (clipped to 1).
    const grid = tf.tensor5d([-1, 1, 0, 3], [2, 2, 1, 1, 1]);
    const png = await gridToPng(grid, { scale: 2, gap: 1, background: 7 });
    expect((await sharp(png).metadata()).channels).toBe(1);
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([5, 5, 1]);
    expect([data[0], data[2], data[3], data[3 * 5], data[4 * 5 + 4]]).toEqual([0, 7, 255, 128, 255]);
    grid.dispose();
  });

  it('takes rows as a list of [cols, H, W, 3] tensors', async () => {
    const rows = [tf.zeros([3, 4, 4, 3]), tf.zeros([3, 4, 4, 3])] as tf.Tensor4D[];
    expect(await sharp(await gridToPng(rows)).metadata()).toMatchObject({ width: 3 * 4 + 2 * 2, height: 2 * 4 + 2, channels: 3 });
    tf.dispose(rows);
  });
});
