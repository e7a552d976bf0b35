import * as tfl from '@tensorflow/tfjs-layers';

/** Shape of the reference U-Net; defaults give the 471,265-parameter net of the speed anchor. */
export interface ReferenceUNetOptions {
  /** Image height = width. */
  readonly size: number;
  /** Image channels; the net sees one more, a constant time channel. */
  readonly channels: number;
  /** Width of the first level; levels two and three have 2× and 4×. */
  readonly base: number;
}

export const REFERENCE_UNET_DEFAULTS: ReferenceUNetOptions = { size: 32, channels: 1, base: 32 };

/** Two 3×3 'same' convolutions with ReLU, as `block()` in scripts/torch_unet.py. */
function block(x: tfl.SymbolicTensor, filters: number, name: string): tfl.SymbolicTensor {
  const conv = (i: number) => tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name: `${name}_conv${i}` });
  return conv(2).apply(conv(1).apply(x)) as tfl.SymbolicTensor;
}

/**
 * The speed-anchor U-Net, layer for layer the architecture of scripts/torch_unet.py:
 * enc1 → avgpool → enc2 → avgpool → mid → up+concat enc2 → dec2 → up+concat enc1 → dec1 → 1×1 conv.
 * Input [B, S, S, C+1] (image channels plus a constant time channel), output [B, S, S, C].
 */
export function buildReferenceUNet(options: Partial<ReferenceUNetOptions> = {}): tfl.LayersModel {
  const { size, channels, base } = { ...REFERENCE_UNET_DEFAULTS, ...options };
  const input = tfl.input({ shape: [size, size, channels + 1], name: 'x_and_t' });
  const pool = (x: tfl.SymbolicTensor) => tfl.layers.averagePooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  const up = (x: tfl.SymbolicTensor) => tfl.layers.upSampling2d({ size: [2, 2] }).apply(x) as tfl.SymbolicTensor;
  const concat = (a: tfl.SymbolicTensor, b: tfl.SymbolicTensor) => tfl.layers.concatenate({ axis: -1 }).apply([a, b]) as tfl.SymbolicTensor;

  const e1 = block(input, base, 'enc1');
  const e2 = block(pool(e1), 2 * base, 'enc2');
  const mid = block(pool(e2), 4 * base, 'mid');
  const d2 = block(concat(up(mid), e2), 2 * base, 'dec2');
  const d1 = block(concat(up(d2), e1), base, 'dec1');
  const out = tfl.layers.conv2d({ filters: channels, kernelSize: 1, name: 'out' }).apply(d1) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'reference_unet' });
}
