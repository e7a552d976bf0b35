import { HOT_FAMILY, pick, toCells, type Cell } from './cells.js';
import { canonicalJson } from '../util/canonical.js';
import { fidFloor, MIN_COMPARABLE_N } from './floor.js';
import type { ReportData } from './rows.js';
import { fmt, mean } from './stats.js';

/** A suite-grid point (Cell.settings, e.g. `{ "train.steps": 3000 }`) as a key. */
export const gridPoint = (settings: Cell['settings']): string => canonicalJson(settings);

/** `train.steps=3000` for a grid point; '' for a suite without a grid. */
function pointLabel(settings: Cell['settings']): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
}

/**
 * The convergence gate: the hot baseline's samples at its declared arm must be recognisable digits
 * at a share of at least `comparisons.gate.recognisable` × what real images reach (the floor's
 * `recognisable`). Below it the models are too weak for any ordering to mean something about
 * diffusion, and the report states none. A suite that grids its settings (a budget, a learning
 * rate) has a gate per grid point: `settings` picks one; without it the whole report passes only if
 * every point does, and the text names each point's share. Undefined when it cannot be measured
 * (no hot baseline, or a feature net without labels).
 */
export function gate(data: ReportData, settings?: Cell['settings']): { passed: boolean; text: string } | undefined {
  const real = data.floors.flatMap((f) => (f.recognisable ? [f.recognisable.mean] : []));
  const { hot } = data.comparisons.q1;
  const cells = pick(toCells(data.rows), { mode: 'generation', metric: 'recognisable', sampler: hot.sampler, delta: hot.delta }).filter(
    (c) => c.family === HOT_FAMILY && (settings === undefined || gridPoint(c.settings) === gridPoint(settings)),
  );
  if (!real.length || !cells.length) return undefined;
  const needed = data.comparisons.gate.recognisable * mean(real);
  const byPoint = new Map<string, Cell[]>();
  for (const c of cells) byPoint.set(gridPoint(c.settings), [...(byPoint.get(gridPoint(c.settings)) ?? []), c]);
  const points = [...byPoint.values()].map((at) => ({ label: pointLabel(at[0].settings), share: Math.min(...at.map((c) => c.mean)) }));
  const shares =
    points.length === 1
      ? fmt(points[0].share)
      : points.map((p) => `${fmt(p.share)} (${p.label}${p.share >= needed ? ', passes' : ''})`).join(', ');
  const text = `the hot baseline's samples (${hot.sampler}, δ = ${hot.delta}) are recognisable digits at a share of ${shares} against ${fmt(mean(real))} for real digits (gate: ${data.comparisons.gate.recognisable} × that = ${fmt(needed)})`;
  return { passed: points.every((p) => p.share >= needed), text };
}

/**
 * Why a comparison on `metric` is not judged here, or undefined when it is: any metric when the
 * hot baseline fails the convergence gate (at the grid point `settings`, else at any point); FID-like and KID at a sample size below
 * MIN_COMPARABLE_N, where their bias and spread swamp differences between configurations.
 */
export function unjudged(data: ReportData, metric: string, settings?: Cell['settings']): string | undefined {
  const g = gate(data, settings);
  if (g && !g.passed) return 'this budget: the hot baseline fails the convergence gate';
  return tooFewSamples(data, metric);
}

/** `N = 96 < 512` where `metric` is FID-like or KID and the sample sets are below MIN_COMPARABLE_N, else undefined. */
export function tooFewSamples(data: ReportData, metric: string): string | undefined {
  const floor = fidFloor(data);
  return (metric === 'fid' || metric === 'kid') && floor && floor.n < MIN_COMPARABLE_N ? `N = ${floor.n} < ${MIN_COMPARABLE_N}` : undefined;
}

/** The sentence every question's caption carries about the gate ('' when it cannot be measured). */
export function gateNote(data: ReportData): string {
  const g = gate(data);
  if (!g) return '';
  return g.passed
    ? ` Convergence gate passed: ${g.text}.`
    : ` No ordering is stated: ${g.text}, below the gate, so these models are too weak to compare.`;
}
