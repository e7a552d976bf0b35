import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { decodeDigits, digits, parseIdx } from '../../src/data/digits.js';
import type { LoadedDataset } from '../../src/data/types.js';

/** An unsigned-byte idx file with the given dims and data. */
function idx(dims: number[], data: number[]): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(data)]));
}

describe('parseIdx', () => {
  it('reads dims and data of a hand-made file', () => {
    // Reference: the idx layout on yann.lecun.com/exdb/mnist: 0x00 0x00, type 0x08, rank, big-endian u32 dims.
    const bytes = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 251, 252]);
    const { dims, data } = parseIdx(bytes);
    expect(dims).toEqual([2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 3, 250, 251, 252]);
  });

  it('rejects a truncated file and a non-ubyte type', () => {
    expect(() => parseIdx(idx([2, 3], [1, 2, 3, 4, 5]))).toThrow('idx file has 17 bytes, its header says 18');
    expect(() => parseIdx(new Uint8Array([0, 0, 9, 1, 0, 0, 0, 0]))).toThrow('not an unsigned-byte idx file');
  });
});

describe('decodeDigits on two hand-made 28×28 images', () => {
  const images = idx(
    [2, 28, 28],
    Array.from({ length: 2 * 784 }, (_, i) => (i < 784 ? 200 : 100)),
  );
  const labels = idx([2], [7, 3]);

  it('zero-pads by 2 px to 32 and keeps the labels', async () => {
    const split = await decodeDigits(images, labels, { size: 32, channels: 1 });
    expect([split.n, split.size, split.channels]).toEqual([2, 32, 1]);
    expect(Array.from(split.labels!)).toEqual([7, 3]);
    const at = (i: number, y: number, x: number) => split.pixels[(i * 32 + y) * 32 + x];
    expect([at(0, 1, 1), at(0, 2, 1), at(0, 1, 2), at(0, 2, 2), at(0, 29, 29), at(0, 30, 30)]).toEqual([0, 0, 0, 200, 200, 0]);
    expect(at(1, 16, 16)).toBe(100);
  });

  it('replicates grey into 3 channels and resizes to 64 with sharp', async () => {
    const rgb = await decodeDigits(images, labels, { size: 32, channels: 3 });
    expect(Array.from(rgb.pixels.subarray((2 * 32 + 2) * 3, (2 * 32 + 2) * 3 + 6))).toEqual([200, 200, 200, 200, 200, 200]);
    const big = await decodeDigits(images, labels, { size: 64, channels: 3 });
    expect([big.size, big.channels, big.pixels.length]).toEqual([64, 3, 2 * 64 * 64 * 3]);
    expect(big.pixels[((1 * 64 + 32) * 64 + 32) * 3]).toBe(100); // centre of the flat second image
    expect(big.pixels[0]).toBe(0); // corner stays in the zero border
  });
});

describe('digits (MNIST)', () => {
  let dir: string;
  let data: LoadedDataset;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldbench-digits-'));
    data = await digits.load({ cacheDir: dir });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has 60,000 training and 10,000 test images of 32×32×1', () => {
    expect([data.train.n, data.test.n]).toEqual([60_000, 10_000]);
    expect([data.train.size, data.train.channels, data.train.pixels.length]).toEqual([32, 1, 60_000 * 1024]);
  });

  it('has the known MNIST label counts', () => {
    // Reference: MNIST class counts (LeCun et al.): label 1 has 6,742 training and 1,135 test images;
    // the first training image is a 5 and the first test image a 7.
    const count = (labels: Int32Array, k: number) => labels.filter((l) => l === k).length;
    expect(count(data.train.labels!, 1)).toBe(6742);
    expect(count(data.test.labels!, 1)).toBe(1135);
    expect([data.train.labels![0], data.test.labels![0]]).toEqual([5, 7]);
    // It declares its 10 classes (0–9), the feature classifier's head, and every label is one of them.
    expect(data.classes).toBe(10);
    expect(Math.max(...data.train.labels!)).toBe(9);
  });

  it('has a zero border of 2 px around every image', () => {
    let border = 0;
    const { pixels, n } = data.train;
    for (let i = 0; i < n; i++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) if (y < 2 || y >= 30 || x < 2 || x >= 30) border += pixels[(i * 32 + y) * 32 + x];
      }
    }
    expect(border).toBe(0);
    expect(Math.max(...data.train.pixels.subarray(0, 1024))).toBe(255);
  });

  it('is read from the cache the second time, byte for byte', async () => {
    const decode = jest.spyOn(digits, 'decode');
    const again = await digits.load({ cacheDir: dir });
    expect(decode).not.toHaveBeenCalled();
    decode.mockRestore();
    expect(Buffer.compare(again.train.pixels, data.train.pixels)).toBe(0);
    expect(Array.from(again.test.labels!.subarray(0, 20))).toEqual(Array.from(data.test.labels!.subarray(0, 20)));
  });
});
