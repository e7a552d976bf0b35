import type { Family } from '../degradations/types.js';
import type { MetricName } from '../metrics/registry.js';
import type { Comparisons } from '../results/comparisons.js';
import type { ReportRow } from './rows.js';
import { estimate, seedValues, type IntervalMethod } from './intervals.js';
import { sampleStd } from './stats.js';

/** The family whose degradation is Gaussian noise: the "hot" baseline every cold one is compared with. */
export const HOT_FAMILY: Family = 'noise';

/** One variant × mode × sampler × δ × metric, averaged over seeds. */
export interface Cell {
  readonly variant: string;
  readonly name: string;
  readonly degradation: string;
  readonly family: Family;
  readonly dataset: string;
  readonly params: ReportRow['params'];
  readonly settings: ReportRow['settings'];
  readonly mode: ReportRow['mode'];
  readonly sampler: string;
  readonly samplerRank: number;
  readonly delta: number | null;
  readonly metric: MetricName;
  readonly descriptor: ReportRow['descriptor'];
  /** Mean over seeds. */
  readonly mean: number;
  /** Sample std over seeds; null with one seed. */
  readonly std: number | null;
  readonly min: number;
  readonly max: number;
  /** Seeds averaged. */
  readonly n: number;
  /** The 95% interval of the mean (see intervals.ts); null where none can be made. */
  readonly lo: number | null;
  readonly hi: number | null;
  readonly method: IntervalMethod | null;
}

/** The samplers of `cells` in display order (ReportRow.samplerRank), ties alphabetically. */
export function samplerOrder(cells: Iterable<Pick<Cell, 'sampler' | 'samplerRank'>>): string[] {
  const rank = new Map<string, number>();
  for (const c of cells) rank.set(c.sampler, c.samplerRank);
  return [...rank.keys()].sort((a, b) => rank.get(a)! - rank.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

/** Averages rows over seeds (finite values only), sorted hot first, then by name, sampler, δ. */
export function toCells(rows: readonly ReportRow[]): Cell[] {
  const groups = new Map<string, ReportRow[]>();
  for (const r of rows) {
    if (!Number.isFinite(r.value)) continue;
    const id = JSON.stringify([r.variant, r.mode, r.sampler, r.delta, r.metric]);
    groups.set(id, [...(groups.get(id) ?? []), r]);
  }
  const cells = [...groups.values()].map((g): Cell => {
    const values = g.map((r) => r.value);
    const s = sampleStd(values);
    const { mean, lo, hi, method } = estimate(seedValues(g), g[0].descriptor.range);
    const { variant, name, degradation, family, dataset, params, settings, mode, sampler, samplerRank, delta, metric, descriptor } = g[0];
    return {
      variant,
      name,
      degradation,
      family,
      dataset,
      params,
      settings,
      mode,
      sampler,
      samplerRank,
      delta,
      metric,
      descriptor,
      mean,
      std: Number.isFinite(s) ? s : null,
      min: Math.min(...values),
      max: Math.max(...values),
      n: values.length,
      lo,
      hi,
      method,
    };
  });
  const order = samplerOrder(cells);
  return cells.sort(
    (a, b) =>
      Number(b.family === HOT_FAMILY) - Number(a.family === HOT_FAMILY) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      order.indexOf(a.sampler) - order.indexOf(b.sampler) ||
      (a.delta ?? -1) - (b.delta ?? -1) ||
      (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0),
  );
}

/** Cells matching every given field. */
export function pick(cells: readonly Cell[], where: Partial<Pick<Cell, 'mode' | 'sampler' | 'metric' | 'variant' | 'delta'>>): Cell[] {
  return cells.filter((c) => Object.entries(where).every(([k, v]) => c[k as keyof Cell] === v));
}

/** Variants in cell order (hot first, then by name), each once. */
export function variants(cells: readonly Cell[]): Cell[] {
  const seen = new Map<string, Cell>();
  for (const c of cells) if (!seen.has(c.variant)) seen.set(c.variant, c);
  return [...seen.values()];
}

/** Generation cells at their family's pre-registered Q1 arm: the hot arm for the noise family, the cold arm for the rest. */
export function atDeclaredArms<C extends Pick<Cell, 'family' | 'sampler' | 'delta'>>(cells: readonly C[], q1: Comparisons['q1']): C[] {
  return cells.filter((c) => {
    const arm = c.family === HOT_FAMILY ? q1.hot : q1.cold;
    return c.sampler === arm.sampler && c.delta === arm.delta;
  });
}

/** The rows (one per seed) of one variant × mode × sampler × δ × metric: an arm of a comparison. */
export function armRows(
  rows: readonly ReportRow[],
  where: Pick<ReportRow, 'variant' | 'mode' | 'sampler' | 'delta' | 'metric'>,
): ReportRow[] {
  return rows.filter(
    (r) =>
      r.variant === where.variant &&
      r.mode === where.mode &&
      r.sampler === where.sampler &&
      r.delta === where.delta &&
      r.metric === where.metric &&
      Number.isFinite(r.value),
  );
}

/** "a, b and c" (at most `max` items, then "and k more"). */
export function list(items: readonly string[], max = 6): string {
  const shown = items.length > max ? [...items.slice(0, max), `${items.length - max} more`] : [...items];
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/** The text with its first letter upper-cased, to start a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `alg2, δ=0.05` for a generation cell, `alg2` for a restoration one. */
export function where(c: Pick<Cell, 'sampler' | 'delta'>): string {
  return c.delta === null ? c.sampler : `${c.sampler}, δ=${c.delta}`;
}
