import { stringify } from 'csv-stringify/sync';
import type { MetricDescriptor } from '../metrics/define.js';
import type { SavedRun } from '../results/read.js';
import type { ReportRow } from './rows.js';

/**
 * Columns of `results.csv`, in order, with what each holds. One row per completed run × mode ×
 * sampler × δ × metric. Plain header, no index column, comma-separated, `\n` line ends, UTF-8;
 * fields with commas (keys) are double-quoted. An empty cell means "does not apply" (δ in
 * restoration, std where the metric has none) and reads as NaN in pandas; a value that was not a
 * finite number is written `NaN`. Booleans are `true`/`false`.
 */
export const CSV_COLUMNS = {
  suite: 'suite name',
  key: 'canonical run key, e.g. blur[seed=0,sigma=7,steps=20]',
  variant: 'the key without its seed: rows differing only by seed share it',
  name: 'short label of the variant on the charts',
  id: 'run folder name under results/<suite>/',
  dataset: 'dataset the run trained and was measured on',
  degradation: 'degradation name',
  family: 'degradation family (noise is the hot baseline)',
  stochastic: 'whether the degradation draws random noise ε (true/false)',
  seed: "the suite's repetition seed (the key's seed=)",
  repetition:
    'the evaluation images and bootstrap resamples the value was measured on, as dataset/size|sample count|evaluation seed: rows sharing it pair, also across results folders',
  'param.<name>': 'one column per degradation parameter, resolved with its default (empty where the degradation has no such parameter)',
  '<section>.<field>': 'one column per suite-grid setting, e.g. train.steps (empty where the run has none)',
  mode: 'restoration or generation',
  sampler:
    "degraded (x_T itself, restoration only) or a sampler's registry name: direct, alg1, alg2, ddim, ddpm or one added since (ddim and ddpm run on mix degradations only)",
  delta: 'generation start noise δ (0 = cold); empty in restoration',
  metric: "the metric's registry name (its label and direction are the label and direction columns)",
  label: 'metric label',
  direction: 'which way is better, from the metric registry: higher, lower, or target=<v>',
  value: 'the measured value',
  std: "the metric's own spread (KID over subsets); empty otherwise",
} as const;

/** Columns of `runs.csv`: one row per run folder, whatever its state. */
export const RUNS_COLUMNS = {
  key: 'canonical run key',
  variant: 'the key without its seed',
  id: 'run folder name',
  degradation: 'degradation name',
  dataset: 'dataset and image size, e.g. digits/32',
  seed: "the suite's repetition seed",
  'param.<name>': 'one column per degradation parameter, resolved (as in results.csv)',
  '<section>.<field>': 'one column per suite-grid setting (as in results.csv)',
  preset: 'U-Net preset',
  steps: 'training steps',
  final_loss: 'training loss at the last step; empty unless completed',
  backend: 'TF.js engine the run trained on (native, wasm, cpu)',
  commit: 'git commit of the coldbench checkout that ran it; empty outside git',
  state: 'completed, diverged, errored, skipped, or unfinished (no result.json yet)',
  detail: 'the error (errored), the step and loss (diverged) or the reason (skipped); empty otherwise',
  seconds: 'wall time of the attempt that wrote the result, s',
  train_s: 'of which training (this attempt), s; empty without timings',
  sample_s: 'of which sampling, every sampler, mode and δ, s',
  metrics_s: 'of which metrics of the sample sets (with their bootstrap replicates), s',
  other_s: 'the rest: feature net, reference, floor, prior, raw-weights restoration, Gaussianity, s',
} as const;

/** Seconds of the phases whose name starts with `prefix`. */
function phaseSeconds(run: SavedRun, prefix: string): number | '' {
  const result = run.result;
  if (result?.state !== 'completed' || !result.timings) return '';
  return result.timings.filter((t) => t.phase.startsWith(prefix)).reduce((s, t) => s + t.ms, 0) / 1000;
}

const cast = { boolean: (v: boolean) => String(v), number: (v: number) => String(v) };

/** `higher`, `lower` or `target=1`. */
function direction(m: MetricDescriptor): string {
  return m.higherIsBetter === null ? `target=${m.target}` : m.higherIsBetter ? 'higher' : 'lower';
}

/**
 * The columns with the placeholders `param.<name>` and `<section>.<field>` expanded to the
 * parameters and grid settings the runs have (sorted), and a record's values for them.
 */
function tidy(
  columns: readonly string[],
  points: readonly { params: Readonly<Record<string, unknown>>; settings: Readonly<Record<string, unknown>> }[],
) {
  const params = [...new Set(points.flatMap((p) => Object.keys(p.params)))].sort().map((k) => `param.${k}`);
  const settings = [...new Set(points.flatMap((p) => Object.keys(p.settings)))].sort();
  const expanded = columns.flatMap((c) => (c === 'param.<name>' ? params : c === '<section>.<field>' ? settings : [c]));
  const values = (p: (typeof points)[number]) => ({
    ...Object.fromEntries(Object.entries(p.params).map(([k, v]) => [`param.${k}`, v])),
    ...p.settings,
  });
  return { columns: expanded, values };
}

/** `results.csv` text for the rows (columns: CSV_COLUMNS, placeholders expanded). */
export function resultsCsv(rows: readonly ReportRow[]): string {
  const { columns, values } = tidy(Object.keys(CSV_COLUMNS), rows);
  const records = rows.map((r) => ({ ...r, ...values(r), direction: direction(r.descriptor) }));
  return stringify(records, { header: true, columns, cast });
}

/** What a run's result says beyond its state. */
export function runDetail(run: SavedRun): string {
  const r = run.result;
  if (!r) return '';
  if (r.state === 'errored') return r.error;
  if (r.state === 'diverged') return `diverged at step ${r.step} (loss ${r.loss})`;
  if (r.state === 'skipped') return r.reason;
  return '';
}

/** A completed run's time in training, sampling, metrics and the rest. */
function split(run: SavedRun): Record<'train_s' | 'sample_s' | 'metrics_s' | 'other_s', number | ''> {
  const [train, sample, metrics] = [phaseSeconds(run, 'train'), phaseSeconds(run, 'sample '), phaseSeconds(run, 'metrics ')];
  const all = phaseSeconds(run, '');
  const other = all === '' ? '' : Number((all - Number(train) - Number(sample) - Number(metrics)).toFixed(3));
  return { train_s: train, sample_s: sample, metrics_s: metrics, other_s: other };
}

/** `runs.csv` text (columns: RUNS_COLUMNS). */
export function runsCsv(runs: readonly SavedRun[]): string {
  const { columns, values } = tidy(
    Object.keys(RUNS_COLUMNS),
    runs.map((r) => r.config.point),
  );
  const records = runs.map(({ config, result, ...run }) => ({
    key: config.key,
    variant: config.point.variant,
    id: config.id,
    degradation: config.degradation.name,
    dataset: `${config.point.dataset}/${config.point.size}`,
    seed: config.point.seed,
    ...values(config.point),
    preset: config.point.preset,
    steps: config.spec.train.steps,
    final_loss: result?.state === 'completed' ? result.finalLoss : '',
    backend: config.backend,
    commit: config.gitCommit ?? '',
    state: result?.state ?? 'unfinished',
    detail: runDetail({ config, result, ...run }),
    seconds: result ? result.durationMs / 1000 : '',
    ...split({ config, result, ...run }),
  }));
  return stringify(records, { header: true, columns, cast });
}
