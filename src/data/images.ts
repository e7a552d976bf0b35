import { createHash } from 'node:crypto';
import sharp, { type SharpOptions } from 'sharp';
import type { ImageSplit } from './types.js';

/** Output geometry of a load: square side in pixels and channel count. */
export interface Target {
  readonly size: number;
  readonly channels: 1 | 3;
}

/** An RGB colour for sharp's `flatten`. */
export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** Applies `fn` to every item, at most `limit` at a time, keeping order (sharp work runs off-thread). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Decodes an image with sharp into size² × channels bytes (HWC): centre-cropped to a square,
 * resized (lanczos3), alpha flattened onto `background`, greyscale when channels = 1.
 * `input` options describe raw pixels or set the dpi of SVG (`density`).
 */
export async function rasterise(
  bytes: Uint8Array,
  target: Target,
  background: Rgb = { r: 0, g: 0, b: 0 },
  input: SharpOptions = {},
): Promise<Uint8Array> {
  let image = sharp(bytes, input).resize(target.size, target.size, { fit: 'cover', position: 'centre' }).flatten({ background });
  if (target.channels === 1) image = image.greyscale();
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== target.size || info.height !== target.size || info.channels !== target.channels) {
    throw new Error(`sharp gave ${info.width}×${info.height}×${info.channels}, expected ${target.size}²×${target.channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** Packs equally sized HWC images into one NHWC split. */
export function stack(images: readonly Uint8Array[], target: Target, labels?: Int32Array): ImageSplit {
  const per = target.size * target.size * target.channels;
  const pixels = new Uint8Array(images.length * per);
  images.forEach((image, i) => pixels.set(image, i * per));
  return { n: images.length, ...target, pixels, ...(labels ? { labels } : {}) };
}

/**
 * Deterministic split that depends only on file contents: images sorted by the sha256 of their
 * source bytes; the first `testCount` are the test split, the rest the training split.
 */
export function splitByContent(
  items: readonly { readonly source: Uint8Array | string; readonly pixels: Uint8Array }[],
  testCount: number,
  target: Target,
): { train: ImageSplit; test: ImageSplit } {
  const sorted = items
    .map((item) => ({ key: createHash('sha256').update(item.source).digest('hex'), pixels: item.pixels }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((item) => item.pixels);
  return { test: stack(sorted.slice(0, testCount), target), train: stack(sorted.slice(testCount), target) };
}
