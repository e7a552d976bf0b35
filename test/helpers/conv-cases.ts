import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../src/util/rng.js';

/** Conv shapes every training kernel is checked on: strides 1 and 2, 'same', 'valid' and explicit pads, kernels 1/3/5, odd sizes. */
export type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];
export interface Case {
  x: [number, number, number, number];
  /** Filter height, width and output channels. */
  w: [number, number, number];
  strides: [number, number];
  pad: Pad;
}

export const CASES: Case[] = [
  { x: [1, 8, 8, 3], w: [3, 3, 5], strides: [1, 1], pad: 'same' },
  { x: [3, 7, 7, 2], w: [3, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [3, 9, 8, 4], w: [5, 5, 3], strides: [1, 1], pad: 'same' },
  { x: [1, 7, 9, 3], w: [1, 1, 2], strides: [1, 1], pad: 'same' },
  { x: [3, 32, 32, 4], w: [3, 3, 6], strides: [1, 1], pad: 'same' },
  { x: [3, 8, 8, 3], w: [3, 3, 5], strides: [2, 2], pad: 'same' },
  { x: [3, 7, 7, 2], w: [3, 3, 3], strides: [2, 2], pad: 'same' },
  { x: [1, 9, 9, 4], w: [5, 5, 2], strides: [2, 2], pad: 'valid' },
  { x: [3, 8, 7, 3], w: [1, 1, 4], strides: [2, 2], pad: 'same' },
  { x: [1, 7, 7, 2], w: [1, 1, 3], strides: [2, 2], pad: 'valid' },
  { x: [1, 32, 32, 3], w: [3, 3, 4], strides: [2, 2], pad: 'same' },
  { x: [3, 9, 8, 2], w: [5, 3, 3], strides: [2, 1], pad: 'same' },
  {
    x: [3, 8, 9, 3],
    w: [3, 3, 2],
    strides: [1, 2],
    pad: [
      [0, 0],
      [2, 1],
      [0, 3],
      [0, 0],
    ],
  },
  {
    x: [1, 7, 7, 2],
    w: [3, 3, 3],
    strides: [2, 2],
    pad: [
      [0, 0],
      [4, 0],
      [1, 5],
      [0, 0],
    ],
  },
  // Stride 1 with uneven padding, padding wider than the taps reach, and a batch the wasm filter gradient splits in 3 chunks.
  {
    x: [2, 7, 8, 3],
    w: [3, 3, 4],
    strides: [1, 1],
    pad: [
      [0, 0],
      [2, 0],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [2, 6, 5, 2],
    w: [3, 3, 3],
    strides: [1, 1],
    pad: [
      [0, 0],
      [3, 3],
      [1, 4],
      [0, 0],
    ],
  },
  { x: [5, 32, 32, 2], w: [3, 3, 128], strides: [1, 1], pad: 'same' },
];

export const name = (c: Case) => `x ${c.x.join('×')}, w ${c.w.join('×')}, stride ${c.strides.join(',')}, pad ${JSON.stringify(c.pad)}`;

/** Seeded x, w and r (the weights of the summed output) for a case. */
export function data(c: Case, seed: number) {
  const rng = new Rng(seed);
  const wShape: [number, number, number, number] = [c.w[0], c.w[1], c.x[3], c.w[2]];
  const yShape = tf.backend_util.computeConv2DInfo(c.x, wShape, c.strides, 1, c.pad).outShape;
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  return { wShape, yShape, x: rng.normals(size(c.x)), w: rng.normals(size(wShape)), r: rng.normals(size(yShape)) };
}

/** d/dx and d/dw of sum(conv2d(x, w) · r) on one backend. */
export async function gradsOn(backend: string, c: Case, seed: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const d = data(c, seed);
  return tf.tidy(() => {
    const r = tf.tensor(d.r, d.yShape);
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad), r));
    return tf
      .grads(f)([tf.tensor4d(d.x, c.x), tf.tensor4d(d.w, d.wShape)])
      .map((g) => g.dataSync() as Float32Array);
  });
}

/** Asserts max|a − b| ≤ 1e-4 · max(1, max|b|). */
export function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let err = 0,
    scale = 1;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  expect(err).toBeLessThanOrEqual(1e-4 * scale);
}

/**
 * Nearest upsampling of a [b, h, w, c] batch by whole factors [fh, fw] on the active backend, and
 * its gradient, with their analytic values: y[n, i, j] = x[n, ⌊i/fh⌋, ⌊j/fw⌋] and dx[n, i, j] =
 * Σ of the fh × fw block of dy above it (cpu's gradient is wrong for batch > 1, docs/reference.md §6).
 */
export function nearestUpsample(shape: [number, number, number, number] = [3, 4, 5, 2], [fh, fw]: [number, number] = [2, 2]) {
  const [b, h, w, c] = shape;
  const [oh, ow] = [fh * h, fw * w];
  const rng = new Rng(9);
  const [x, dy] = [rng.normals(b * h * w * c), rng.normals(b * oh * ow * c)];
  const up = (t: tf.Tensor) => tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [oh, ow]);
  const y = tf.tidy(() => up(tf.tensor(x, shape)).dataSync() as Float32Array);
  const dx = tf.tidy(
    () =>
      tf
        .grad((t: tf.Tensor) => tf.sum(tf.mul(up(t), tf.tensor(dy, [b, oh, ow, c]))))(tf.zeros(shape))
        .dataSync() as Float32Array,
  );
  const [yExpected, dxExpected] = [new Float32Array(y.length), new Float32Array(x.length)];
  for (let n = 0; n < b; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let k = 0; k < c; k++) {
          const [small, large] = [((n * h + Math.floor(i / fh)) * w + Math.floor(j / fw)) * c + k, ((n * oh + i) * ow + j) * c + k];
          yExpected[large] = x[small];
          dxExpected[small] += dy[large];
        }
  return { y, yExpected, dx, dxExpected };
}
