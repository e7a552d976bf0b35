import * as tfl from '@tensorflow/tfjs-layers';

/** Shape of a feature network; its penultimate layer gives the FID-like features. */
export interface FeatureNetConfig {
  readonly size: number;
  readonly channels: 1 | 3;
  /** Output classes: 10 digits, or 4 rotations for the self-supervised objective. */
  readonly classes: number;
  /** Feature dimension (docs/reference.md §5: 64–128 keeps FID usable at small N). */
  readonly dim: number;
}

/** Name of the feature layer inside the network. */
export const FEATURE_LAYER = 'features';

/**
 * A small CNN in the spirit of the "Fréchet LeNet Distance": three 3×3 conv + pool stages
 * (16, 32, 64 filters), flatten, a `dim`-wide feature layer (read before its ReLU), softmax head.
 */
export function buildFeatureNet(config: FeatureNetConfig): tfl.LayersModel {
  const input = tfl.input({ shape: [config.size, config.size, config.channels], name: 'image' });
  let x = input;
  for (const filters of [16, 32, 64]) {
    x = tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.averagePooling2d({ poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  }
  x = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  // Features are taken before the ReLU: post-ReLU units go dead on flat, heavily degraded inputs,
  // so every such image maps to one point and the Fréchet distance stops tracking severity.
  const features = tfl.layers.dense({ units: config.dim, name: FEATURE_LAYER }).apply(x) as tfl.SymbolicTensor;
  const hidden = tfl.layers.activation({ activation: 'relu' }).apply(features) as tfl.SymbolicTensor;
  const output = tfl.layers.dense({ units: config.classes, activation: 'softmax', name: 'head' }).apply(hidden) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: 'feature_net' });
}
