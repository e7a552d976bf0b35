import { z } from 'zod';

/**
 * A run's configuration as the schema: one zod object per section, every field with its default,
 * so the defaults live here once and the types are the schemas' outputs. A suite file sets any
 * subset of a section (`overrides` below); `section.parse(overrides)` is the resolved section a run
 * uses and saves. Nothing here imports a compute module: validating a suite stays light.
 */
const posInt = z.number().int().positive();

export const trainSection = z
  .object({
    steps: posInt.default(500),
    batch: posInt.default(32),
    lr: z.number().positive().default(2e-4),
    /** Loss on the predicted x0: L1 (Cold Diffusion's default) or L2. */
    loss: z.enum(['l1', 'l2']).default('l1'),
    /**
     * The EMA's time constant as a fraction of `steps`: each update (every `emaEvery` steps) uses
     * decay e^(−emaEvery/(emaHorizon·steps)), so weights older than a few horizons are forgotten
     * whatever the budget (a fixed 0.995 every 10 steps keeps 37% of the step-1000 weights at step
     * 3000).
     */
    emaHorizon: z.number().positive().max(1).default(0.05),
    /** Before this step the EMA copies the weights. */
    emaStart: z.number().int().nonnegative().default(100),
    /** EMA update period in steps. */
    emaEvery: posInt.default(10),
    /** Global gradient-norm clip, or 0 for none. */
    clipNorm: z.number().nonnegative().default(1),
    /** Checkpoint period in steps (a checkpoint is also written at the end). */
    checkpointEvery: posInt.default(100),
    /**
     * The U-Net's convolutions: `fp32`, or `bf16` inputs with f32 accumulation (native engine on a
     * CPU with AVX512_BF16 or AMX; weights, Adam state and the loss stay f32).
     */
    precision: z.enum(['fp32', 'bf16']).default('fp32'),
  })
  .strict();
export type TrainConfig = z.output<typeof trainSection>;

/** A sampler name; which names exist is checked against the sampler registry when a suite is validated. */
const samplerName = z.string();

/** How a trained model is sampled and measured. */
export const samplingSection = z
  .object({
    samplers: z.array(samplerName).min(1).default(['direct', 'alg1', 'alg2']),
    /** Restore held-out images from D(x0, T). */
    restoration: z.boolean().default(true),
    /** Generate from the degradation's prior (skipped for restoration-only degradations). */
    generation: z.boolean().default(true),
    /** Images sampled per (mode, sampler, δ); also the number of real images compared with. */
    count: z.number().int().min(2).default(256),
    /** Start-noise levels δ for generation: 0 is cold (perfect symmetry), > 0 hot. */
    deltas: z.array(z.number().nonnegative()).min(1).default([0, 0.002]),
    /** Components of the Gaussian-mixture prior. */
    gmmComponents: posInt.default(10),
    /** Images per row in the saved sample grids. */
    gridImages: posInt.default(8),
    /** Steps t at which the residual's Gaussianity is measured. */
    gaussianitySteps: posInt.default(5),
  })
  .strict();
export type SamplingSpec = z.output<typeof samplingSection>;

/** How a feature network is trained; part of its cache key. */
export const featuresSection = z
  .object({
    /** Feature dimension. */
    dim: posInt.default(64),
    steps: posInt.default(600),
    batch: posInt.default(64),
    lr: z.number().positive().default(1e-3),
    seed: z.number().int().nonnegative().default(0),
  })
  .strict();
export type FeatureNetSpec = z.output<typeof featuresSection>;

/** The sections a suite's grid reaches into, as `section.field`. */
export const SECTIONS = { train: trainSection, sampling: samplingSection, features: featuresSection } as const;
export type Section = keyof typeof SECTIONS;

/** A section with every field optional and no defaults: what a suite file may set. */
export function overrides<S extends z.ZodObject>(section: S) {
  const shape = section.shape as Record<string, z.ZodDefault>;
  return z
    .object(Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, (field.unwrap() as z.ZodType).optional()])))
    .strict() as unknown as z.ZodObject<
    { [K in keyof S['shape']]: z.ZodOptional<S['shape'][K] extends z.ZodDefault<infer T> ? T : never> },
    z.core.$strict
  >;
}

/**
 * Where a run sits in its suite, as data: the degradation with every parameter resolved (defaults
 * included, so a changed default never silently changes an old result's meaning), the suite-grid
 * values (`section.field`), the repetition seed, the dataset and the model preset. Reports group,
 * pair and label runs by these fields, never by parsing the run key.
 */
export interface RunPoint {
  /** The run key without its seed, e.g. `blur[sigma=7,train.steps=3000]`: runs that differ only by seed share it. */
  readonly variant: string;
  readonly degradation: string;
  readonly params: Readonly<Record<string, number | boolean>>;
  /** The suite-grid values of this run, e.g. `{ "train.steps": 3000 }`. */
  readonly settings: Readonly<Record<string, number | string | boolean>>;
  /** The suite's seed (repetition), not the derived training seed. */
  readonly seed: number;
  readonly dataset: string;
  readonly size: number;
  readonly preset: string;
}

/** Everything that determines one run; saved with its result (STYLE.md §3). */
export interface RunSpec {
  /** Canonical run key, e.g. `blur[seed=0,sigma=7,steps=20]`. */
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
  /** Degradation parameter overrides (defaults fill the rest; RunPoint.params has them resolved). */
  readonly params: Readonly<Record<string, number | boolean>>;
  /** A U-Net preset (checked against the registry when the suite is validated) and the fields it overrides. */
  readonly model: { readonly preset: string; readonly base?: number; readonly channelMults?: readonly number[]; readonly timeDim?: number };
  readonly train: TrainConfig;
  readonly sampling: SamplingSpec;
  readonly features: FeatureNetSpec;
}
