import * as tfl from '@tensorflow/tfjs-layers';
import { UserError, errors } from '../errors.js';

/** Shape of the time-conditioned U-Net; saved with every run. */
export interface UNetConfig {
  /** Image height = width (divisible by 2^(levels−1)). */
  readonly size: number;
  readonly channels: 1 | 3;
  /** Filters at the first level. */
  readonly base: number;
  /** Filter multiplier per level, e.g. [1, 2, 4]: three levels, two poolings. */
  readonly channelMults: readonly number[];
  /** Width of the sinusoidal time embedding fed as the second input. */
  readonly timeDim: number;
}

/** Named sizes; suites pick one by name and may override fields. */
export const UNET_PRESETS = {
  tiny: { base: 8, channelMults: [1, 2], timeDim: 16 },
  small: { base: 16, channelMults: [1, 2, 4], timeDim: 32 },
  reference: { base: 32, channelMults: [1, 2, 4], timeDim: 64 },
} as const satisfies Record<string, Pick<UNetConfig, 'base' | 'channelMults' | 'timeDim'>>;
export type UNetPreset = keyof typeof UNET_PRESETS;

/** The preset called `name`; an unknown name fails with the closest known one. */
export function getPreset(name: string): (typeof UNET_PRESETS)[UNetPreset] {
  if (!Object.hasOwn(UNET_PRESETS, name)) throw errors.unknownName('model preset', name, Object.keys(UNET_PRESETS));
  return UNET_PRESETS[name as UNetPreset];
}

type Sym = tfl.SymbolicTensor;

/**
 * x0-predicting U-Net R(x_t, t) (Cold Diffusion §3): per level two 3×3 ReLU convs with the time
 * MLP's projection added between them, average-pool down, nearest-upsample + skip concat up,
 * 1×1 conv out. Inputs: image [B, S, S, C] and `timeEmbedding(t)` [B, timeDim].
 */
export function buildUNet(config: UNetConfig): tfl.LayersModel {
  const { size, channels, base, channelMults, timeDim } = config;
  const factor = 2 ** (channelMults.length - 1);
  if (size % factor !== 0) {
    throw new UserError(
      `Image size ${size} does not divide by ${factor}, as ${channelMults.length} U-Net levels need; use fewer channelMults or another size.`,
    );
  }
  const image = tfl.input({ shape: [size, size, channels], name: 'x_t' });
  const time = tfl.input({ shape: [timeDim], name: 't_embedding' });
  const hidden = tfl.layers.dense({ units: 4 * timeDim, activation: 'relu', name: 'time_mlp1' }).apply(time) as Sym;
  const temb = tfl.layers.dense({ units: 4 * timeDim, activation: 'relu', name: 'time_mlp2' }).apply(hidden) as Sym;

  const block = (x: Sym, filters: number, name: string): Sym => {
    const conv = (i: number) =>
      tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name: `${name}_conv${i}` });
    const shift = tfl.layers.dense({ units: filters, name: `${name}_time` }).apply(temb) as Sym;
    const shift4d = tfl.layers.reshape({ targetShape: [1, 1, filters] }).apply(shift) as Sym;
    const mixed = tfl.layers.add({ name: `${name}_add_t` }).apply([conv(1).apply(x) as Sym, shift4d]) as Sym;
    return conv(2).apply(mixed) as Sym;
  };

  const skips: Sym[] = [];
  let x = image;
  channelMults.forEach((mult, level) => {
    if (level > 0) x = tfl.layers.averagePooling2d({ poolSize: 2, name: `down${level}` }).apply(x) as Sym;
    x = block(x, base * mult, level === channelMults.length - 1 ? 'mid' : `enc${level + 1}`);
    skips.push(x);
  });
  for (let level = channelMults.length - 2; level >= 0; level--) {
    const up = tfl.layers.upSampling2d({ size: [2, 2], name: `up${level + 1}` }).apply(x) as Sym;
    const joined = tfl.layers.concatenate({ axis: -1, name: `skip${level + 1}` }).apply([up, skips[level]]) as Sym;
    x = block(joined, base * channelMults[level], `dec${level + 1}`);
  }
  const out = tfl.layers.conv2d({ filters: channels, kernelSize: 1, name: 'out' }).apply(x) as Sym;
  return tfl.model({ inputs: [image, time], outputs: out, name: 'cold_unet' });
}
