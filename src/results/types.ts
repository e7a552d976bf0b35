import type { Family } from '../degradations/types.js';
import type { Evaluation, GaussianityRow, Timing } from '../worker/run.js';
import type { MetricRow } from '../worker/evaluate.js';
import type { RunSpec } from '../worker/spec.js';

/** Marks files coldbench wrote; a results folder without it is not ours and is never touched. */
export const RESULTS_FORMAT = 'coldbench-results/1';

/** `results/<suite>/suite.json`: the suite as run, so the folder is self-describing. */
export interface SuiteFile {
  readonly format: typeof RESULTS_FORMAT;
  readonly suite: string;
  /** The suite JSON exactly as validated. */
  readonly definition: unknown;
}

/** What reports need to know about a run's degradation without importing the registry. */
export interface DegradationInfo {
  readonly name: string;
  readonly family: Family;
  readonly stochastic: boolean;
  readonly version: number;
  /** Whether it has a generation prior under the run's params. */
  readonly canGenerate: boolean;
}

/** `results/<suite>/<runId>/config.json`: everything that determined the run (STYLE.md §3). */
export interface ConfigFile {
  readonly format: typeof RESULTS_FORMAT;
  readonly suite: string;
  /** Canonical run key, e.g. `blur[seed=0,sigma=7,steps=20]`. */
  readonly key: string;
  /** First 12 hex digits of sha256(key + versions): the run's folder name. */
  readonly id: string;
  readonly spec: RunSpec;
  readonly degradation: DegradationInfo;
  /** Package versions that can change numbers (coldbench, tfjs, backend). */
  readonly versions: Readonly<Record<string, string>>;
  /** `git rev-parse HEAD` of the coldbench checkout, or null outside git. */
  readonly gitCommit: string | null;
  /** TF.js backend the run trained on. */
  readonly backend: string;
}

interface ResultBase {
  readonly format: typeof RESULTS_FORMAT;
  readonly suite: string;
  readonly key: string;
  readonly id: string;
  readonly degradation: DegradationInfo;
  readonly dataset: string;
  /** Wall time of the attempt that wrote this file, in ms. */
  readonly durationMs: number;
}

/** `results/<suite>/<runId>/result.json`, written last and atomically (STYLE.md §5). */
export type ResultFile = ResultBase &
  (
    | {
        readonly state: 'completed';
        readonly metrics: MetricRow[];
        readonly gaussianity: GaussianityRow[];
        readonly featureNet: { readonly hash: string; readonly weights: string; readonly objective: string; readonly testAccuracy: number };
        readonly evaluation: Evaluation;
        /** Restoration metrics of `direct` with the raw last weights instead of the EMA's. */
        readonly rawRestoration: MetricRow[];
        /** Last training loss. */
        readonly finalLoss: number;
        /** Where this attempt's time went, phase by phase (absent in results from before it was recorded). */
        readonly timings?: Timing[];
      }
    | { readonly state: 'diverged'; readonly step: number; readonly loss: number }
    | { readonly state: 'errored'; readonly error: string }
    | { readonly state: 'skipped'; readonly reason: string }
  );

export type RunState = ResultFile['state'];
