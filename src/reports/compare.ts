import type { MetricDescriptor } from '../metrics/define.js';
import { armRows, toCells } from './cells.js';
import { difference, estimate, independentDifference, seedValues, verdict, type Estimate } from './intervals.js';
import { tooFewSamples } from './gate.js';
import type { ReportData, ReportRow } from './rows.js';

/** One arm (variant × mode × sampler × δ × metric) both results folders measured. */
export interface ComparedArm {
  readonly variant: string;
  readonly name: string;
  readonly mode: string;
  readonly sampler: string;
  readonly delta: number | null;
  readonly metric: string;
  readonly a: Estimate;
  readonly b: Estimate;
  /** A − B (for a metric with a target, of the distances from it). */
  readonly difference: Estimate;
  /** Whether A − B is paired: both folders measured every seed on the same evaluation images and resamples (ReportRow.repetition). */
  readonly paired: boolean;
  /** Which folder the interval favours, `neither` where it holds 0, or why it is not judged (FID-like, KID below N = 512). */
  readonly better: string;
}

export interface CompareFilter {
  readonly metrics?: readonly string[];
  readonly mode?: string;
}

/**
 * Whether two arms were measured on the same seeds with the same evaluation images and bootstrap
 * resamples each: then A − B pairs seed by seed and replicate by replicate (intervals.ts
 * difference). Two suites of different names draw other images (the evaluation seed comes from
 * the suite name); the same suite run with an override into another folder draws the same ones.
 */
export function samePairing(a: readonly ReportRow[], b: readonly ReportRow[]): boolean {
  const of = (rows: readonly ReportRow[]) => new Map(rows.map((r) => [r.seed, r.repetition]));
  const [ra, rb] = [of(a), of(b)];
  return ra.size > 0 && ra.size === rb.size && [...ra].every(([seed, repetition]) => rb.get(seed) === repetition);
}

/**
 * Every arm both folders measured, matched by variant (run key without its seed), mode, sampler,
 * δ and metric, with each side's mean and 95% interval and the interval of A − B: paired where
 * both measured on the same evaluation images (samePairing), else unpaired (intervals.ts
 * independentDifference).
 */
export function compareResults(a: ReportData, b: ReportData, filter: CompareFilter = {}): ComparedArm[] {
  const keep = (metric: string, mode: string) =>
    (!filter.metrics || filter.metrics.includes(metric)) && (!filter.mode || filter.mode === mode);
  const cells = toCells(a.rows).filter((c) => keep(c.metric, c.mode));
  const other = new Set(toCells(b.rows).map((c) => JSON.stringify([c.variant, c.mode, c.sampler, c.delta, c.metric])));
  return cells
    .filter((c) => other.has(JSON.stringify([c.variant, c.mode, c.sampler, c.delta, c.metric])))
    .map((c) => {
      const where = { variant: c.variant, mode: c.mode, sampler: c.sampler, delta: c.delta, metric: c.metric };
      const [ra, rb] = [armRows(a.rows, where), armRows(b.rows, where)];
      const paired = samePairing(ra, rb);
      const diff = paired ? difference(ra, rb) : independentDifference(ra, rb);
      const side = verdict(c.descriptor, diff);
      const small = tooFewSamples(a, c.metric) ?? tooFewSamples(b, c.metric);
      return {
        variant: c.variant,
        name: c.name,
        mode: c.mode,
        sampler: c.sampler,
        delta: c.delta,
        metric: c.metric,
        a: estimate(seedValues(ra), c.descriptor.range),
        b: estimate(seedValues(rb), c.descriptor.range),
        difference: diff,
        paired,
        better: small ? `not judged: ${small}` : side === 'a' ? 'A' : side === 'b' ? 'B' : 'neither',
      };
    });
}

/** The label of a compared metric, with its direction. */
export function comparedLabel(m: MetricDescriptor): string {
  return m.higherIsBetter === null ? `${m.label} (|x − ${m.target}|)` : m.label;
}
