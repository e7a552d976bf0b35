import { inpaint, inpaintMasks } from '../../src/degradations/inpaint.js';
import { resolveParams } from '../../src/degradations/index.js';

describe('inpaint', () => {
  const defaults = resolveParams(inpaint) as Parameters<typeof inpaintMasks>[2];

  it('multiplies masks 1 − G_σi/max G_σi', () => {
    const masks = inpaintMasks(32, 32, defaults);
    // Reference: pixel (15, 15) is ½ px from the centre 15.5 on each axis, r² = 0.5;
    // σ_1 = 1: 1 − e^(−0.5/2) = 0.2211992; σ_2 = 1.3: × (1 − e^(−0.5/3.38)) = 0.0304166.
    expect(masks[1][15 * 32 + 15]).toBeCloseTo(0.2211992, 6);
    expect(masks[2][15 * 32 + 15]).toBeCloseTo(0.0304166, 6);
    expect(masks[1][0]).toBeCloseTo(1, 6);
  });

  it('covers a 32 px image by T with the defaults', () => {
    const masks = inpaintMasks(32, 32, defaults);
    expect(Math.max(...masks[defaults.steps])).toBeLessThan(3e-3);
    expect(Math.max(...masks[Math.round(defaults.steps / 2)])).toBeGreaterThan(0.5); // still fading at T/2
  });
});
