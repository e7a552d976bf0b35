import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { cached, cacheKey } from '../../src/data/cache.js';
import type { LoadedDataset } from '../../src/data/types.js';

const dataset: LoadedDataset = {
  name: 'tiny',
  train: { n: 2, size: 2, channels: 1, pixels: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), labels: new Int32Array([-1, 70000]) },
  test: { n: 1, size: 2, channels: 3, pixels: new Uint8Array(Array.from({ length: 12 }, (_, i) => 200 + i)) },
};

describe('dataset cache', () => {
  let dir: string;
  let build: jest.Mock<() => Promise<LoadedDataset>>;
  const key = cacheKey([new Uint8Array([1, 2, 3])], { name: 'tiny', size: 2 });
  const load = () => cached(dir, 'tiny', key, build);
  const file = async () => join(dir, (await readdir(dir))[0]);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldbench-cache-'));
    build = jest.fn(async () => dataset);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keys on source bytes and options', () => {
    expect(cacheKey([new Uint8Array([1, 2, 4])], { name: 'tiny', size: 2 })).not.toBe(key);
    expect(cacheKey([new Uint8Array([1, 2, 3])], { name: 'tiny', size: 3 })).not.toBe(key);
    expect(cacheKey([new Uint8Array([1]), new Uint8Array([2, 3])], { name: 'tiny', size: 2 })).not.toBe(key);
  });

  it('builds once, writes one file (no temp left), then reads it back exactly', async () => {
    await load();
    expect(await readdir(dir)).toEqual([`tiny-${key.slice(0, 16)}.bin`]);
    const again = await load();
    expect(build).toHaveBeenCalledTimes(1);
    expect(again).toEqual(dataset);
    expect(Array.from(again.train.labels!)).toEqual([-1, 70000]);
  });

  it.each([
    ['truncated', async (path: string) => truncate(path, (await readFile(path)).length - 3)],
    [
      'a payload byte flipped',
      async (path: string) => {
        const bytes = await readFile(path);
        bytes[bytes.length - 1] ^= 0xff;
        await writeFile(path, bytes);
      },
    ],
    ['garbage', (path: string) => writeFile(path, 'not a cache file')],
    ['empty', (path: string) => writeFile(path, '')],
  ])('rebuilds a file that is %s', async (_, damage) => {
    await load();
    const path = await file();
    const good = await readFile(path);
    await damage(path);
    expect(await load()).toEqual(dataset);
    expect(build).toHaveBeenCalledTimes(2);
    expect(Buffer.compare(await readFile(path), good)).toBe(0);
  });
});
