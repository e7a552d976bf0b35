import { PLUGINS } from '../plugins.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBudget, benchParams } from './degradation.js';
import type { BackendName } from '../engine/backend.js';
import { UserError } from '../errors.js';
import { readSuiteResults } from '../results/read.js';
import type { Isolation } from '../runner/pool.js';
import { runSuite } from '../runner/run-suite.js';
import { expandSuite } from '../runner/expand.js';
import type { Suite } from '../runner/suite-schema.js';
import { validateSuite } from '../runner/validate.js';

export interface ScalingBenchOptions {
  readonly degradation: string;
  /** Identical runs (seeds 0 … runs − 1), so every worker gets the same share of work. */
  readonly runs: number;
  /** Training steps per run. */
  readonly steps: number;
  /** Worker count compared with one worker. */
  readonly workers: number;
  /** U-Net preset of the runs (default tiny). */
  readonly preset?: string;
  readonly backend: BackendName;
  /** Engine threads per worker. */
  readonly threads: number;
  readonly featureCache: string;
  /** Worker threads in one process, or one process per worker (runner/pool.ts). Default: threads. */
  readonly isolation?: Isolation;
}

export interface ScalingTiming {
  readonly workers: number;
  /** Wall-clock seconds from the first run's start to the last run's end (feature networks excluded). */
  readonly seconds: number;
}

export interface ScalingBenchResult {
  readonly bench: 'scaling';
  readonly backend: BackendName;
  readonly isolation: Isolation;
  readonly threads: number;
  readonly degradation: string;
  readonly preset: string;
  readonly runs: number;
  readonly steps: number;
  readonly timings: readonly [ScalingTiming, ScalingTiming];
  /** seconds with 1 worker / seconds with `workers`. */
  readonly speedup: number;
  /** The speedup perfect scaling would give: runs / ⌈runs / workers⌉. */
  readonly ideal: number;
}

/**
 * The suite `coldbench bench scaling` times: one degradation on digits with the tiny U-Net,
 * repeated over seeds so the runs cost the same. Plain suite JSON, validated like any other.
 */
export function scalingBenchSuite(
  options: Pick<ScalingBenchOptions, 'degradation' | 'runs' | 'steps' | 'preset'>,
): Record<string, unknown> {
  const budget = benchBudget(options.steps, 64);
  return {
    name: `bench-scaling-${options.degradation}`,
    description: `${options.runs} identical ${options.degradation} runs (coldbench bench scaling).`,
    dataset: { name: 'digits', size: 32 },
    ...budget,
    model: { preset: options.preset ?? 'tiny' },
    seeds: Array.from({ length: options.runs }, (_, i) => i),
    degradations: [{ name: options.degradation, params: benchParams(options.degradation) }],
  };
}

/** The validated suite, or a one-line error for a comparison that cannot scale. */
export function scalingSuite(options: Pick<ScalingBenchOptions, 'degradation' | 'runs' | 'steps' | 'workers' | 'preset'>): Suite {
  if (options.workers < 2)
    throw new UserError(`bench scaling compares 1 worker with more: pass --workers 2 or more (got ${options.workers}).`);
  if (options.runs < options.workers)
    throw new UserError(`bench scaling needs at least one run per worker: pass --runs ${options.workers} or more (got ${options.runs}).`);
  return validateSuite(scalingBenchSuite(options), 'bench scaling', PLUGINS);
}

/** The result's arithmetic, apart so it can be checked without timing anything. */
export function scalingSummary(
  runs: number,
  one: ScalingTiming,
  many: ScalingTiming,
): Pick<ScalingBenchResult, 'timings' | 'speedup' | 'ideal'> {
  const round = (v: number, digits: number) => Number(v.toFixed(digits));
  return {
    timings: [
      { workers: one.workers, seconds: round(one.seconds, 2) },
      { workers: many.workers, seconds: round(many.seconds, 2) },
    ],
    speedup: round(one.seconds / many.seconds, 3),
    ideal: round(runs / Math.ceil(runs / many.workers), 3),
  };
}

/**
 * Runs the same suite twice into throw-away results folders, with one worker and then with
 * `workers`, and compares the wall-clock time of the runs. Feature networks and their held-out
 * features are computed (or read from the cache) before each clock starts, so both passes do
 * the same work.
 */
export async function benchScaling(options: ScalingBenchOptions): Promise<ScalingBenchResult> {
  const suite = scalingSuite(options);
  const runs = expandSuite(suite, PLUGINS);
  const root = await mkdtemp(join(tmpdir(), 'coldbench-scaling-'));
  try {
    const time = async (workers: number): Promise<ScalingTiming> => {
      const resultsDir = join(root, `workers-${workers}`);
      const { counts, seconds } = await runSuite({ name: suite.name, definition: suite }, runs, {
        resultsDir,
        workers,
        backend: options.backend,
        threads: options.threads,
        isolation: options.isolation,
        featureCache: options.featureCache,
        progress: false,
        log: () => {},
      });
      if (counts.completed !== runs.length) {
        const failed = (await readSuiteResults(resultsDir)).runs.find((r) => r.result?.state !== 'completed');
        const why = failed?.result?.state === 'errored' ? failed.result.error : (failed?.result?.state ?? 'not finished');
        throw new Error(
          `bench scaling: only ${counts.completed} of ${runs.length} runs completed with ${workers} worker(s); ${failed?.config.key}: ${why}`,
        );
      }
      return { workers, seconds: seconds.runs };
    };
    const one = await time(1);
    const many = await time(options.workers);
    return {
      bench: 'scaling',
      backend: options.backend,
      threads: options.threads,
      isolation: options.isolation ?? 'thread',
      degradation: options.degradation,
      preset: options.preset ?? 'tiny',
      runs: runs.length,
      steps: options.steps,
      ...scalingSummary(runs.length, one, many),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
