import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { animalFaces, BACKGROUND, facesIn } from '../../src/data/animal-faces.js';

describe('animal-faces (emoji)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coldbench-animals-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('takes 23 + 22 + 23 + 26 faces from the four sets', () => {
    // Reference: the FACES table, checked by eye (noto draws the raccoon's whole body; only
    // twemoji draws zebra, deer and gorilla as heads).
    const counts = (['fluent-emoji-3d', 'noto', 'fluent-emoji-flat', 'twemoji'] as const).map((set) => facesIn(set).length);
    expect(counts).toEqual([23, 22, 23, 26]);
  });

  it('loads 94 faces, 80 train and 14 test, 32×32×3 on a black background', async () => {
    const data = await animalFaces.load({ cacheDir: dir });
    expect([data.train.n, data.test.n, data.train.size, data.train.channels]).toEqual([80, 14, 32, 3]);
    expect(BACKGROUND).toEqual({ r: 0, g: 0, b: 0 });
    const black = data.train.pixels.filter((v) => v === 0).length / data.train.pixels.length;
    expect(black).toBeGreaterThan(0.15); // transparent corners became background
    expect(black).toBeLessThan(0.6); // and the faces are there
  });

  it('follows the size and channels of the dataset it is paired with', async () => {
    const grey = await animalFaces.load({ channels: 1, cacheDir: dir });
    expect([grey.train.n, grey.train.channels, grey.train.pixels.length]).toEqual([80, 1, 80 * 32 * 32]);
    const big = await animalFaces.load({ size: 64, channels: 1, cacheDir: dir });
    expect([big.test.n, big.test.size, big.test.pixels.length]).toEqual([14, 64, 14 * 64 * 64]);
  });
});
