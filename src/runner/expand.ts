import { createHash } from 'node:crypto';
import { featuresSection, samplingSection, trainSection, type RunPoint, type RunSpec, type Section } from '../results/config.js';
import { RESULTS_FORMAT } from '../results/types.js';
import { canonicalJson } from '../util/canonical.js';
import { resolveParams } from '../util/params.js';
import { seedFrom } from '../util/rng.js';
import { lookup, type Catalogue } from './catalogue.js';
import type { Suite } from './suite-schema.js';

/** One run of a suite, as planned by the suite expansion. */
export interface PlannedRun {
  readonly key: string;
  readonly id: string;
  readonly spec: RunSpec;
  readonly point: RunPoint;
}

/** Cartesian product of named value lists: `[{}]` for an empty grid. */
export function product<V>(grid: Readonly<Record<string, readonly V[]>>): Record<string, V>[] {
  return Object.entries(grid).reduce<Record<string, V>[]>(
    (combos, [key, values]) => combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))),
    [{}],
  );
}

/** `blur[seed=0,sigma=7,steps=20]`: the degradation and its settings with sorted keys (STYLE.md §4). */
export function runKey(degradation: string, settings: Readonly<Record<string, unknown>>): string {
  return `${degradation}[${Object.keys(settings)
    .sort()
    .map((k) => `${k}=${String(settings[k])}`)
    .join(',')}]`;
}

/**
 * A run's folder name: the first 12 hex digits of sha256 of its whole spec (key, seeds, dataset,
 * model, training, sampling, feature network), the results format and its degradation's version
 * (bumped whenever the operator's output changes). A run is reused
 * only where everything that determined it is the same: a suite whose training budget changed
 * gets new runs, not the old ones under the new budget's name.
 */
export function runId(spec: RunSpec, catalogue: Catalogue): string {
  const { version } = lookup('degradation', catalogue.degradations, spec.degradation);
  // Fields added after the results format, left out at their default: runs made before them keep their ids.
  const { precision, ...train } = spec.train;
  const hashed = precision === 'fp32' ? { ...spec, train } : spec;
  return createHash('sha256')
    .update(`${canonicalJson(hashed)}|${RESULTS_FORMAT}|degradation-v${version}`)
    .digest('hex')
    .slice(0, 12);
}

/** Every grid point × seed of every entry, in file order, with its key and full spec. */
export function plan(suite: Suite, catalogue: Catalogue): { entry: number; key: string; spec: RunSpec; point: RunPoint }[] {
  return suite.degradations.flatMap((entry, i) => {
    const data = entry.dataset ?? suite.dataset;
    const where = {
      ...(data.name !== suite.dataset.name && { dataset: data.name }),
      ...(data.size !== suite.dataset.size && { size: data.size }),
    };
    const deg = catalogue.degradations[entry.name];
    return product(entry.grid).flatMap((gridPoint) =>
      product(suite.grid as Record<string, (number | string | boolean)[]>).flatMap((settings) =>
        suite.seeds.map((seed) => {
          const params = { ...entry.params, ...gridPoint };
          const variant = runKey(entry.name, { ...params, ...settings, ...where });
          const key = runKey(entry.name, { ...params, ...settings, ...where, seed });
          const section = (name: Section) =>
            Object.fromEntries(
              Object.entries(settings)
                .filter(([path]) => path.startsWith(`${name}.`))
                .map(([path, v]) => [path.slice(name.length + 1), v]),
            );
          const spec: RunSpec = {
            key,
            seed: seedFrom(suite.name, key),
            evaluationSeed: seedFrom(suite.name, 'evaluation', seed),
            dataset: data.name,
            size: data.size,
            degradation: entry.name,
            params,
            model: suite.model,
            train: trainSection.parse({ ...suite.train, ...section('train') }),
            sampling: samplingSection.parse({ ...suite.sampling, ...section('sampling') }),
            features: featuresSection.parse({ ...suite.features, ...section('features') }),
          };
          const point: RunPoint = {
            variant,
            degradation: entry.name,
            params: resolveParams(deg, params),
            settings,
            seed,
            dataset: data.name,
            size: data.size,
            preset: suite.model.preset,
          };
          return { entry: i, key, spec, point };
        }),
      ),
    );
  });
}

/** Every run of a validated suite, sorted by key; seeds and ids come from names, never from order. */
export function expandSuite(suite: Suite, catalogue: Catalogue): PlannedRun[] {
  return plan(suite, catalogue)
    .map(({ key, spec, point }) => ({ key, id: runId(spec, catalogue), spec, point }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
