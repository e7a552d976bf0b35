import { z } from 'zod';
import { errors } from '../errors.js';
import { comparisonsSchema } from '../results/comparisons.js';
import { featuresSection, overrides, SECTIONS, samplingSection, trainSection } from '../results/config.js';
import type { Catalogue } from './catalogue.js';

/** A name from a catalogue table; an unknown one fails with errors.unknownName's suggestion. */
function registryName(kind: string, names: readonly string[]) {
  return z.enum(names as [string, ...string[]], {
    error: (iss) => (typeof iss.input === 'string' ? errors.unknownName(kind, iss.input, names).message : undefined),
  });
}

const posInt = z.number().int().positive();

/**
 * Limits on runaway input, each far above any suite a 2-core machine or a lab cluster runs in a
 * week, so a typo (1e9 for 1e3) fails at once instead of allocating gigabytes or queueing years.
 * `coldbench run --allow-large` lifts all but the name's (a file-system limit).
 */
export const LIMITS = {
  /** Runs one suite file may expand to (entries × grid × seeds). */
  runs: 10_000,
  seeds: 1_000,
  trainSteps: 10_000_000,
  batch: 4_096,
  samples: 100_000,
  featureSteps: 1_000_000,
  nameLength: 64,
} as const;

/** A degradation parameter value; its name, type and bounds are checked by `resolveParams`. */
const paramValue = z.custom<number | boolean>(() => true);

/** The suite-level grid: a list of values for any scalar field of a section, e.g. `"train.lr": [0.001, 0.0002]`. */
const gridSchema = z
  .object(
    Object.fromEntries(
      Object.entries(SECTIONS).flatMap(([section, schema]) =>
        Object.entries(schema.shape as Record<string, z.ZodDefault>)
          .map(([field, type]) => [field, type.unwrap()] as const)
          .filter(([, type]) => !(type instanceof z.ZodArray))
          .map(([field, type]) => [`${section}.${field}`, z.array(type).min(1)]),
      ),
    ),
  )
  .strict()
  .partial();

/**
 * The JSON schema of a suite file (every object strict: unknown keys are errors). The sections
 * hold what the file sets, no defaults: a value set there and in the grid is an error, and the
 * run's resolved section is `<section>.parse(...)` (results/config.ts) at expansion.
 */
function buildSuiteSchema(catalogue: Catalogue) {
  const datasetSchema = z.object({ name: registryName('dataset', Object.keys(catalogue.datasets)), size: posInt }).strict();
  const degradationSchema = z
    .object({
      name: registryName('degradation', Object.keys(catalogue.degradations)),
      /** Overrides the suite's dataset for this entry (desaturation needs colour images). */
      dataset: datasetSchema.optional(),
      /** Fixed parameter overrides; part of every run key. */
      params: z.record(z.string(), paramValue).default({}),
      /** Parameter lists whose Cartesian product (× suite grid × seeds) gives the runs. */
      grid: z.record(z.string(), z.array(paramValue).min(1)).default({}),
    })
    .strict();
  return z
    .object({
      /** Names the results folder `results/<name>` and seeds every run. */
      name: z
        .string()
        .max(LIMITS.nameLength)
        .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: (iss) => errors.suite.badName(iss.input) }),
      description: z.string().min(1),
      dataset: datasetSchema,
      model: z
        .object({
          preset: registryName('model preset', Object.keys(catalogue.presets)),
          base: posInt.optional(),
          channelMults: z.array(posInt).min(1).optional(),
          timeDim: posInt.optional(),
        })
        .strict(),
      train: overrides(trainSection).default({}),
      sampling: overrides(samplingSection)
        .extend({ samplers: z.array(registryName('sampler', catalogue.samplers)).min(1).optional() })
        .default({}),
      features: overrides(featuresSection).default({}),
      /** Every run is repeated once per seed; its numeric seed is derived from the suite name and run key. */
      seeds: z.array(z.number().int().nonnegative()).min(1),
      grid: gridSchema.default({}),
      degradations: z.array(degradationSchema).min(1),
      /** Pre-registered comparisons: which sampler and δ each question's arms are judged at. */
      comparisons: comparisonsSchema.prefault({}),
    })
    .strict();
}

const schemas = new WeakMap<Catalogue, ReturnType<typeof buildSuiteSchema>>();

/** The suite schema for a catalogue's names (built once per catalogue). */
export function suiteSchema(catalogue: Catalogue): ReturnType<typeof buildSuiteSchema> {
  let schema = schemas.get(catalogue);
  if (!schema) schemas.set(catalogue, (schema = buildSuiteSchema(catalogue)));
  return schema;
}
export type Suite = z.output<ReturnType<typeof buildSuiteSchema>>;
export type SuiteDegradation = Suite['degradations'][number];
