import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from '../results/config.js';
import { RUN_FOLDER, runFolder, runPaths } from '../results/layout.js';
import type { ConfigFile, ResultFile, RunState } from '../results/types.js';
import { canonicalJson } from '../util/canonical.js';
import { claimHolder } from './claim.js';
import type { PlannedRun } from './expand.js';

/**
 * Where a planned run stands in its results folder: `finished` (completed, diverged or skipped:
 * a rerun skips it), `errored` (a rerun retries it), `running` (another process holds its claim),
 * `resumable` (a checkpoint to go on from) or `new`.
 */
export type Standing = 'finished' | 'errored' | 'running' | 'resumable' | 'new';

export interface RunStanding {
  readonly run: PlannedRun;
  readonly standing: Standing;
  /** The result's state where there is one. */
  readonly state?: RunState;
  /** Training steps done (from loss.csv, rewritten at each checkpoint) and the last loss. */
  readonly step?: number;
  readonly loss?: number;
  /** Who runs it (`host:pid`), for `running`. */
  readonly heldBy?: string;
  /** The finished attempt's wall time. */
  readonly seconds?: number;
}

/** States a rerun skips. */
export const FINAL: readonly RunState[] = ['completed', 'diverged', 'skipped'];

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Steps and last loss from a loss.csv (`step,loss` rows after a header). */
function lossProgress(path: string): { step: number; loss: number } | undefined {
  if (!existsSync(path)) return undefined;
  const last = readFileSync(path, 'utf8').trim().split('\n').at(-1)?.split(',');
  const [step, loss] = (last ?? []).map(Number);
  return Number.isInteger(step) && step > 0 ? { step, loss } : undefined;
}

/** How each planned run stands in `resultsDir` (read only: nothing is claimed or changed). */
export function survey(resultsDir: string, runs: readonly PlannedRun[]): RunStanding[] {
  return runs.map((run): RunStanding => {
    const dir = runFolder(resultsDir, run.id);
    const paths = runPaths(dir);
    const result = readJson<ResultFile>(paths.result);
    const progress = lossProgress(paths.loss);
    if (result)
      return {
        run,
        standing: FINAL.includes(result.state) ? 'finished' : 'errored',
        state: result.state,
        ...progress,
        seconds: result.durationMs / 1000,
      };
    const heldBy = claimHolder(dir);
    if (heldBy) return { run, standing: 'running', heldBy, ...progress };
    if (progress || existsSync(paths.checkpoint)) return { run, standing: 'resumable', ...progress };
    return { run, standing: 'new' };
  });
}

/** A completed run's measured time: what estimates are made from. */
export interface Measured {
  readonly spec: RunSpec;
  readonly seconds: number;
  readonly trainSeconds: number;
}

/**
 * Completed runs under `root` (`results/`: every suite's folders), with their wall and training
 * time. Runs resumed from a checkpoint timed only their last attempt, so they are left out.
 */
export function measuredRuns(root: string): Measured[] {
  if (!existsSync(root)) return [];
  const out: Measured[] = [];
  for (const suite of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const entry of readdirSync(join(root, suite.name), { withFileTypes: true })) {
      if (!entry.isDirectory() || !RUN_FOLDER.test(entry.name)) continue;
      const paths = runPaths(join(root, suite.name, entry.name));
      const result = readJson<ResultFile>(paths.result);
      const config = result?.state === 'completed' ? readJson<ConfigFile>(paths.config) : undefined;
      const train = result?.state === 'completed' ? result.timings.find((t) => t.phase === 'train') : undefined;
      if (!config || !result || !train || train.ms <= 0) continue;
      const trainedSteps = lossProgress(paths.loss)?.step;
      if (trainedSteps !== config.spec.train.steps) continue;
      out.push({ spec: config.spec, seconds: result.durationMs / 1000, trainSeconds: train.ms / 1000 });
    }
  }
  return out;
}

/**
 * Seconds each run has left, from runs measured with the same model, images, batch, sampling and
 * feature network: training seconds per step (median) × steps left, plus the median rest
 * (sampling, metrics). 0 for finished runs; undefined where nothing comparable was measured.
 * Timings are the measuring machine's: on another CPU or worker count they are a guide only.
 */
export function estimateSeconds(standings: readonly RunStanding[], measured: readonly Measured[]): (number | undefined)[] {
  // Training's rate depends on the network and batch; sampling's also on the degradation (its T).
  const shape = (spec: RunSpec) => canonicalJson([spec.dataset, spec.size, spec.model, spec.train.batch, spec.sampling, spec.features]);
  const operator = (spec: RunSpec) => canonicalJson([shape(spec), spec.degradation, spec.params]);
  const perStep = new Map<string, number[]>();
  const rest = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
  for (const m of measured) {
    add(perStep, shape(m.spec), m.trainSeconds / m.spec.train.steps);
    add(rest, shape(m.spec), m.seconds - m.trainSeconds);
    add(rest, operator(m.spec), m.seconds - m.trainSeconds);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return standings.map((s) => {
    if (s.standing === 'finished') return 0;
    const { spec } = s.run;
    const step = perStep.get(shape(spec));
    const after = rest.get(operator(spec)) ?? rest.get(shape(spec));
    return step && after ? median(step) * (spec.train.steps - (s.step ?? 0)) + median(after) : undefined;
  });
}
