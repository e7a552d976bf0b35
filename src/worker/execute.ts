import { stringify } from 'csv-stringify/sync';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { getDegradation } from '../degradations/index.js';
import type { RunPoint, RunSpec } from '../results/config.js';
import { runPaths } from '../results/layout.js';
import { RESULTS_FORMAT, type ConfigFile, type DegradationInfo, type ResultFile, type RunState } from '../results/types.js';
import { canGenerate } from '../sampling/prior.js';
import { writeFileAtomic } from '../util/fs.js';
import { runOne } from './run.js';

/** One run as the runner hands it to a worker: plain data only (STYLE.md §7). */
export interface RunTask {
  readonly suite: string;
  readonly key: string;
  readonly id: string;
  readonly spec: RunSpec;
  readonly point: RunPoint;
  /** The run's folder, `results/<suite>/<id>`. */
  readonly dir: string;
  readonly featureCache: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly gitCommit: string | null;
  readonly backend: string;
  readonly cpu: string;
}

export interface ExecuteOptions {
  readonly onStep?: (step: number, loss: number) => void;
  readonly onPhase?: (phase: string) => void;
  readonly signal?: AbortSignal;
}

/** Registry facts about a run's degradation, saved so reports need not import the registry. */
export function degradationInfo(spec: RunSpec): DegradationInfo {
  const deg = getDegradation(spec.degradation);
  return { name: deg.name, family: deg.family, stochastic: deg.stochastic, version: deg.version, canGenerate: canGenerate(deg) };
}

/** Removes temp files a killed attempt left in a run folder (`.name.pid.time.tmp`, checkpoint.tmp). */
async function removeOrphans(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const orphans = (await readdir(dir)).filter((f) => /^\..+\.tmp$/.test(f) || f === 'checkpoint.tmp');
  await Promise.all(orphans.map((f) => rm(join(dir, f), { recursive: true, force: true })));
}

/**
 * Runs one task and writes its files: `config.json` first, `loss.csv`, then `result.json` last
 * (its presence means the run is finished). A crash inside the run becomes an `errored` result;
 * a stop request leaves no result, so the next `coldbench run` resumes from the checkpoint.
 */
export async function executeRun(task: RunTask, options: ExecuteOptions = {}): Promise<RunState | 'stopped'> {
  const { spec, dir } = task;
  const paths = runPaths(dir);
  const start = performance.now();
  await removeOrphans(dir);
  const degradation = degradationInfo(spec);
  const config: ConfigFile = {
    format: RESULTS_FORMAT,
    suite: task.suite,
    key: task.key,
    id: task.id,
    spec,
    point: task.point,
    degradation,
    versions: task.versions,
    gitCommit: task.gitCommit,
    backend: task.backend,
    cpu: task.cpu,
  };
  await writeFileAtomic(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  const base = { format: RESULTS_FORMAT, suite: task.suite, key: task.key, id: task.id, degradation, dataset: spec.dataset } as const;
  let result: ResultFile;
  try {
    // loss.csv follows training: rewritten (atomically) at each checkpoint, so a running or
    // stopped run's curve can be read (coldbench status) and a resumed one continues it.
    const writeLoss = (losses: readonly number[]) =>
      writeFileAtomic(
        paths.loss,
        stringify(
          losses.map((loss, i) => [i + 1, loss]),
          { header: true, columns: ['step', 'loss'] },
        ),
      );
    const outcome = await runOne(spec, { dir, featureCache: task.featureCache, ...options, onCheckpoint: writeLoss, trainingGrids: true });
    await writeLoss(outcome.losses);
    if (outcome.state === 'stopped') return 'stopped';
    // A resumed run's duration counts its earlier attempts' training, so its cost reads whole.
    const durationMs = Math.round(performance.now() - start) + (outcome.state === 'completed' ? outcome.earlierMs : 0);
    result =
      outcome.state === 'completed'
        ? {
            ...base,
            durationMs,
            state: 'completed',
            metrics: outcome.metrics,
            gaussianity: outcome.gaussianity,
            featureNet: outcome.featureNet,
            evaluation: outcome.evaluation,
            rawRestoration: outcome.rawRestoration,
            timings: outcome.timings,
            grids: outcome.grids,
            finalLoss: outcome.losses.at(-1) ?? NaN,
          }
        : { ...base, durationMs, state: 'diverged', step: outcome.step, loss: outcome.loss };
  } catch (error) {
    result = {
      ...base,
      durationMs: Math.round(performance.now() - start),
      state: 'errored',
      error: error instanceof Error ? error.message : String(error),
    };
  }
  await writeFileAtomic(paths.result, `${JSON.stringify(result, null, 2)}\n`);
  return result.state;
}
