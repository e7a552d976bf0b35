import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { SUITE_FILE } from '../results/layout.js';
import { RESULTS_FORMAT } from '../results/types.js';
import type { Catalogue } from './catalogue.js';
import type { Suite } from './suite-schema.js';
import { readJsonFile, validateSuite, type ValidateOptions } from './validate.js';

/** What `coldbench run <file>` runs: a suite, and where a saved file says, its folder and run. */
export interface SuiteSource {
  readonly suite: Suite;
  /** The results folder a saved suite.json or config.json lies in. */
  readonly results?: string;
  /** The one run a saved config.json names. */
  readonly runId?: string;
}

/** A JSON value from override text: JSON where it parses (`100`, `[0,1]`, `true`), else the text as a string (`l2`). */
function overrideValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Applies Hydra-style overrides (`train.steps=100`, `seeds=[0,1]`, `degradations.0.params.sigma=2`,
 * `grid.train.lr=[0.001,0.0002]`: after `grid.` the rest is one key) to a suite's JSON, before it is
 * validated, so an override is checked like the file itself.
 */
export function applyOverrides(json: unknown, overrides: readonly string[]): unknown {
  const root = structuredClone(json) as Record<string, unknown>;
  for (const override of overrides) {
    const at = override.indexOf('=');
    if (at < 1) throw new UserError(`Override '${override}' is not key=value; write e.g. train.steps=100 or seeds=[0,1].`);
    const parts = override.slice(0, at).split('.');
    const path = parts[0] === 'grid' && parts.length > 2 ? ['grid', parts.slice(1).join('.')] : parts;
    let node: Record<string, unknown> = root;
    for (const key of path.slice(0, -1)) {
      if (node[key] === undefined) node[key] = {};
      if (typeof node[key] !== 'object' || node[key] === null)
        throw new UserError(`Override '${override}': ${key} is not an object in the suite; check the path.`);
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = overrideValue(override.slice(at + 1));
  }
  return root;
}

/**
 * Reads what `coldbench run` is given: a suite file, a results folder's saved `suite.json` (the
 * suite as it ran, rerun into that folder) or a run's `config.json` (its suite, that run only);
 * then applies the overrides and validates.
 */
export async function loadSuiteSource(
  path: string,
  catalogue: Catalogue,
  overrides: readonly string[] = [],
  options: ValidateOptions = {},
): Promise<SuiteSource> {
  const json = await readJsonFile(path);
  const saved = json as { format?: unknown; definition?: unknown; id?: unknown; spec?: unknown };
  const validate = (definition: unknown, source: string) =>
    validateSuite(applyOverrides(definition, overrides), source, catalogue, options);
  if (typeof saved?.format === 'string' && saved.format.startsWith('coldbench-results/') && saved.format !== RESULTS_FORMAT) {
    throw new UserError(
      `${path} has format '${saved.format}', not '${RESULTS_FORMAT}'; it was written by another coldbench version: rerun from the suite file.`,
    );
  }
  if (saved?.format !== RESULTS_FORMAT) return { suite: validate(json, path) };
  if ('definition' in saved) return { suite: validate(saved.definition, path), results: dirname(path) };
  if (typeof saved.id === 'string' && 'spec' in saved) {
    const results = dirname(dirname(path));
    const suitePath = join(results, SUITE_FILE);
    if (!existsSync(suitePath))
      throw new UserError(`${path} is a run's config.json but ${suitePath} is missing; rerun from the suite file instead.`);
    const suite = (await readJsonFile(suitePath)) as { definition?: unknown };
    return { suite: validate(suite.definition, suitePath), results, runId: saved.id };
  }
  throw new UserError(`${path} is a coldbench results file but neither a suite.json nor a run's config.json; pass a suite file.`);
}
