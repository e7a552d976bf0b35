import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { getDataset } from '../data/index.js';
import { getDegradation, resolveParams } from '../degradations/index.js';
import { UserError, errors } from '../errors.js';
import { UNET_PRESETS, type UNetPreset } from '../model/unet.js';
import { RESULTS_FORMAT } from '../results/types.js';
import { SAMPLERS } from '../sampling/samplers.js';
import { FEATURE_NET_DEFAULTS } from '../train/feature-net.js';
import { TRAIN_DEFAULTS } from '../train/train.js';
import { seedFrom } from '../util/rng.js';
import { SAMPLING_DEFAULTS, type RunSpec } from '../worker/spec.js';
import type { PlannedRun } from './run-suite.js';

const value = z.union([z.number(), z.boolean()]);
const dataset = z.object({ name: z.string(), size: z.number().int().positive() }).strict();
const int = z.number().int().positive();

/** Settings a suite-level grid may vary, as `section.field` paths. */
const GRID_PATHS = ['train.steps', 'train.batch', 'train.lr', 'train.loss', 'train.clipNorm', 'train.emaDecay', 'sampling.count'] as const;

/** The JSON schema of a suite (zod; every object strict, so unknown keys are errors). */
export const suiteSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes (it names a folder)'),
  description: z.string(),
  dataset,
  model: z.object({ preset: z.string(), base: int.optional(), channelMults: z.array(int).min(1).optional(), timeDim: int.optional() }).strict(),
  train: z.object({
    steps: int, batch: int, lr: z.number().positive(), loss: z.enum(['l1', 'l2']), emaDecay: z.number().min(0).max(1),
    emaStart: z.number().int().nonnegative(), emaEvery: int, clipNorm: z.number().nonnegative(), checkpointEvery: int,
  }).strict().partial().default({}),
  sampling: z.object({
    samplers: z.array(z.string()).min(1), restoration: z.boolean(), generation: z.boolean(), count: z.number().int().min(2),
    deltas: z.array(z.number().nonnegative()).min(1), gmmComponents: int, gridImages: int, gaussianitySteps: int,
  }).strict().partial().default({}),
  features: z.object({ dim: int, steps: int, batch: int, lr: z.number().positive(), seed: z.number().int().nonnegative() }).strict().partial().default({}),
  seeds: z.array(z.number().int().nonnegative()).min(1),
  grid: z.partialRecord(z.enum(GRID_PATHS), z.array(z.union([z.number(), z.string()])).min(1)).default({}),
  degradations: z.array(z.object({
    name: z.string(),
    /** Overrides the suite's dataset (desaturation needs colour images). */
    dataset: dataset.optional(),
    params: z.record(z.string(), value).default({}),
    grid: z.record(z.string(), z.array(value).min(1)).default({}),
  }).strict()).min(1),
}).strict();
export type Suite = z.infer<typeof suiteSchema>;

/** `degradations[1].grid.sigma` from a zod path. */
function located(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}

/** Built-in suites, for error messages. */
function builtIns(): string[] {
  const dir = new URL('../../experiments/', import.meta.url);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => `experiments/${f}`) : [];
}

/** Reads and validates a suite file; every problem is one line naming the place and the fix. */
export async function loadSuite(path: string): Promise<Suite> {
  if (!existsSync(path)) throw errors.missingFile(path, `Built-in suites: ${builtIns().join(', ')}.`);
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path}: invalid JSON (${(error as Error).message}).`);
  }
  return validateSuite(json, path);
}

/** Validates a parsed suite: the schema first, then names, parameters and sizes. */
export function validateSuite(json: unknown, source: string): Suite {
  const parsed = suiteSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.code === 'unrecognized_keys' ? located([...issue.path, issue.keys[0]]) : located(issue.path);
    const what = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
    throw new UserError(`${source}: ${where}: ${what}.`);
  }
  const suite = parsed.data;
  const at = (where: string, check: () => void) => {
    try {
      check();
    } catch (error) {
      if (error instanceof UserError) throw new UserError(`${source}: ${where}: ${error.message}`);
      throw error;
    }
  };
  at('model.preset', () => {
    if (!Object.hasOwn(UNET_PRESETS, suite.model.preset)) throw errors.unknownName('model preset', suite.model.preset, Object.keys(UNET_PRESETS));
  });
  (suite.sampling.samplers ?? []).forEach((s, i) => at(`sampling.samplers[${i}]`, () => {
    if (!Object.hasOwn(SAMPLERS, s)) throw errors.unknownName('sampler', s, Object.keys(SAMPLERS));
  }));
  const levels = (suite.model.channelMults ?? UNET_PRESETS[suite.model.preset as UNetPreset].channelMults).length;
  suite.degradations.forEach((entry, i) => {
    const where = `degradations[${i}]`;
    const data = entry.dataset ?? suite.dataset;
    at(`${where}.name`, () => getDegradation(entry.name));
    const deg = getDegradation(entry.name);
    at(`${where}.dataset`, () => {
      const def = getDataset(data.name);
      if (!def.sizes.includes(data.size)) throw new UserError(`size ${data.size} is not offered by '${data.name}' (sizes: ${def.sizes.join(', ')}).`);
      if (data.size % 2 ** (levels - 1) !== 0) throw new UserError(`size ${data.size} does not divide by ${2 ** (levels - 1)}, as ${levels} U-Net levels need.`);
      if (deg.channels && !deg.channels.includes(def.defaultChannels)) {
        throw new UserError(`'${deg.name}' needs ${deg.channels.join(' or ')}-channel images and '${data.name}' has ${def.defaultChannels}; give this entry a "dataset" such as faces.`);
      }
    });
    for (const params of paramGrid(entry)) at(`${where}.params`, () => resolveParams(deg, params));
  });
  return suite;
}

/** Cartesian product of named value lists: [{}] for an empty grid. */
function product<V>(grid: Readonly<Record<string, readonly V[]>>): Record<string, V>[] {
  return Object.entries(grid).reduce<Record<string, V>[]>((combos, [key, values]) => combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))), [{}]);
}

function paramGrid(entry: Suite['degradations'][number]): Record<string, number | boolean>[] {
  return product(entry.grid).map((g) => ({ ...entry.params, ...g }));
}

/** Versions that change a run's numbers; part of its id. */
export const RESULTS_VERSION = RESULTS_FORMAT;

/** `blur[seed=0,sigma=7,steps=20]`: the degradation and its settings, keys sorted (STYLE.md §4). */
export function runKey(degradation: string, settings: Readonly<Record<string, unknown>>): string {
  return `${degradation}[${Object.keys(settings).sort().map((k) => `${k}=${String(settings[k])}`).join(',')}]`;
}

/** First 12 hex digits of sha256(key + versions). */
export function runId(key: string, degradationVersion: number): string {
  return createHash('sha256').update(`${key}|${RESULTS_VERSION}|degradation-v${degradationVersion}`).digest('hex').slice(0, 12);
}

/** Every run of a suite, sorted by key; seeds come from (suite name, key), never from order. */
export function expandSuite(suite: Suite): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const entry of suite.degradations) {
    const data = entry.dataset ?? suite.dataset;
    for (const params of paramGrid(entry)) {
      for (const settings of product(suite.grid)) {
        for (const seed of suite.seeds) {
          const key = runKey(entry.name, { ...params, ...settings, ...(entry.dataset ? { dataset: data.name } : {}), seed });
          const train = { ...TRAIN_DEFAULTS, ...suite.train };
          const sampling = { ...SAMPLING_DEFAULTS, ...suite.sampling } as RunSpec['sampling'];
          const set = (path: string, v: unknown) => {
            const [section, field] = path.split('.');
            Object.assign(section === 'train' ? train : sampling, { [field]: v });
          };
          Object.entries(settings).forEach(([path, v]) => set(path, v));
          const spec: RunSpec = {
            key, seed: seedFrom(suite.name, key), dataset: data.name, size: data.size, degradation: entry.name, params,
            model: suite.model as RunSpec['model'], train, sampling, features: { ...FEATURE_NET_DEFAULTS, ...suite.features },
          };
          runs.push({ key, id: runId(key, getDegradation(entry.name).version), spec });
        }
      }
    }
  }
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.key)) throw new UserError(`Suite '${suite.name}' defines run ${run.key} twice; make its grid points distinct.`);
    seen.add(run.key);
  }
  return runs.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** `--shard i/n` (1-based i). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 1 && index <= count)) throw new UserError(`Bad --shard '${text}': use i/n with 1 ≤ i ≤ n, e.g. 2/4.`);
  return { index, count };
}

/** The runs of shard i of n, by a hash of the run id: disjoint, covering, independent of order. */
export function shardRuns(runs: readonly PlannedRun[], shard: { index: number; count: number }): PlannedRun[] {
  return runs.filter((run) => parseInt(run.id.slice(0, 8), 16) % shard.count === shard.index - 1);
}
