import { getMetric, isBetter, type MetricName } from '../metrics/index.js';
import { HOT_FAMILY, list, pick, preferredSampler, toCells, variants, type Cell } from './cells.js';
import type { ReportData } from './rows.js';
import { colour, errorBar, makeChart, MEAN, metricTitle, SPREAD, TOOLTIP, type Chart } from './spec.js';
import { fmt } from './stats.js';

const QUESTION = 'Q2. Does generation need randomness (cold δ = 0 vs hot δ > 0)?';
const METRICS: readonly MetricName[] = ['fid', 'diversity'];

/** "improves FID-like for 2 of 3 cold degradations (blur 120 → 98.1, …)" between δ = 0 and δ = `hot`. */
function change(cells: readonly Cell[], metric: MetricName, hot: number): string {
  const pairs = variants(cells.filter((c) => c.family !== HOT_FAMILY)).flatMap((v) => {
    const [a] = pick(cells, { variant: v.variant, metric, delta: 0 });
    const [b] = pick(cells, { variant: v.variant, metric, delta: hot });
    return a && b ? [{ name: v.name, a: a.mean, b: b.mean }] : [];
  });
  const better = pairs.filter((p) => isBetter(getMetric(metric), p.b, p.a));
  return `${getMetric(metric).label} for ${better.length} of ${pairs.length} cold degradations (${list(pairs.map((p) => `${p.name} ${fmt(p.a)} → ${fmt(p.b)}`))})`;
}

function caption(cells: readonly Cell[], sampler: string | undefined): string {
  const deltas = [...new Set(cells.map((c) => c.delta ?? 0))].sort((a, b) => a - b);
  if (!sampler || !cells.length) return 'No generation results, so cold and hot starts cannot be compared.';
  if (!deltas.includes(0) || deltas.length < 2) {
    return `Generation ran only at δ = ${deltas.join(', ')}; add both 0 (cold, perfect symmetry) and a δ > 0 to sampling.deltas to answer this.`;
  }
  const hot = deltas.at(-1)!;
  const hotBase = variants(cells.filter((c) => c.family === HOT_FAMILY)).map((v) => {
    const [a] = pick(cells, { variant: v.variant, metric: 'fid', delta: 0 });
    const [b] = pick(cells, { variant: v.variant, metric: 'fid', delta: hot });
    return a && b ? ` Hot ${v.name}: FID-like ${fmt(a.mean)} → ${fmt(b.mean)}.` : '';
  }).join('');
  const seeds = cells.some((c) => c.n > 1) ? ` Error bars: ${SPREAD}.` : '';
  return `With ${sampler}, raising the start noise from δ = 0 (cold, perfect symmetry) to δ = ${hot} improves ${change(cells, 'fid', hot)}, and ${change(cells, 'diversity', hot)}.${hotBase}${seeds}`;
}

/** Generation FID-like and diversity against the start noise δ, one line per degradation (Algorithm 2 where run). */
export function buildQ2(data: ReportData): Chart {
  const all = toCells(data.rows);
  const sampler = preferredSampler(all, 'generation');
  const cells = all.filter((c) => c.mode === 'generation' && c.sampler === sampler && METRICS.includes(c.metric));
  const names = variants(cells).map((c) => c.name);
  const values = cells.map((c) => ({ ...c, panel: metricTitle(c.metric) }));
  const x = { field: 'delta', type: 'ordinal', title: 'start noise δ (0 = cold)', axis: { labelAngle: 0 } };
  const y = { field: 'mean', type: 'quantitative', title: MEAN, scale: { zero: false } };
  const color = colour('name', names, 'degradation');
  return makeChart('q2-randomness', QUESTION, caption(cells, sampler), {
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', title: `generation, ${sampler ?? 'no sampler'}`, sort: METRICS.map(metricTitle) } },
    spec: {
      width: 220, height: 200,
      layer: [
        { mark: { type: 'line', point: true }, encoding: { x, y, color, tooltip: TOOLTIP } },
        errorBar({ x, color }),
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
}
