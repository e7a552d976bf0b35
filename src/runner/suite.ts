import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DATASETS, getDataset } from '../data/index.js';
import { DEGRADATIONS, getDegradation, resolveParams, type DegradationName } from '../degradations/index.js';
import { UserError, errors } from '../errors.js';
import { UNET_PRESETS } from '../model/unet.js';
import { RESULTS_FORMAT } from '../results/types.js';
import { SAMPLERS } from '../sampling/samplers.js';
import { comparisonsSchema } from '../results/comparisons.js';
import { FEATURE_NET_DEFAULTS, type FeatureNetSpec } from '../train/feature-net.js';
import { TRAIN_DEFAULTS, type TrainConfig } from '../train/train.js';
import { seedFrom } from '../util/rng.js';
import { SAMPLING_DEFAULTS, type RunSpec, type SamplingSpec } from '../worker/spec.js';
import { parseJsonText } from './json-text.js';
import type { PlannedRun } from './run-suite.js';

export type { PlannedRun } from './run-suite.js';

/** A name from a registry; an unknown one fails with errors.unknownName's suggestion. */
function registryName<K extends string>(kind: string, registry: Readonly<Record<K, unknown>>) {
  const names = Object.keys(registry) as [K, ...K[]];
  return z.enum(names, { error: (iss) => (typeof iss.input === 'string' ? errors.unknownName(kind, iss.input, names).message : undefined) });
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

const datasetSchema = z.object({ name: registryName('dataset', DATASETS), size: posInt }).strict();
const trainSchema = z.object({
  steps: posInt, batch: posInt, lr: z.number().positive(), loss: z.enum(['l1', 'l2']), emaHorizon: z.number().positive().max(1),
  emaStart: z.number().int().nonnegative(), emaEvery: posInt, clipNorm: z.number().nonnegative(), checkpointEvery: posInt,
}).strict();
const samplingSchema = z.object({
  samplers: z.array(registryName('sampler', SAMPLERS)).min(1), restoration: z.boolean(), generation: z.boolean(), count: z.number().int().min(2),
  deltas: z.array(z.number().nonnegative()).min(1), gmmComponents: posInt, gridImages: posInt, gaussianitySteps: posInt,
}).strict();
const featuresSchema = z.object({ dim: posInt, steps: posInt, batch: posInt, lr: z.number().positive(), seed: z.number().int().nonnegative() }).strict();

/** Compile-time proof that each section's schema has exactly the fields of its config type. */
type Same<S, T> = [keyof S, keyof T] extends [keyof T, keyof S] ? (S extends T ? true : never) : never;
const sectionsMatchTypes: [
  Same<z.output<typeof trainSchema>, TrainConfig>, Same<z.output<typeof samplingSchema>, SamplingSpec>, Same<z.output<typeof featuresSchema>, FeatureNetSpec>,
] = [true, true, true];
void sectionsMatchTypes;

/** Sections a suite-level grid reaches into, as `section.field`. */
const SECTIONS = { train: trainSchema, sampling: samplingSchema, features: featuresSchema } as const;
type Section = keyof typeof SECTIONS;

/** The suite-level grid: a list of values for any scalar field of a section, e.g. `"train.lr": [0.001, 0.0002]`. */
const gridSchema = z.object(Object.fromEntries(Object.entries(SECTIONS).flatMap(([section, schema]) =>
  Object.entries(schema.shape as Record<string, z.ZodType>)
    .filter(([, field]) => !(field instanceof z.ZodArray))
    .map(([field, type]) => [`${section}.${field}`, z.array(type).min(1)]),
))).strict().partial();

const degradationSchema = z.object({
  name: registryName('degradation', DEGRADATIONS),
  /** Overrides the suite's dataset for this entry (desaturation needs colour images). */
  dataset: datasetSchema.optional(),
  /** Fixed parameter overrides; part of every run key. */
  params: z.record(z.string(), paramValue).default({}),
  /** Parameter lists whose Cartesian product (× suite grid × seeds) gives the runs. */
  grid: z.record(z.string(), z.array(paramValue).min(1)).default({}),
}).strict();

/** The JSON schema of a suite file (every object strict: unknown keys are errors). */
export const suiteSchema = z.object({
  /** Names the results folder `results/<name>` and seeds every run. */
  name: z.string().max(LIMITS.nameLength).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: (iss) => errors.suite.badName(iss.input) }),
  description: z.string().min(1),
  dataset: datasetSchema,
  model: z.object({ preset: registryName('model preset', UNET_PRESETS), base: posInt.optional(), channelMults: z.array(posInt).min(1).optional(), timeDim: posInt.optional() }).strict(),
  train: trainSchema.partial().default({}),
  sampling: samplingSchema.partial().default({}),
  features: featuresSchema.partial().default({}),
  /** Every run is repeated once per seed; its numeric seed is derived from the suite name and run key. */
  seeds: z.array(z.number().int().nonnegative()).min(1),
  grid: gridSchema.default({}),
  degradations: z.array(degradationSchema).min(1),
  /** Pre-registered comparisons: which sampler and δ each question's arms are judged at. */
  comparisons: comparisonsSchema.prefault({}),
}).strict();
export type Suite = z.output<typeof suiteSchema>;
export type SuiteDegradation = Suite['degradations'][number];

type Path = readonly PropertyKey[];

/** `degradations[1].grid.sigma`, `grid["train.lr"][0]`: a JSON path as users read it. */
export function located(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_]\w*$/.test(String(p)) ? `${i ? '.' : ''}${String(p)}` : `[${JSON.stringify(String(p))}]`)).join('') || '(top level)';
}

interface SchemaNode {
  readonly _zod: {
    readonly def: { readonly type: string; readonly shape?: Record<string, SchemaNode>; readonly element?: SchemaNode; readonly valueType?: SchemaNode; readonly innerType?: SchemaNode };
  };
}

/** The keys the schema allows for the object at `path`. */
function knownKeys(path: Path): string[] {
  const unwrap = (node: SchemaNode): SchemaNode => (node._zod.def.innerType ? unwrap(node._zod.def.innerType) : node);
  let node = unwrap(suiteSchema as unknown as SchemaNode);
  for (const p of path) {
    const { type, shape, element, valueType } = node._zod.def;
    node = unwrap((type === 'object' ? shape![String(p)] : type === 'array' ? element : valueType)!);
  }
  return Object.keys(node._zod.def.shape ?? {});
}

/** One line for a zod issue: the place, then the problem. */
function describeIssue(issue: z.core.$ZodIssue): [Path, string] {
  if (issue.code === 'unrecognized_keys') return [[...issue.path, issue.keys[0]], errors.suite.unknownKey(knownKeys(issue.path))];
  if (issue.code === 'invalid_type' && issue.input === undefined) return [issue.path, `missing; expected ${issue.expected}`];
  return [issue.path, issue.message];
}

/** Built-in suites, as paths relative to the repository root. */
export function builtInSuites(): string[] {
  const dir = new URL('../../experiments/', import.meta.url);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => `experiments/${f}`) : [];
}

/** Reads and validates a suite file; every problem is one UserError line naming the place. */
export async function loadSuite(path: string, options: ValidateOptions = {}): Promise<Suite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw errors.missingSuite(path, builtInSuites());
    throw errors.located(path, 'cannot read the file', (error as Error).message);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw errors.invalidJson(path, json.line, json.column, json.problem);
  return validateSuite(json.value, path, options);
}

/** Where a comparison names a sampler or a δ, as paths under `comparisons`. */
const COMPARISON_FIELDS: readonly [readonly string[], 'sampler' | 'δ'][] = [
  [['q1', 'hot', 'sampler'], 'sampler'], [['q1', 'hot', 'delta'], 'δ'], [['q1', 'cold', 'sampler'], 'sampler'], [['q1', 'cold', 'delta'], 'δ'],
  [['q2', 'sampler'], 'sampler'], [['q2', 'cold'], 'δ'], [['q2', 'broken'], 'δ'],
  [['q4', 'reference'], 'sampler'], [['q4', 'delta'], 'δ'], [['q5', 'iterative'], 'sampler'], [['q5', 'oneShot'], 'sampler'],
];

/**
 * What a suite declares in `comparisons` must judge something it runs: each sampler it names
 * among sampling.samplers, each δ among sampling.deltas. The defaults (the paper's arms) are not
 * held to this, written out or not (a saved suite.json holds them written out): the report says
 * which declared arm a suite did not run.
 */
function checkComparisons(suite: Suite, fail: (path: Path, problem: string) => never): void {
  const samplers: readonly unknown[] = suite.sampling.samplers ?? SAMPLING_DEFAULTS.samplers;
  const deltas: readonly unknown[] = suite.sampling.deltas ?? SAMPLING_DEFAULTS.deltas;
  const defaults = comparisonsSchema.parse({});
  const at = (root: unknown, path: readonly string[]) => path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);
  for (const [path, kind] of COMPARISON_FIELDS) {
    const value = at(suite.comparisons, path);
    if (value === at(defaults, path)) continue;
    const [list, name] = kind === 'sampler' ? [samplers, 'sampling.samplers'] : [deltas, 'sampling.deltas'];
    if (!list.includes(value)) fail(['comparisons', ...path], errors.suite.notRun(kind, value, name, list));
  }
}

/** Validates a parsed suite: the schema, then names, sizes, parameters and run uniqueness; `source` prefixes errors. */
export interface ValidateOptions {
  /** Lift LIMITS (but the name's): `coldbench run --allow-large`. */
  readonly allowLarge?: boolean;
}

export function validateSuite(json: unknown, source: string, options: ValidateOptions = {}): Suite {
  const parsed = suiteSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const [path, problem] = describeIssue(parsed.error.issues[0]);
    throw errors.located(source, located(path), problem);
  }
  const suite = parsed.data;
  const fail = (path: Path, problem: string | UserError): never => {
    throw errors.located(source, located(path), typeof problem === 'string' ? problem : problem.message);
  };
  const at = (path: Path, check: () => unknown) => {
    try {
      check();
    } catch (error) {
      if (error instanceof UserError) fail(path, error);
      throw error;
    }
  };
  const noRepeats = (list: readonly unknown[], path: Path) => {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      if (seen.has(String(v))) fail([...path, i], errors.suite.listedTwice(v));
      seen.add(String(v));
    });
  };
  const levels = (suite.model.channelMults ?? UNET_PRESETS[suite.model.preset].channelMults).length;
  const checkDataset = (data: Suite['dataset'], path: Path) => {
    const def = getDataset(data.name);
    if (!def.sizes.includes(data.size)) fail([...path, 'size'], errors.suite.sizeNotOffered(data.name, data.size, def.sizes));
    if (data.size % 2 ** (levels - 1) !== 0) fail([...path, 'size'], errors.suite.sizeIndivisible(data.size, levels));
  };

  if (!options.allowLarge) {
    const limited: [Path, number | undefined, number][] = [
      [['train', 'steps'], suite.train.steps, LIMITS.trainSteps], [['train', 'batch'], suite.train.batch, LIMITS.batch],
      [['sampling', 'count'], suite.sampling.count, LIMITS.samples], [['features', 'steps'], suite.features.steps, LIMITS.featureSteps],
      [['features', 'batch'], suite.features.batch, LIMITS.batch], [['seeds'], suite.seeds.length, LIMITS.seeds],
    ];
    for (const [path, value, max] of limited) if (value !== undefined && value > max) fail(path, errors.suite.overLimit(value, max));
  }
  checkDataset(suite.dataset, ['dataset']);
  if (suite.sampling.restoration === false && suite.sampling.generation === false) fail(['sampling'], errors.suite.measuresNothing);
  noRepeats(suite.sampling.samplers ?? [], ['sampling', 'samplers']);
  noRepeats(suite.sampling.deltas ?? [], ['sampling', 'deltas']);
  noRepeats(suite.seeds, ['seeds']);
  checkComparisons(suite, fail);
  for (const [path, values] of Object.entries(suite.grid) as [string, unknown[]][]) {
    const [section, field] = path.split('.') as [Section, string];
    if (Object.hasOwn(suite[section], field)) fail(['grid', path], errors.suite.setTwice(`${section}.${field}`));
    noRepeats(values, ['grid', path]);
  }
  suite.degradations.forEach((entry, i) => {
    const deg = getDegradation(entry.name);
    const data = entry.dataset ?? suite.dataset;
    if (entry.dataset) checkDataset(entry.dataset, ['degradations', i, 'dataset']);
    const channels = getDataset(data.name).defaultChannels;
    if (deg.channels && !deg.channels.includes(channels)) fail(['degradations', i], errors.suite.channels(deg.name, deg.channels, data.name, channels));
    const known = Object.keys(deg.params);
    for (const [part, values] of [['params', entry.params], ['grid', entry.grid]] as const) {
      for (const [key, value] of Object.entries(values)) {
        const path = ['degradations', i, part, key];
        if (!known.includes(key)) fail(path, errors.suite.unknownKey(known));
        if (part === 'params') at(path, () => resolveParams(deg, { [key]: value }));
        else {
          if (Object.hasOwn(entry.params, key)) fail(path, errors.suite.setTwice(located(['degradations', i, 'params', key])));
          (value as unknown[]).forEach((v, j) => at([...path, j], () => resolveParams(deg, { [key]: v })));
          noRepeats(value as unknown[], path);
        }
      }
    }
    if (deg.checkSize) for (const point of product(entry.grid)) at(['degradations', i], () => deg.checkSize!(resolveParams(deg, { ...entry.params, ...point }), data.size));
  });
  const suiteGrid = Object.values(suite.grid as Record<string, unknown[]>).reduce((n, values) => n * values.length, suite.seeds.length);
  const count = suite.degradations.reduce((n, entry) => n + Object.values(entry.grid).reduce((m, values) => m * values.length, suiteGrid), 0);
  if (count > LIMITS.runs && !options.allowLarge) fail(['degradations'], errors.suite.tooManyRuns(count, LIMITS.runs));
  const origin = new Map<string, number>();
  for (const point of plan(suite)) {
    const first = origin.get(point.key);
    if (first !== undefined) fail(['degradations', point.entry], errors.suite.sameRuns(located(['degradations', first]), point.key));
    origin.set(point.key, point.entry);
  }
  return suite;
}

/** Cartesian product of named value lists: `[{}]` for an empty grid. */
function product<V>(grid: Readonly<Record<string, readonly V[]>>): Record<string, V>[] {
  return Object.entries(grid).reduce<Record<string, V>[]>((combos, [key, values]) => combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))), [{}]);
}

/** `blur[seed=0,sigma=7,steps=20]`: the degradation and its settings with sorted keys (STYLE.md §4). */
export function runKey(degradation: string, settings: Readonly<Record<string, unknown>>): string {
  return `${degradation}[${Object.keys(settings).sort().map((k) => `${k}=${String(settings[k])}`).join(',')}]`;
}

/** Versions that change a run's numbers, hence part of its id: the results format and each degradation's operator. */
export const RUN_VERSIONS = {
  results: RESULTS_FORMAT,
  degradations: Object.fromEntries(Object.values(DEGRADATIONS).map((d) => [d.name, d.version])) as Record<DegradationName, number>,
} as const;

/** A run's folder name: the first 12 hex digits of sha256(key + RUN_VERSIONS of its degradation). */
export function runId(key: string, degradation: string): string {
  const version = RUN_VERSIONS.degradations[getDegradation(degradation).name as DegradationName];
  return createHash('sha256').update(`${key}|${RUN_VERSIONS.results}|degradation-v${version}`).digest('hex').slice(0, 12);
}

/** Every grid point × seed of every entry, in file order, with its key and full spec. */
function plan(suite: Suite): { entry: number; key: string; spec: RunSpec }[] {
  return suite.degradations.flatMap((entry, i) => {
    const data = entry.dataset ?? suite.dataset;
    const where = { ...(data.name !== suite.dataset.name && { dataset: data.name }), ...(data.size !== suite.dataset.size && { size: data.size }) };
    return product(entry.grid).flatMap((point) => product(suite.grid as Record<string, unknown[]>).flatMap((settings) => suite.seeds.map((seed) => {
      const params = { ...entry.params, ...point };
      const key = runKey(entry.name, { ...params, ...settings, ...where, seed });
      const section = (name: Section) => Object.fromEntries(Object.entries(settings).filter(([path]) => path.startsWith(`${name}.`)).map(([path, v]) => [path.slice(name.length + 1), v]));
      const spec: RunSpec = {
        key, seed: seedFrom(suite.name, key), evaluationSeed: seedFrom(suite.name, 'evaluation', seed), dataset: data.name, size: data.size, degradation: entry.name, params, model: suite.model,
        train: { ...TRAIN_DEFAULTS, ...suite.train, ...section('train') },
        sampling: { ...SAMPLING_DEFAULTS, ...suite.sampling, ...section('sampling') },
        features: { ...FEATURE_NET_DEFAULTS, ...suite.features, ...section('features') },
      };
      return { entry: i, key, spec };
    })));
  });
}

/** Every run of a validated suite, sorted by key; seeds and ids come from names, never from order. */
export function expandSuite(suite: Suite): PlannedRun[] {
  return plan(suite)
    .map(({ key, spec }) => ({ key, id: runId(key, spec.degradation), spec }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Parses `--shard i/n` as users type it (1-based i). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 1 && index <= count)) throw errors.badShard(text);
  return { index, count };
}

/**
 * Shard i of n: the runs sorted by id and dealt round-robin, so shards are disjoint, cover the
 * suite, ignore order and differ in size by at most one (a hash of the id put 2, 0 and 1 of 3 runs
 * on three Slurm tasks). A suite that grows between tasks may move a run to another shard; the run
 * folder's claim (runner/claim.ts) still keeps it from training twice.
 */
export function shardRuns(runs: readonly PlannedRun[], shard: { index: number; count: number }): PlannedRun[] {
  const byId = [...runs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mine = new Set(byId.filter((_, at) => at % shard.count === shard.index - 1));
  return runs.filter((run) => mine.has(run));
}
