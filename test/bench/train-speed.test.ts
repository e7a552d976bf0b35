import { benchTrain } from '../../src/bench/train-speed.js';
import { useWasmEngine } from '../helpers/engine.js';

beforeAll(() => useWasmEngine());

describe('bench train', () => {
  it('trains the small preset on wasm and reports its speed', async () => {
    const result = await benchTrain({ preset: 'small', steps: 2, warmup: 1 });
    // Reference: conv(i, o) = 9·i·o + o summed over torch_unet.py's layers at base 16, C = 1:
    // 2,624 + 13,888 + 55,424 + 36,928 + 9,248 + 17 = 118,129.
    expect(result.params).toBe(118_129);
    expect(result).toMatchObject({ backend: 'wasm', batch: 16, steps: 2 });
    expect(result.imgsPerSec).toBeGreaterThan(0);
    expect(Number.isFinite(result.lossLast)).toBe(true);
    // Adam on a fixed batch: the L1 loss goes down over the timed steps.
    expect(result.lossLast).toBeLessThan(result.lossFirst);
  });
});
