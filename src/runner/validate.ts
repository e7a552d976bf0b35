import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserError, errors } from '../errors.js';
import { comparisonsSchema } from '../results/comparisons.js';
import { samplingSection, type Section } from '../results/config.js';
import { resolveParams } from '../util/params.js';
import type { Catalogue } from './catalogue.js';
import { plan, product } from './expand.js';
import { parseJsonText } from './json-text.js';
import { LIMITS, suiteSchema, type Suite } from './suite-schema.js';

type Path = readonly PropertyKey[];

/** `degradations[1].grid.sigma`, `grid["train.lr"][0]`: a JSON path as users read it. */
export function located(path: Path): string {
  return (
    path
      .map((p, i) =>
        typeof p === 'number'
          ? `[${p}]`
          : /^[A-Za-z_]\w*$/.test(String(p))
            ? `${i ? '.' : ''}${String(p)}`
            : `[${JSON.stringify(String(p))}]`,
      )
      .join('') || '(top level)'
  );
}

/** A schema with its optional, default and prefault wrappers removed. */
function unwrap(node: z.ZodType): z.ZodType {
  return node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault
    ? unwrap(node.unwrap() as z.ZodType)
    : node;
}

/** The keys the schema allows for the object at `path`. */
function knownKeys(schema: z.ZodType, path: Path): string[] {
  let node = unwrap(schema);
  for (const p of path) {
    const next =
      node instanceof z.ZodObject
        ? (node.shape as Record<string, z.ZodType>)[String(p)]
        : node instanceof z.ZodArray
          ? node.element
          : node instanceof z.ZodRecord
            ? node.valueType
            : undefined;
    if (!next) return [];
    node = unwrap(next as z.ZodType);
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** One line for a zod issue: the place, then the problem. */
function describeIssue(schema: z.ZodType, issue: z.core.$ZodIssue): [Path, string] {
  if (issue.code === 'unrecognized_keys') return [[...issue.path, issue.keys[0]], errors.suite.unknownKey(knownKeys(schema, issue.path))];
  if (issue.code === 'invalid_type' && issue.input === undefined) return [issue.path, `missing; expected ${issue.expected}`];
  return [issue.path, issue.message];
}

/** Built-in suites, as paths relative to the repository root. */
export function builtInSuites(): string[] {
  const dir = new URL('../../experiments/', import.meta.url);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => `experiments/${f}`)
    : [];
}

/** Reads and validates a suite file; every problem is one UserError line naming the place. */
export async function loadSuite(path: string, catalogue: Catalogue, options: ValidateOptions = {}): Promise<Suite> {
  return validateSuite(await readJsonFile(path), path, catalogue, options);
}

/** Reads a JSON file strictly (json-text.ts); a missing file names the built-in suites. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw errors.missingSuite(path, builtInSuites());
    throw errors.located(path, 'cannot read the file', (error as Error).message);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw errors.invalidJson(path, json.line, json.column, json.problem);
  return json.value;
}

/** Where a comparison names a sampler or a δ, as paths under `comparisons`. */
const COMPARISON_FIELDS: readonly [readonly string[], 'sampler' | 'δ'][] = [
  [['q1', 'hot', 'sampler'], 'sampler'],
  [['q1', 'hot', 'delta'], 'δ'],
  [['q1', 'cold', 'sampler'], 'sampler'],
  [['q1', 'cold', 'delta'], 'δ'],
  [['q2', 'sampler'], 'sampler'],
  [['q2', 'cold'], 'δ'],
  [['q2', 'broken'], 'δ'],
  [['q4', 'reference'], 'sampler'],
  [['q4', 'delta'], 'δ'],
  [['q5', 'iterative'], 'sampler'],
  [['q5', 'oneShot'], 'sampler'],
];

/**
 * What a suite declares in `comparisons` must judge something it runs: each sampler it names
 * among sampling.samplers, each δ among sampling.deltas. The defaults (the paper's arms) are not
 * held to this, written out or not (a saved suite.json holds them written out): the report says
 * which declared arm a suite did not run.
 */
function checkComparisons(suite: Suite, fail: (path: Path, problem: string) => never): void {
  const { samplers, deltas } = samplingSection.parse(suite.sampling) as { samplers: readonly unknown[]; deltas: readonly unknown[] };
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

export function validateSuite(json: unknown, source: string, catalogue: Catalogue, options: ValidateOptions = {}): Suite {
  const schema = suiteSchema(catalogue);
  const parsed = schema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const [path, problem] = describeIssue(schema, parsed.error.issues[0]);
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
  const levels = (suite.model.channelMults ?? catalogue.presets[suite.model.preset].channelMults).length;
  const checkDataset = (data: Suite['dataset'], path: Path) => {
    const def = catalogue.datasets[data.name];
    if (!def.sizes.includes(data.size)) fail([...path, 'size'], errors.suite.sizeNotOffered(data.name, data.size, def.sizes));
    if (data.size % 2 ** (levels - 1) !== 0) fail([...path, 'size'], errors.suite.sizeIndivisible(data.size, levels));
  };

  if (!options.allowLarge) {
    const limited: [Path, number | undefined, number][] = [
      [['train', 'steps'], suite.train.steps, LIMITS.trainSteps],
      [['train', 'batch'], suite.train.batch, LIMITS.batch],
      [['sampling', 'count'], suite.sampling.count, LIMITS.samples],
      [['features', 'steps'], suite.features.steps, LIMITS.featureSteps],
      [['features', 'batch'], suite.features.batch, LIMITS.batch],
      [['seeds'], suite.seeds.length, LIMITS.seeds],
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
    const deg = catalogue.degradations[entry.name];
    const data = entry.dataset ?? suite.dataset;
    if (entry.dataset) checkDataset(entry.dataset, ['degradations', i, 'dataset']);
    const channels = catalogue.datasets[data.name].defaultChannels;
    if (deg.channels && !deg.channels.includes(channels))
      fail(['degradations', i], errors.suite.channels(deg.name, deg.channels, data.name, channels));
    const known = Object.keys(deg.params);
    for (const [part, values] of [
      ['params', entry.params],
      ['grid', entry.grid],
    ] as const) {
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
    if (deg.checkSize)
      for (const point of product(entry.grid))
        at(['degradations', i], () => deg.checkSize!(resolveParams(deg, { ...entry.params, ...point }), data.size));
  });
  const suiteGrid = Object.values(suite.grid as Record<string, unknown[]>).reduce((n, values) => n * values.length, suite.seeds.length);
  const count = suite.degradations.reduce(
    (n, entry) => n + Object.values(entry.grid).reduce((m, values) => m * values.length, suiteGrid),
    0,
  );
  if (count > LIMITS.runs && !options.allowLarge) fail(['degradations'], errors.suite.tooManyRuns(count, LIMITS.runs));
  const origin = new Map<string, number>();
  for (const point of plan(suite, catalogue)) {
    const first = origin.get(point.key);
    if (first !== undefined) fail(['degradations', point.entry], errors.suite.sameRuns(located(['degradations', first]), point.key));
    origin.set(point.key, point.entry);
  }
  return suite;
}
