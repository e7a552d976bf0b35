import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { batchTensor, toUint8 } from '../../src/data/batch.js';
import type { ImageSplit } from '../../src/data/types.js';

beforeAll(() => {
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  return tf.setBackend('cpu');
});

/** 256 one-pixel grey images holding every byte value. */
const everyByte: ImageSplit = { n: 256, size: 1, channels: 1, pixels: Uint8Array.from({ length: 256 }, (_, i) => i) };

describe('batchTensor / toUint8', () => {
  it('maps bytes to [−1, 1] as x / 127.5 − 1, in the order of the indices', () => {
    const t = batchTensor(everyByte, [255, 0, 51, 128]);
    expect(t.shape).toEqual([4, 1, 1, 1]);
    const v = t.dataSync();
    // Reference: x / 127.5 − 1 by hand: 255 → 1, 0 → −1, 51 → −0.6, 128 → 0.003921…
    expect(v[0]).toBe(1);
    expect(v[1]).toBe(-1);
    expect(v[2]).toBeCloseTo(-0.6, 6);
    expect(v[3]).toBeCloseTo(1 / 255, 6);
    t.dispose();
  });

  it('keeps NHWC layout for colour images', () => {
    const split: ImageSplit = { n: 2, size: 2, channels: 3, pixels: Uint8Array.from({ length: 24 }, (_, i) => i * 10) };
    const t = batchTensor(split, [1]);
    expect(t.shape).toEqual([1, 2, 2, 3]);
    expect(toUint8(t)).toEqual(split.pixels.subarray(12));
    t.dispose();
  });

  it('round-trips every byte value and clips and rounds out-of-range values', () => {
    const all = batchTensor(
      everyByte,
      Array.from({ length: 256 }, (_, i) => i),
    );
    const [lo, hi] = [tf.min(all).dataSync()[0], tf.max(all).dataSync()[0]];
    expect([lo, hi]).toEqual([-1, 1]);
    expect(toUint8(all)).toEqual(everyByte.pixels);
    const odd = tf.tensor4d([-3, 2, 100.4 / 127.5 - 1, 100.6 / 127.5 - 1], [4, 1, 1, 1]);
    expect(Array.from(toUint8(odd))).toEqual([0, 255, 100, 101]);
    tf.dispose([all, odd]);
  });

  it('rejects an index outside the split', () => {
    expect(() => batchTensor(everyByte, [256])).toThrow('image index 256 outside 0..255');
  });
});
