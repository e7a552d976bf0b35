import type { Family } from '../degradations/types.js';
import type { MetricDescriptor } from '../metrics/define.js';
import type { MetricName } from '../metrics/registry.js';
import { UserError } from '../errors.js';
import { comparisonsOf, type Comparisons } from '../results/comparisons.js';
import type { SavedRun } from '../results/read.js';
import type { RunState } from '../results/types.js';
import type { RunPoint } from '../results/config.js';
import type { Floor } from '../results/types.js';
import { lossWindows, type LossPoint } from './losses.js';

/** One measured number of one completed run: the tidy row every chart, table and the CSV read. */
export interface ReportRow {
  /** Suite name. */
  readonly suite: string;
  /** Canonical run key, e.g. `blur[seed=0,sigma=7,steps=20]`. */
  readonly key: string;
  /** The key without its seed: runs that differ only by seed share it (charts average over them). */
  readonly variant: string;
  /** Short unique label of the variant on charts: the degradation, plus the settings that tell its variants apart. */
  readonly name: string;
  /** Run folder name (12 hex digits). */
  readonly id: string;
  readonly dataset: string;
  readonly degradation: string;
  readonly family: Family;
  readonly stochastic: boolean;
  /** The suite's seed (repetition), not the derived training seed. */
  readonly seed: number;
  /**
   * The evaluation images and bootstrap resamples the number was measured on, as their recipe
   * (dataset, size, sample count, evaluation seed; worker/run.ts draws both from these alone):
   * rows with the same `repetition` share them, so their differences pair, also across results
   * folders (one suite run with an override into another folder).
   */
  readonly repetition: string;
  /** Every degradation parameter, resolved (RunPoint.params). */
  readonly params: RunPoint['params'];
  /** The suite-grid values of the run, e.g. `{ "train.steps": 3000 }` (RunPoint.settings). */
  readonly settings: RunPoint['settings'];
  readonly mode: 'restoration' | 'generation';
  /** `degraded` is x_T itself (restoration baseline). */
  readonly sampler: string;
  /** Display position: `degraded` first, then the sampler registry's order (ReportCatalogue.samplers), unknown ones last. */
  readonly samplerRank: number;
  /** Generation start noise δ (0 = cold); null in restoration. */
  readonly delta: number | null;
  readonly metric: MetricName;
  /** The metric's label from the registry. */
  readonly label: string;
  /** Its label and direction (ReportCatalogue.metrics). */
  readonly descriptor: MetricDescriptor;
  /** NaN when the run stored none (JSON null). */
  readonly value: number;
  /** Spread the metric reports itself (KID over subsets), else null. */
  readonly std: number | null;
  /** Bootstrap replicates over the evaluation images (see MetricRow.boot), else null. */
  readonly boot: readonly number[] | null;
}

/** Residual Gaussianity of one completed run at one t. */
export interface GaussianityReportRow {
  readonly variant: string;
  readonly name: string;
  readonly degradation: string;
  readonly family: Family;
  readonly seed: number;
  readonly t: number;
  readonly skewness: number;
  readonly excessKurtosis: number;
  readonly andersonDarling: number;
  /** FID-like and L1 of the one-shot restoration from x_t (NaN where not measured). */
  readonly restorationFid: number;
  readonly restorationL1: number;
}

/**
 * What reports know of the plugins, passed in by the CLI (src/plugins.ts): the metrics' labels
 * and directions. Reports import no computation, so they cannot read the metric registry.
 */
export interface ReportCatalogue {
  readonly metrics: Readonly<Record<string, MetricDescriptor>>;
  /** Sampler names in the order reports show them (the sampler registry's). */
  readonly samplers: readonly string[];
}

/** The descriptor of metric `name`; one a saved result names but this coldbench does not know fails in one line. */
export function describeMetric(catalogue: ReportCatalogue, name: string): MetricDescriptor {
  if (!Object.hasOwn(catalogue.metrics, name))
    throw new UserError(`The results name a metric '${name}' this coldbench does not know; report them with the version that wrote them.`);
  return catalogue.metrics[name];
}

/** Where `sampler` is shown: `degraded` (x_T itself) first, then registry order, unknown ones after. */
function samplerRank(catalogue: ReportCatalogue, sampler: string): number {
  const at = catalogue.samplers.indexOf(sampler);
  return sampler === 'degraded' ? -1 : at >= 0 ? at : catalogue.samplers.length;
}

/** Everything the charts are built from. */
export interface ReportData {
  /** Labels and directions of the metrics. */
  readonly metrics: ReportCatalogue['metrics'];
  readonly rows: readonly ReportRow[];
  readonly gaussianity: readonly GaussianityReportRow[];
  /** Variant names whose restoration rows were left out: x_T keeps < 1% of x0 (generation, not restoration). */
  readonly notRestoration: readonly string[];
  /** The real-vs-real floor each completed run recorded (none in results from before it existed). */
  readonly floors: readonly Floor[];
  /** Variants whose generation start is a flat colour (StartPrior.flat): Q2's deterministic-prior case. */
  readonly flatStarts: readonly string[];
  /** The suite's pre-registered comparisons (the paper's defaults where it declares none). */
  readonly comparisons: Comparisons;
  /** Every completed run's training loss curve (window means). */
  readonly losses: readonly LossPoint[];
}

/** Below this share of x0 left in x_T, restoring from x_T is generation (Gaussian and animorph at T). */
export const MIN_RESTORATION_SHARE = 0.01;

/** Run counts by state; `unfinished` runs have a config but no result yet. */
export type StateCounts = Record<RunState | 'unfinished', number>;

/** Short names: the degradation alone, or with the parameters and settings that differ between its variants. */
function shortNames(points: readonly RunPoint[]): Map<string, string> {
  const fields = (p: RunPoint): Record<string, unknown> => ({ ...p.params, ...p.settings, dataset: p.dataset, size: p.size });
  const names = new Map<string, string>();
  for (const p of points) {
    const siblings = points.filter((q) => q.degradation === p.degradation && q.variant !== p.variant);
    const own = fields(p);
    const shown = Object.keys(own)
      .sort()
      .filter((k) => siblings.some((q) => fields(q)[k] !== own[k]));
    names.set(p.variant, shown.length ? `${p.degradation}[${shown.map((k) => `${k}=${String(own[k])}`).join(',')}]` : p.degradation);
  }
  return names;
}

/** Tidy rows of every completed run's metrics and Gaussianity, in run-key then file order. */
export function toReportData(
  suite: string,
  runs: readonly SavedRun[],
  catalogue: ReportCatalogue,
  comparisons: Comparisons = comparisonsOf({}),
  lossesOf: (run: SavedRun) => readonly number[] = () => [],
): ReportData {
  const names = shortNames([...new Map(runs.map((r) => [r.config.point.variant, r.config.point])).values()]);
  const rows: ReportRow[] = [];
  const gaussianity: GaussianityReportRow[] = [];
  const notRestoration = new Set<string>();
  const floors: Floor[] = [];
  const flatStarts = new Set<string>();
  const losses: LossPoint[] = [];
  for (const run of runs) {
    const result = run.result;
    if (result?.state !== 'completed') continue;
    const { key, id, degradation: deg } = run.config;
    const { variant, seed, params, settings } = run.config.point;
    const common = { variant, name: names.get(variant) ?? variant, degradation: deg.name, family: deg.family, seed };
    const { spec } = run.config;
    const repetition = `${spec.dataset}/${spec.size}|${spec.sampling.count}|${spec.evaluationSeed}`;
    const share = result.evaluation?.x0ShareAtT;
    const generationOnly = share !== undefined && share !== null && share < MIN_RESTORATION_SHARE;
    if (generationOnly) notRestoration.add(common.name);
    if (result.evaluation?.floor) floors.push(result.evaluation.floor);
    if (result.evaluation?.prior?.flat) flatStarts.add(variant);
    for (const p of lossWindows(lossesOf(run))) losses.push({ variant, name: common.name, seed, ...p });
    for (const m of result.metrics) {
      if (generationOnly && m.mode === 'restoration') continue;
      const descriptor = describeMetric(catalogue, m.metric);
      rows.push({
        suite,
        key,
        id,
        dataset: run.config.point.dataset,
        stochastic: deg.stochastic,
        repetition,
        params,
        settings,
        ...common,
        mode: m.mode,
        sampler: m.sampler,
        samplerRank: samplerRank(catalogue, m.sampler),
        delta: m.delta,
        metric: m.metric as MetricName,
        label: descriptor.label,
        descriptor,
        value: m.value ?? NaN,
        std: m.std ?? null,
        boot: m.boot ?? null,
      });
    }
    for (const g of result.gaussianity) {
      gaussianity.push({
        ...common,
        t: g.t,
        skewness: g.skewness ?? NaN,
        excessKurtosis: g.excessKurtosis ?? NaN,
        andersonDarling: g.andersonDarling ?? NaN,
        restorationFid: g.restoration?.fid ?? NaN,
        restorationL1: g.restoration?.l1 ?? NaN,
      });
    }
  }
  return {
    metrics: catalogue.metrics,
    rows,
    gaussianity,
    notRestoration: [...notRestoration].sort(),
    floors,
    flatStarts: [...flatStarts].sort(),
    comparisons,
    losses,
  };
}

/** How many runs are in each state. */
export function countStates(runs: readonly SavedRun[]): StateCounts {
  const counts: StateCounts = { completed: 0, diverged: 0, errored: 0, skipped: 0, unfinished: 0 };
  for (const run of runs) counts[run.result?.state ?? 'unfinished']++;
  return counts;
}
