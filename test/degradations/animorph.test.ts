import * as tf from '@tensorflow/tfjs-core';
import { drawNoise } from '../../src/degradations/degrade.js';
import { getDegradation, resolveParams } from '../../src/degradations/index.js';
import { Rng } from '../../src/util/rng.js';
import { useWasmEngine } from '../helpers/engine.js';
import { smoothImages } from '../helpers/images.js';

beforeAll(() => useWasmEngine());

describe('animorph', () => {
  const animorph = getDegradation('animorph');
  it('draws whole animals from the bank and ends on them', () => {
    const params = resolveParams(animorph);
    const bank = smoothImages(new Rng(1), 4, 8, 3);
    const x0 = smoothImages(new Rng(2), 6, 8, 3);
    const noise = drawNoise(animorph, x0.shape, params, new Rng(3), { 'animal-faces': bank });
    const animals = bank.arraySync();
    for (const z of noise.z.arraySync() as number[][][][]) expect(animals).toContainEqual(z);
    const xT = animorph.apply(x0, params.steps as number, params, noise);
    // Reference: ᾱ_200 = 6.07e-8, so x_T = z within √ᾱ·|x0| ≤ 2.5e-4.
    expect(Math.max(...tf.abs(tf.sub(xT, noise.z)).dataSync())).toBeLessThan(3e-4);
    tf.dispose([bank, x0, xT, noise.z]);
  });

  it('says which asset is missing', () => {
    expect(() => drawNoise(animorph, [1, 8, 8, 3], resolveParams(animorph), new Rng(1), {})).toThrow(
      "Degradation 'animorph' needs the asset 'animal-faces'; load it before drawing noise.",
    );
  });
});
