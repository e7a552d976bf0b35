import type { Family } from '../degradations/types.js';
import type { MetricName } from '../metrics/index.js';
import type { ReportRow } from './rows.js';
import { best, mean, sampleStd } from './stats.js';

/** The family whose degradation is Gaussian noise: the "hot" baseline every cold one is compared with. */
export const HOT_FAMILY: Family = 'noise';

/** Display order of samplers; unknown ones follow, alphabetically. */
const SAMPLER_ORDER = ['degraded', 'direct', 'alg1', 'alg2', 'ddim', 'ddpm'];

/** The sampler the paper generates with (Algorithm 2, TACoS), preferred wherever one sampler is shown. */
const PREFERRED_SAMPLER = 'alg2';

/** One variant × mode × sampler × δ × metric, averaged over seeds. */
export interface Cell {
  readonly variant: string;
  readonly name: string;
  readonly degradation: string;
  readonly family: Family;
  readonly dataset: string;
  readonly mode: ReportRow['mode'];
  readonly sampler: string;
  readonly delta: number | null;
  readonly metric: MetricName;
  /** Mean over seeds. */
  readonly mean: number;
  /** Sample std over seeds; null with one seed. */
  readonly std: number | null;
  readonly min: number;
  readonly max: number;
  /** Seeds averaged. */
  readonly n: number;
  /** Error bar: mean ∓ std over seeds; null with one seed. */
  readonly lo: number | null;
  readonly hi: number | null;
}

/** Sorts samplers into display order. */
export function samplerOrder(samplers: Iterable<string>): string[] {
  const rank = (s: string) => (SAMPLER_ORDER.includes(s) ? SAMPLER_ORDER.indexOf(s) : SAMPLER_ORDER.length);
  return [...new Set(samplers)].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
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
    const [m, s] = [mean(values), sampleStd(values)];
    const spread = Number.isFinite(s) ? s : null;
    const { variant, name, degradation, family, dataset, mode, sampler, delta, metric } = g[0];
    return {
      variant, name, degradation, family, dataset, mode, sampler, delta, metric, mean: m, std: spread,
      min: Math.min(...values), max: Math.max(...values), n: values.length,
      lo: spread === null ? null : m - spread, hi: spread === null ? null : m + spread,
    };
  });
  const order = samplerOrder(cells.map((c) => c.sampler));
  return cells.sort((a, b) =>
    Number(b.family === HOT_FAMILY) - Number(a.family === HOT_FAMILY) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    || order.indexOf(a.sampler) - order.indexOf(b.sampler) || (a.delta ?? -1) - (b.delta ?? -1) || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
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

/** Algorithm 2 where the mode has it, else the last sampler in display order (never `degraded` unless alone). */
export function preferredSampler(cells: readonly Cell[], mode: Cell['mode']): string | undefined {
  const samplers = samplerOrder(pick(cells, { mode }).map((c) => c.sampler));
  return samplers.includes(PREFERRED_SAMPLER) ? PREFERRED_SAMPLER : samplers.at(-1);
}

/** Per variant, the generation cell of `metric` with the best mean over samplers and δ (direction from the registry). */
export function bestGeneration(cells: readonly Cell[], metric: MetricName = 'fid'): Cell[] {
  const all = pick(cells, { mode: 'generation', metric });
  return variants(all).flatMap((v) => best(metric, pick(all, { variant: v.variant }), (c) => c.mean) ?? []);
}

/** Per variant, the δ at which the preferred sampler's generation FID-like is best: where samplers are compared. */
export function operatingDeltas(cells: readonly Cell[]): Map<string, number> {
  const sampler = preferredSampler(cells, 'generation');
  const picked = bestGeneration(pick(cells, { sampler }), 'fid');
  return new Map(picked.map((c) => [c.variant, c.delta ?? 0]));
}

/** Generation cells at each variant's operating δ, plus all restoration cells. */
export function atOperatingDelta(cells: readonly Cell[]): Cell[] {
  const deltas = operatingDeltas(cells);
  return cells.filter((c) => c.mode === 'restoration' || (deltas.has(c.variant) && c.delta === deltas.get(c.variant)));
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
