import { join } from 'node:path';
import { getDegradation } from '../degradations/index.js';
import { UNET_PRESETS, type UNetPreset } from '../model/unet.js';
import { SAMPLERS, type SamplerName } from '../sampling/samplers.js';
import { FEATURE_NET_DEFAULTS } from '../train/feature-net.js';
import { TRAIN_DEFAULTS, type TrainConfig } from '../train/train.js';
import { hashOf } from '../util/canonical.js';
import { seedFrom } from '../util/rng.js';
import { engineInfo } from '../engine/backend.js';
import { readSuiteFile } from '../results/read.js';
import { RESULTS_FORMAT, type ResultFile, type SuiteFile } from '../results/types.js';
import { gitCommit, packageVersions } from '../runner/provenance.js';
import { writeFileAtomic } from '../util/fs.js';
import type { MetricRow } from '../worker/evaluate.js';
import { executeRun } from '../worker/execute.js';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SAMPLING_DEFAULTS, type RunSpec } from '../worker/spec.js';
import { errors, UserError } from '../errors.js';
import { parseValue } from './values.js';
import { validateSuite } from '../runner/suite.js';

export interface RunOneRequest {
  readonly degradation: string;
  readonly dataset: string;
  readonly size: number;
  readonly preset: string;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly loss: string;
  readonly samples: number;
  readonly samplers: string;
  readonly generation: boolean;
  readonly seed: string;
  readonly param: Record<string, string>;
  readonly out: string;
}

/** The RunSpec a `run-one` command line describes; names are checked before anything runs. */
export function specFromRequest(request: RunOneRequest): RunSpec {
  getDegradation(request.degradation);
  if (!Object.hasOwn(UNET_PRESETS, request.preset)) throw errors.unknownName('model preset', request.preset, Object.keys(UNET_PRESETS));
  if (request.loss !== 'l1' && request.loss !== 'l2') throw errors.unknownName('loss', request.loss, ['l1', 'l2']);
  const samplers = request.samplers.split(',').map((s) => s.trim());
  for (const s of samplers) if (!Object.hasOwn(SAMPLERS, s)) throw errors.unknownName('sampler', s, Object.keys(SAMPLERS));
  const params = Object.fromEntries(Object.entries(request.param).map(([k, v]) => [k, parseValue(v)])) as Record<string, number | boolean>;
  const train: TrainConfig = {
    ...TRAIN_DEFAULTS, steps: request.steps, batch: request.batch, lr: request.lr, loss: request.loss,
    emaStart: Math.min(TRAIN_DEFAULTS.emaStart, Math.floor(request.steps / 2)),
    checkpointEvery: Math.min(TRAIN_DEFAULTS.checkpointEvery, request.steps),
  };
  const key = `${request.degradation}[${Object.entries(params).sort().map(([k, v]) => `${k}=${v}`).join(',')}]@${request.dataset}/seed=${request.seed}`;
  return {
    key, seed: seedFrom(key), evaluationSeed: seedFrom('run-one', 'evaluation', request.seed), dataset: request.dataset, size: request.size, degradation: request.degradation, params,
    model: { preset: request.preset as UNetPreset }, train,
    sampling: { ...SAMPLING_DEFAULTS, samplers: samplers as SamplerName[], count: request.samples, generation: request.generation },
    features: FEATURE_NET_DEFAULTS,
  };
}

/**
 * Checks a request as a suite would be checked, before any engine starts or file is written:
 * the dataset, its sizes and channels for this degradation, every parameter and the
 * degradation's own size rules (pixelate's 2^T | size), each failing in one line.
 */
export function checkRequest(request: RunOneRequest): void {
  if (existsSync(request.out) && !statSync(request.out).isDirectory()) throw new UserError(`--out ${request.out} is a file; pass a folder for the results.`);
  const spec = specFromRequest(request);
  validateSuite({
    name: 'run-one', description: 'coldbench run-one', dataset: { name: spec.dataset, size: spec.size }, model: spec.model,
    train: { steps: spec.train.steps, batch: spec.train.batch, lr: spec.train.lr, loss: spec.train.loss },
    sampling: { samplers: spec.sampling.samplers, count: spec.sampling.count, generation: spec.sampling.generation },
    seeds: [0], degradations: [{ name: spec.degradation, params: spec.params }],
  }, 'run-one');
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

/** The `suite.json` that makes a run-one folder a results folder `coldbench report` reads. */
const RUN_ONE_SUITE: SuiteFile = {
  format: RESULTS_FORMAT, suite: 'run-one', definition: { name: 'run-one', description: 'single runs from coldbench run-one' },
};

/**
 * Trains, samples and measures one configuration; writes `<out>/<id>/` in the results format,
 * so `coldbench report <out>` reads it like a suite.
 */
export async function runOneCommand(request: RunOneRequest, log: (line: string) => void): Promise<{ dir: string; result: ResultFile }> {
  const spec = specFromRequest(request);
  if (existsSync(join(request.out, 'suite.json'))) await readSuiteFile(request.out);
  else await writeFileAtomic(join(request.out, 'suite.json'), `${JSON.stringify(RUN_ONE_SUITE, null, 2)}\n`);
  const id = hashOf(spec);
  const dir = join(request.out, id);
  log(`run ${spec.key} → ${dir}`);
  const start = performance.now();
  await executeRun(
    {
      suite: 'run-one', key: spec.key, id, spec, dir, featureCache: join('.cache', 'features'),
      versions: packageVersions(), gitCommit: gitCommit(), backend: engineInfo()?.backend ?? 'unknown',
    },
    { onStep: (step, loss) => (step % 50 === 0 || step === spec.train.steps) && log(`step ${step}/${spec.train.steps} loss ${loss.toFixed(4)} (${((performance.now() - start) / 1000).toFixed(0)} s)`) },
  );
  return { dir, result: JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as ResultFile };
}
