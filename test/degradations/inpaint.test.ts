import { inpaint, inpaintMasks } from '../../src/degradations/inpaint.js';
import { resolveParams } from '../../src/degradations/index.js';

describe('inpaint', () => {
  const defaults = resolveParams(inpaint) as Parameters<typeof inpaintMasks>[2];

  it('multiplies masks 1 − G_σi/max G_σi', () => {
    const masks = inpaintMasks(32, 32, defaults);
    // Reference: pixel (15, 15) is ½ px from the centre 15.5 on each axis, r² = 0.5;
    // σ_1 = 1: 1 − e^(−0.5/2) = 0.2211992; σ_2 = 1.1: × (1 − e^(−0.5/2.42)) = 0.0412900.
    expect(masks[1][15 * 32 + 15]).toBeCloseTo(0.2211992, 6);
    expect(masks[2][15 * 32 + 15]).toBeCloseTo(0.0412900, 6);
    expect(masks[1][0]).toBeCloseTo(1, 6);
  });

  it('covers the central 16 px, where digits lie, only at T with the defaults', () => {
    const masks = inpaintMasks(32, 32, defaults);
    const central = (mask: Float32Array) => Math.max(...Array.from({ length: 256 }, (_, k) => mask[(8 + (k >> 4)) * 32 + 8 + (k & 15)]));
    // Reference: the farthest central pixel has r² = 2·7.5² = 112.5; Π_{i≤50} (1 − e^(−r²/(2σ_i²))),
    // σ_i = 1 + 0.1·(i − 1), is 0.0926 at T and 0.9750 at T/2 (computed in float64 by hand-written loop).
    expect(central(masks[defaults.steps])).toBeCloseTo(0.0926, 3);
    expect(central(masks[25])).toBeCloseTo(0.975, 3);
  });
});
