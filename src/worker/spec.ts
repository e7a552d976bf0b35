import type { SamplerName } from '../sampling/samplers.js';
import type { FeatureNetSpec } from '../train/feature-net.js';
import type { TrainConfig } from '../train/train.js';
import type { UNetConfig, UNetPreset } from '../model/unet.js';

/** How a trained model is sampled and measured. */
export interface SamplingSpec {
  readonly samplers: readonly SamplerName[];
  /** Restore held-out images from D(x0, T). */
  readonly restoration: boolean;
  /** Generate from the degradation's prior (skipped for restoration-only degradations). */
  readonly generation: boolean;
  /** Images sampled per (mode, sampler, δ); also the number of real images compared with. */
  readonly count: number;
  /** Start-noise levels δ for generation: 0 is cold (perfect symmetry), > 0 hot. */
  readonly deltas: readonly number[];
  /** Components of the Gaussian-mixture prior. */
  readonly gmmComponents: number;
  /** Images per row in the saved sample grids. */
  readonly gridImages: number;
  /** Steps t at which the residual's Gaussianity is measured. */
  readonly gaussianitySteps: number;
}

/** Everything that determines one run; saved with its result (STYLE.md §3). */
export interface RunSpec {
  /** Canonical run key, e.g. `blur[sigma=7,steps=20]`. */
  readonly key: string;
  /** Seeds training, the prior and generation: one per run. */
  readonly seed: number;
  /**
   * Seeds the held-out images, their ε and the real-vs-real floor: one per suite repetition, the
   * same for every configuration, so configurations are compared on the same images.
   */
  readonly evaluationSeed: number;
  readonly dataset: string;
  readonly size: number;
  readonly degradation: string;
  /** Degradation parameter overrides (defaults fill the rest). */
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly model: { readonly preset: UNetPreset } & Partial<Pick<UNetConfig, 'base' | 'channelMults' | 'timeDim'>>;
  readonly train: TrainConfig;
  readonly sampling: SamplingSpec;
  readonly features: FeatureNetSpec;
}

export const SAMPLING_DEFAULTS: SamplingSpec = {
  samplers: ['direct', 'alg1', 'alg2'], restoration: true, generation: true, count: 256,
  deltas: [0, 0.002], gmmComponents: 10, gridImages: 8, gaussianitySteps: 5,
};
