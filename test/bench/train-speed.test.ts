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
    expect(result.kernels).toBeUndefined();
  });

  it('profiles one more step kernel by kernel', async () => {
    const { kernels } = await benchTrain({ preset: 'small', steps: 1, warmup: 0, profile: true });
    // Reference: torch_unet.py's 11 convs (ten 3×3 with ReLU, the 1×1 output). Each has a filter
    // gradient; the first conv's input is data, so 10 input gradients. On wasm the ReLU convs run
    // unfused (engine/conv-relu.ts: XNNPACK's fused sum rounds differently), the linear output conv
    // fused, and ReLU's gradient is one kernel per ReLU conv.
    expect(kernels?.Conv2DBackpropFilter.calls).toBe(11);
    expect(kernels?.Conv2DBackpropInput.calls).toBe(10);
    expect(kernels?.Conv2D.calls).toBe(10);
    expect(kernels?.FusedConv2D.calls).toBe(1);
    expect(kernels?.ColdbenchReluGrad.calls).toBe(10);
    const ms = Object.values(kernels!).map((k) => k.ms);
    expect(ms.every((t) => t >= 0)).toBe(true);
    expect(ms).toEqual([...ms].sort((a, b) => b - a));
  });
});
