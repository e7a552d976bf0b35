import * as tf from '@tensorflow/tfjs-core';
import type { AssetName, Assets } from '../../src/degradations/types.js';
import type { ImageSplit } from '../../src/data/types.js';
import type { Rng } from '../../src/util/rng.js';

/** `n` smooth random images in [−1, 1]: a 4×4 normal field, bilinearly upsampled, squashed by tanh. */
export function smoothImages(rng: Rng, n: number, size: number, channels: number): tf.Tensor4D {
  const field = rng.normals(n * 4 * 4 * channels);
  return tf.tidy(() => tf.tanh(tf.image.resizeBilinear(tf.tensor4d(field, [n, 4, 4, channels]), [size, size], true)));
}

/** A synthetic stand-in for each asset, built from its name (adding an AssetName needs a line here). */
const SYNTHETIC: Record<AssetName, (rng: Rng, size: number, channels: number) => tf.Tensor4D> = {
  'animal-faces': (rng, size, channels) => smoothImages(rng, 5, size, channels),
};

/** Synthetic assets for the names a degradation `requires`; the caller disposes them. */
export function syntheticAssets(names: readonly AssetName[], rng: Rng, size: number, channels: number): Assets {
  return Object.fromEntries(names.map((name) => [name, SYNTHETIC[name](rng.fork(name), size, channels)]));
}

/** A tiny in-memory dataset split of smooth random images (what the data layer would load). */
export function smoothSplit(rng: Rng, n: number, size: number, channels: 1 | 3): ImageSplit {
  const images = smoothImages(rng, n, size, channels);
  const pixels = Uint8Array.from(images.dataSync(), (v) => Math.round((v + 1) * 127.5));
  images.dispose();
  return { n, size, channels, pixels };
}
