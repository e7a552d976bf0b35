import { defineDataset, missingSource, packageFile } from './define.js';
import { mapLimit, rasterise, splitByContent, type Rgb } from './images.js';

/** Emoji sets, with the licence of their artwork (package.json / info.json `license`). */
const SETS = {
  'fluent-emoji-3d': { package: '@lobehub/fluent-emoji-3d', licence: 'MIT (Microsoft Fluent Emoji 3D)' },
  noto: { package: '@iconify-json/noto', licence: 'Apache-2.0 (Google Noto Emoji)' },
  'fluent-emoji-flat': { package: '@iconify-json/fluent-emoji-flat', licence: 'MIT (Microsoft Fluent Emoji flat)' },
  twemoji: { package: '@iconify-json/twemoji', licence: 'CC-BY-4.0 (Twitter Twemoji)' },
} as const;
type EmojiSet = keyof typeof SETS;
const ICONIFY = ['noto', 'fluent-emoji-flat', 'twemoji'] as const;

interface AnimalFace {
  readonly name: string;
  readonly codePoint: string;
  readonly sets?: readonly EmojiSet[];
}

/**
 * Animal-face emoji, each checked by eye in every set: iconify name, code point (the 3D file
 * name), and the sets where it is drawn as a face or head (default: all). Left out because every
 * set (or all but twemoji) draws the whole body: giraffe, donkey, hippopotamus, bison, elephant,
 * rhinoceros, owl, hedgehog, sloth, otter, skunk, badger, beaver, orangutan, llama, penguin.
 */
const FACES: readonly AnimalFace[] = [
  { name: 'dog-face', codePoint: '1f436' },
  { name: 'cat-face', codePoint: '1f431' },
  { name: 'mouse-face', codePoint: '1f42d' },
  { name: 'hamster', codePoint: '1f439' },
  { name: 'rabbit-face', codePoint: '1f430' },
  { name: 'fox', codePoint: '1f98a' },
  { name: 'bear', codePoint: '1f43b' },
  { name: 'polar-bear', codePoint: '1f43b-200d-2744-fe0f' },
  { name: 'panda', codePoint: '1f43c' },
  { name: 'koala', codePoint: '1f428' },
  { name: 'tiger-face', codePoint: '1f42f' },
  { name: 'lion', codePoint: '1f981' },
  { name: 'cow-face', codePoint: '1f42e' },
  { name: 'pig-face', codePoint: '1f437' },
  { name: 'frog', codePoint: '1f438' },
  { name: 'monkey-face', codePoint: '1f435' },
  { name: 'wolf', codePoint: '1f43a' },
  { name: 'horse-face', codePoint: '1f434' },
  { name: 'unicorn', codePoint: '1f984' },
  { name: 'boar', codePoint: '1f417' },
  { name: 'dragon-face', codePoint: '1f432' },
  { name: 'moose', codePoint: '1face' },
  { name: 'raccoon', codePoint: '1f99d', sets: ['fluent-emoji-3d', 'fluent-emoji-flat', 'twemoji'] }, // noto: whole body
  { name: 'zebra', codePoint: '1f993', sets: ['twemoji'] }, // others: whole body
  { name: 'deer', codePoint: '1f98c', sets: ['twemoji'] },
  { name: 'gorilla', codePoint: '1f98d', sets: ['twemoji'] },
];

/** The emoji drawn as faces in `set`. */
export function facesIn(set: EmojiSet): AnimalFace[] {
  return FACES.filter((face) => !face.sets || face.sets.includes(set));
}

/** Source files: the three iconify `icons.json`, then one 3D WebP per face. */
function sourcePaths(): string[] {
  return [
    ...ICONIFY.map((set) => packageFile(SETS[set].package, 'icons.json')),
    ...facesIn('fluent-emoji-3d').map((face) => packageFile(SETS['fluent-emoji-3d'].package, 'assets', `${face.codePoint}.webp`)),
  ];
}

/**
 * Background the transparent emoji are flattened onto: black, the background of `digits`, so a
 * digit → animal morph at 1 channel keeps its background and only the figure changes.
 */
export const BACKGROUND: Rgb = { r: 0, g: 0, b: 0 };
/** Held out for testing: the first 14 by sha256 of their source bytes (94 = 80 train + 14 test). */
const TEST_COUNT = 14;
/** SVGs are rasterised at about this many pixels, then resized down with lanczos3. */
const RASTER = 256;

interface IconSet {
  readonly width?: number;
  readonly height?: number;
  readonly icons: Record<string, { body: string; width?: number; height?: number; left?: number; top?: number }>;
}

/** A standalone SVG document for one icon of an iconify set. */
function iconSvg(set: IconSet, name: string, path: string): { svg: string; width: number } {
  const icon = set.icons[name];
  if (!icon) throw missingSource(`${path} (icon '${name}')`);
  const width = icon.width ?? set.width ?? 16;
  const height = icon.height ?? set.height ?? 16;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="${icon.left ?? 0} ${icon.top ?? 0} ${width} ${height}">${icon.body}</svg>`;
  return { svg, width };
}

/** Animal-face emoji from four emoji sets, composited on `BACKGROUND`; paired with another dataset via `load({size, channels})`. */
export const animalFaces = defineDataset({
  name: 'animal-faces',
  description: `animal-face emoji (${Object.keys(SETS).join(', ')}) on black`,
  source: `npm ${Object.values(SETS)
    .map((set) => set.package)
    .join(', ')}`,
  licence: Object.values(SETS)
    .map((set) => set.licence)
    .join('; '),
  defaultSize: 32,
  sizes: [32, 64],
  defaultChannels: 3,
  version: 1,
  async sources() {
    return sourcePaths();
  },
  async decode(files, target) {
    const paths = sourcePaths();
    const inputs: { source: Uint8Array | string; density?: number }[] = files.slice(ICONIFY.length).map((source) => ({ source }));
    ICONIFY.forEach((set, i) => {
      const icons = JSON.parse(files[i].toString()) as IconSet;
      for (const { name } of facesIn(set)) {
        const { svg, width } = iconSvg(icons, name, paths[i]);
        inputs.push({ source: svg, density: (72 * RASTER) / width });
      }
    });
    const pixels = await mapLimit(inputs, 8, ({ source, density }) => rasterise(Buffer.from(source), target, BACKGROUND, { density }));
    return splitByContent(
      inputs.map(({ source }, i) => ({ source, pixels: pixels[i] })),
      TEST_COUNT,
      target,
    );
  },
});
