import jstat from 'jstat';
import { isBetter, type MetricDescriptor } from '../metrics/define.js';
import type { ReportRow } from './rows.js';
import { fmt, mean, sampleStd } from './stats.js';

/** Seeds from which an interval comes from the seeds themselves (t, df = seeds − 1) instead of the images. */
export const MIN_SEEDS_FOR_T = 3;

/** z for a two-sided 95% normal interval. */
const Z95 = 1.959963984540054;

/**
 * How an interval was made. `seeds`: a t-interval over the per-seed values (each of them a whole
 * repetition: training seed and evaluation images), df = seeds − 1. `bootstrap`: mean ± 1.96 ×
 * the standard error of the seed mean over the bootstrap replicates of the evaluation images; it
 * leaves out how much a different training seed would move the number.
 */
export type IntervalMethod =
  { readonly kind: 'seeds'; readonly df: number } | { readonly kind: 'bootstrap'; readonly seeds: number; readonly draws: number };

/** A mean over seeds with its 95% interval (null bounds where none can be made). */
export interface Estimate {
  readonly mean: number;
  readonly lo: number | null;
  readonly hi: number | null;
  readonly seeds: number;
  readonly method: IntervalMethod | null;
}

/** One seed's number and its bootstrap replicates (absent in results from before they were recorded). */
interface SeedValue {
  readonly seed: number;
  readonly value: number;
  readonly boot: readonly number[] | null;
}

/**
 * The 95% interval of the mean of per-seed values: t over seeds from MIN_SEEDS_FOR_T seeds on,
 * else the normal bootstrap interval from the replicates (replicate b of the mean is the mean of
 * the seeds' replicate b), else none; cut to `range` (the values the quantity can take, e.g. a
 * share's [0, 1]) where given.
 */
export function estimate(values: readonly SeedValue[], range?: MetricDescriptor['range']): Estimate {
  const e = unbounded(values);
  if (!range || e.lo === null || e.hi === null) return e;
  return { ...e, lo: Math.max(e.lo, range[0]), hi: Math.min(e.hi, range[1]) };
}

function unbounded(values: readonly SeedValue[]): Estimate {
  const xs = values.map((v) => v.value).filter(Number.isFinite);
  const m = mean(xs);
  const none: Estimate = { mean: m, lo: null, hi: null, seeds: xs.length, method: null };
  if (xs.length !== values.length || xs.length === 0) return none;
  if (xs.length >= MIN_SEEDS_FOR_T) {
    const df = xs.length - 1;
    const half = jstat.jStat.studentt.inv(0.975, df) * (sampleStd(xs) / Math.sqrt(xs.length));
    return { ...none, lo: m - half, hi: m + half, method: { kind: 'seeds', df } };
  }
  const draws = Math.min(...values.map((v) => v.boot?.length ?? 0));
  if (draws < 2) return none;
  const replicates = Array.from({ length: draws }, (_, b) => mean(values.map((v) => v.boot![b])));
  const half = Z95 * sampleStd(replicates);
  return { ...none, lo: m - half, hi: m + half, method: { kind: 'bootstrap', seeds: xs.length, draws } };
}

/** Rows of one arm (one variant × mode × sampler × δ × metric) as per-seed values. */
export function seedValues(rows: readonly ReportRow[]): SeedValue[] {
  return [...rows].sort((a, b) => a.seed - b.seed).map((r) => ({ seed: r.seed, value: r.value, boot: r.boot }));
}

/** A metric with a target (sharpness: 1) is judged by the distance from it: |x − target|, lower is better. */
function judged(rows: readonly ReportRow[]): SeedValue[] {
  const target: number | undefined = rows.length ? rows[0].descriptor.target : undefined;
  const off = (x: number) => (target === undefined ? x : Math.abs(x - target));
  return seedValues(rows).map((v) => ({ ...v, value: off(v.value), boot: v.boot?.map(off) ?? null }));
}

/**
 * A − B, paired by seed: both arms of a seed share its evaluation images and bootstrap resamples
 * (the same repetition), so d_s = A_s − B_s and replicate b of d_s is A_s,b − B_s,b. Seeds only
 * one arm has are left out. For a metric with a target, A and B are distances from it.
 */
export function difference(a: readonly ReportRow[], b: readonly ReportRow[]): Estimate {
  const bySeed = new Map(judged(b).map((v) => [v.seed, v]));
  const paired = judged(a).flatMap((x) => {
    const y = bySeed.get(x.seed);
    if (!y) return [];
    const boot = x.boot && y.boot && x.boot.length === y.boot.length ? x.boot.map((v, i) => v - y.boot![i]) : null;
    return [{ seed: x.seed, value: x.value - y.value, boot }];
  });
  return estimate(paired);
}

/**
 * A − B for arms that share nothing (two suites: other evaluation images, other training seeds),
 * so nothing is paired: Welch's t-interval (Welch–Satterthwaite df, rounded down) where both arms
 * have MIN_SEEDS_FOR_T seeds or more, else the normal interval with the two arms' bootstrap
 * variances added. For a metric with a target, A and B are distances from it.
 */
export function independentDifference(a: readonly ReportRow[], b: readonly ReportRow[]): Estimate {
  const [va, vb] = [judged(a), judged(b)];
  const [ea, eb] = [estimate(va), estimate(vb)];
  const none: Estimate = { mean: ea.mean - eb.mean, lo: null, hi: null, seeds: Math.min(ea.seeds, eb.seeds), method: null };
  if (!ea.method || !eb.method) return none;
  if (ea.method.kind === 'seeds' && eb.method.kind === 'seeds') {
    const [xa, xb] = [va.map((v) => v.value), vb.map((v) => v.value)];
    const [qa, qb] = [sampleStd(xa) ** 2 / xa.length, sampleStd(xb) ** 2 / xb.length];
    const df = Math.max(1, Math.floor((qa + qb) ** 2 / (qa ** 2 / (xa.length - 1) + qb ** 2 / (xb.length - 1)) || 1));
    const half = jstat.jStat.studentt.inv(0.975, df) * Math.sqrt(qa + qb);
    return { ...none, lo: none.mean - half, hi: none.mean + half, method: { kind: 'seeds', df } };
  }
  const se = (e: Estimate) => (e.hi! - e.lo!) / 2 / (e.method!.kind === 'seeds' ? jstat.jStat.studentt.inv(0.975, e.method!.df) : Z95);
  const half = Z95 * Math.hypot(se(ea), se(eb));
  const draws = Math.min(
    ea.method.kind === 'bootstrap' ? ea.method.draws : Infinity,
    eb.method.kind === 'bootstrap' ? eb.method.draws : Infinity,
  );
  return { ...none, lo: none.mean - half, hi: none.mean + half, method: { kind: 'bootstrap', seeds: none.seeds, draws } };
}

/**
 * Which arm a difference A − B favours under the metric's direction (distance from a target:
 * lower), or 'neither' when its interval holds 0 (or there is none).
 */
export function verdict(metric: MetricDescriptor, d: Estimate): 'a' | 'b' | 'neither' {
  if (d.lo === null || d.hi === null || (d.lo <= 0 && d.hi >= 0)) return 'neither';
  const aBetter = metric.higherIsBetter === null ? d.mean < 0 : isBetter(metric, d.mean, 0);
  return aBetter ? 'a' : 'b';
}

/** "t over 3 seeds, df 2" / "bootstrap over evaluation images, 1 seed (training-seed spread not included)" / "no interval: …". */
export function methodText(e: Pick<Estimate, 'method' | 'seeds'>): string {
  const m = e.method;
  if (!m) return `no interval (${e.seeds} seed${e.seeds === 1 ? '' : 's'} and no bootstrap replicates)`;
  if (m.kind === 'seeds') return `t over ${m.df + 1} seeds, df ${m.df}`;
  return `bootstrap over evaluation images, ${m.seeds} seed${m.seeds === 1 ? '' : 's'} (training-seed spread not included)`;
}

/** "[1.2, 3.4]" or "no interval". */
export function intervalText(e: Pick<Estimate, 'lo' | 'hi'>): string {
  return e.lo === null || e.hi === null ? 'no interval' : `[${fmt(e.lo)}, ${fmt(e.hi)}]`;
}

/**
 * The sentence of one pre-registered comparison: "blur beats gaussian on FID-like (Δ = −3.1,
 * 95% CI [−5.0, −1.2]; t over 3 seeds, df 2)" or "… not distinguishable at this budget (Δ = …)",
 * or, with a reason `unjudged` (floor.ts), the numbers without a verdict.
 */
export function comparisonText(metric: MetricDescriptor, a: string, b: string, d: Estimate, unjudged?: string): string {
  const { label, target } = metric;
  const what = target === undefined ? label : `${label} (distance from ${target})`;
  const numbers = `Δ = ${fmt(d.mean)}, 95% CI ${intervalText(d)}; ${methodText(d)}`;
  if (unjudged) return `${a} vs ${b} on ${what}: not judged at ${unjudged} (${numbers})`;
  const side = verdict(metric, d);
  if (side === 'neither') return `${a} vs ${b} on ${what}: not distinguishable at this budget (${numbers})`;
  return `${side === 'a' ? a : b} beats ${side === 'a' ? b : a} on ${what} (${a} − ${b}: ${numbers})`;
}
