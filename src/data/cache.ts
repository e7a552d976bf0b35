import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import type { ImageSplit, LoadedDataset } from './types.js';

/**
 * Decoded datasets on disk. A file is `MAGIC`, a u32 LE header length, a JSON header (name, key,
 * split shapes, sha256 of the payload), then the payload: per split (train, test) its pixels and,
 * if present, its labels as int32 LE. A file whose length, key or checksum is off is rebuilt.
 */
const MAGIC = Buffer.from('CBDATA01');
/** Bumped whenever the file layout changes. */
const FORMAT = 1;

interface SplitHeader {
  readonly n: number;
  readonly size: number;
  readonly channels: 1 | 3;
  readonly labels: boolean;
}
interface Header {
  readonly name: string;
  readonly key: string;
  readonly train: SplitHeader;
  readonly test: SplitHeader;
  readonly sha256: string;
}

/** Default cache folder: `.cache/datasets` under the working directory. */
export function defaultCacheDir(): string {
  return join(process.cwd(), '.cache', 'datasets');
}

/** Cache key: sha256 over the file format, `parts` (dataset, version, options) and every source's bytes. */
export function cacheKey(sources: readonly Uint8Array[], parts: object): string {
  const hash = createHash('sha256').update(JSON.stringify({ format: FORMAT, ...parts }));
  for (const source of sources) hash.update(`\u0000${source.length}\u0000`).update(source);
  return hash.digest('hex');
}

/** The cached dataset under `key` in `dir`, or `build()`'s result, written atomically, on a miss or a bad file. */
export async function cached(dir: string, label: string, key: string, build: () => Promise<LoadedDataset>): Promise<LoadedDataset> {
  const file = join(dir, `${label}-${key.slice(0, 16)}.bin`);
  const hit = await readCacheFile(file, key);
  if (hit) return hit;
  const data = await build();
  await writeFileAtomic(file, encode(data, key));
  return data;
}

function splitBytes(s: SplitHeader): { pixels: number; labels: number } {
  return { pixels: s.n * s.size * s.size * s.channels, labels: s.labels ? s.n * 4 : 0 };
}

function encode(data: LoadedDataset, key: string): Buffer {
  const parts: Uint8Array[] = [];
  const shape = (s: ImageSplit): SplitHeader => {
    parts.push(s.pixels);
    if (s.labels) parts.push(new Uint8Array(s.labels.buffer, s.labels.byteOffset, s.labels.byteLength));
    return { n: s.n, size: s.size, channels: s.channels, labels: Boolean(s.labels) };
  };
  const train = shape(data.train);
  const test = shape(data.test);
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const header = Buffer.from(JSON.stringify({ name: data.name, key, train, test, sha256: hash.digest('hex') } satisfies Header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, length, header, ...parts]);
}

/** The dataset in `file` if it exists, is whole and is valid for `key`; otherwise undefined. */
async function readCacheFile(file: string, key: string): Promise<LoadedDataset | undefined> {
  const bytes = await readFile(file).catch(() => undefined);
  if (!bytes) return undefined;
  try {
    return decode(bytes, key);
  } catch {
    return undefined; // unreadable header: treat like any other bad file
  }
}

function decode(bytes: Buffer, key: string): LoadedDataset | undefined {
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const start = MAGIC.length + 4 + bytes.readUInt32LE(MAGIC.length);
  const header = JSON.parse(bytes.subarray(MAGIC.length + 4, start).toString()) as Header;
  const sizes = [header.train, header.test].map(splitBytes);
  const total = sizes.reduce((sum, s) => sum + s.pixels + s.labels, 0);
  if (header.key !== key || bytes.length !== start + total) return undefined;
  if (createHash('sha256').update(bytes.subarray(start)).digest('hex') !== header.sha256) return undefined;
  let at = start;
  const split = (s: SplitHeader, size: { pixels: number; labels: number }): ImageSplit => {
    const pixels = new Uint8Array(bytes.buffer, bytes.byteOffset + at, size.pixels);
    at += size.pixels;
    // slice() copies, so the int32 view is aligned whatever the header length (hosts are little-endian).
    const labels = s.labels ? new Int32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + size.labels)) : undefined;
    at += size.labels;
    return { n: s.n, size: s.size, channels: s.channels, pixels, ...(labels ? { labels } : {}) };
  };
  const train = split(header.train, sizes[0]);
  const test = split(header.test, sizes[1]);
  return { name: header.name, train, test };
}
