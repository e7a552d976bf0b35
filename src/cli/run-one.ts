import { PLUGINS } from '../plugins.js';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { trainSection } from '../results/config.js';
import { runPaths, SUITE_FILE } from '../results/layout.js';
import { readSuiteFile } from '../results/read.js';
import type { MetricRow, ResultFile } from '../results/types.js';
import { canonicalJson } from '../util/canonical.js';
import { expandSuite, type PlannedRun } from '../runner/expand.js';
import type { Suite } from '../runner/suite-schema.js';
import { validateSuite } from '../runner/validate.js';
import { join } from 'node:path';
import { parseValue } from './values.js';

export interface RunOneRequest {
  readonly degradation: string;
  readonly dataset: string;
  readonly size: number;
  readonly preset: string;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly loss: string;
  readonly precision: string;
  readonly samples: number;
  readonly samplers: string;
  readonly generation: boolean;
  readonly seed: number;
  readonly param: Record<string, string>;
  readonly out: string;
}

/** The suite every run-one folder holds: its runs are the entries of `degradations`. */
export const RUN_ONE_SUITE = 'run-one';

/** Everything of a run-one suite but its degradation entries: what the runs of one folder share. */
function shared(suite: Suite): string {
  const { degradations: _d, description: _t, ...rest } = suite;
  return canonicalJson(rest);
}

/**
 * The one-entry suite a `run-one` command line describes: run-one goes validate → expand → run
 * like every suite, with the same keys, ids and checks. Its folder (`--out`) gathers run-one
 * runs: a new degradation entry joins the suite already there when the rest (dataset, model,
 * training, sampling, seed) is the same; other settings need another folder.
 */
export async function runOneSuite(request: RunOneRequest): Promise<{ suite: Suite; run: PlannedRun }> {
  if (existsSync(request.out) && !statSync(request.out).isDirectory())
    throw new UserError(`--out ${request.out} is a file; pass a folder for the results.`);
  const params = Object.fromEntries(Object.entries(request.param).map(([k, v]) => [k, parseValue(v)]));
  const { emaStart, checkpointEvery } = trainSection.parse({});
  const definition = {
    name: RUN_ONE_SUITE,
    description: 'single runs from coldbench run-one',
    dataset: { name: request.dataset, size: request.size },
    model: { preset: request.preset },
    train: {
      steps: request.steps,
      batch: request.batch,
      lr: request.lr,
      loss: request.loss,
      precision: request.precision,
      emaStart: Math.min(emaStart, Math.floor(request.steps / 2)),
      checkpointEvery: Math.min(checkpointEvery, request.steps),
    },
    sampling: { samplers: request.samplers.split(',').map((s) => s.trim()), count: request.samples, generation: request.generation },
    seeds: [request.seed],
    degradations: [{ name: request.degradation, params }],
  };
  // Checked alone first, so a bad option is reported against the command line, not a merge.
  const single = validateSuite(definition, 'run-one', PLUGINS);
  const [run] = expandSuite(single, PLUGINS);
  if (!existsSync(join(request.out, SUITE_FILE))) return { suite: single, run };
  // The saved definition is a validated suite (defaults written out): compared with this one's.
  const saved = (await readSuiteFile(request.out)).definition as Suite;
  if (saved.name !== RUN_ONE_SUITE || shared(saved) !== shared(single)) {
    throw new UserError(
      `${request.out} holds run-one runs with other settings (dataset, model, training, sampling or seed); pass --out <dir> for this run.`,
    );
  }
  const [entry] = single.degradations;
  const known = saved.degradations.some((e) => canonicalJson(e) === canonicalJson(entry));
  return {
    suite: validateSuite(
      { ...saved, degradations: known ? saved.degradations : [...saved.degradations, entry] },
      join(request.out, SUITE_FILE),
      PLUGINS,
    ),
    run,
  };
}

/** A table row per (mode, sampler, δ) with one column per metric. */
export function metricTable(rows: readonly MetricRow[]): Record<string, string | number>[] {
  const table = new Map<string, Record<string, string | number>>();
  for (const row of rows) {
    const id = `${row.mode}/${row.sampler}/${row.delta}`;
    if (!table.has(id)) table.set(id, { mode: row.mode, sampler: row.sampler, delta: row.delta ?? '' });
    table.get(id)![row.metric] = Number(row.value.toPrecision(4));
  }
  return [...table.values()];
}

/** The result a run-one run left in its folder. */
export async function readRunResult(dir: string): Promise<ResultFile> {
  return JSON.parse(await readFile(runPaths(dir).result, 'utf8')) as ResultFile;
}
