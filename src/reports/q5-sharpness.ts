import { getMetric, isBetter, type MetricName } from '../metrics/index.js';
import { atOperatingDelta, list, pick, preferredSampler, samplerOrder, sentence, toCells, variants, type Cell } from './cells.js';
import type { ReportData } from './rows.js';
import { clippedNote, fenced, groupedBars, makeChart, panelTitle, SPREAD, type Chart } from './spec.js';
import { fmt } from './stats.js';

const QUESTION = "Q5. Does iteration beat one-shot restoration's blur?";
const METRICS: readonly MetricName[] = ['sharpness', 'fid'];
const MODES: readonly Cell['mode'][] = ['restoration', 'generation'];
const ONE_SHOT = 'direct';

/** "sharpness better for 3 of 4 (blur 0.71 vs 0.33, …)": the iterative sampler against one-shot. */
function compare(cells: readonly Cell[], mode: Cell['mode'], metric: MetricName, sampler: string): string | undefined {
  const pairs = variants(pick(cells, { mode, metric })).flatMap((v) => {
    const [a] = pick(cells, { mode, metric, variant: v.variant, sampler });
    const [b] = pick(cells, { mode, metric, variant: v.variant, sampler: ONE_SHOT });
    return a && b ? [{ name: v.name, a: a.mean, b: b.mean }] : [];
  });
  if (!pairs.length) return undefined;
  const wins = pairs.filter((p) => isBetter(getMetric(metric), p.a, p.b)).length;
  return `${getMetric(metric).label} better for ${wins} of ${pairs.length} (${list(pairs.map((p) => `${p.name} ${fmt(p.a)} vs ${fmt(p.b)}`))})`;
}

/** Sharpness (target from the registry) and FID-like of one-shot `direct` vs the iterative sampler, in restoration and generation. */
export function buildQ5(data: ReportData): Chart {
  const all = toCells(data.rows);
  const iterative = preferredSampler(all, 'restoration') ?? preferredSampler(all, 'generation') ?? 'alg2';
  const target = getMetric('sharpness').target ?? null;
  const cells = atOperatingDelta(all).filter((c) => METRICS.includes(c.metric) && (c.sampler === ONE_SHOT || c.sampler === iterative));
  const values = fenced(cells.map((c) => ({ ...c, panel: panelTitle(c.mode, c.metric), target: c.metric === 'sharpness' ? target : null })), (v) => v.panel);
  const findings = MODES.flatMap((mode) => {
    const parts = METRICS.flatMap((m) => compare(cells, mode, m, iterative) ?? []);
    return parts.length ? [`${sentence(mode)}: ${iterative} vs ${ONE_SHOT}, ${parts.join('; ')}.`] : [];
  });
  const missing = iterative === ONE_SHOT || !cells.some((c) => c.sampler === ONE_SHOT) || !cells.some((c) => c.sampler === iterative) ? ` Both '${ONE_SHOT}' and '${iterative}' must be among sampling.samplers to compare them.` : '';
  const caption = cells.length
    ? `${findings.join(' ') || 'No degradation has both samplers measured.'}${missing} Sharpness is the Laplacian energy relative to real images (dashed line: ${target}, as sharp as real; below is blurrier). Generation at each degradation's δ with the best ${preferredSampler(all, 'generation') ?? iterative} FID-like.${cells.some((c) => c.n > 1) ? ` Error bars: ${SPREAD}.` : ''}${clippedNote(values)}`
    : 'No sharpness or FID-like results for direct or the iterative sampler.';
  const spec = groupedBars(values, {
    samplers: samplerOrder(cells.map((c) => c.sampler)), panels: MODES.flatMap((mode) => METRICS.map((m) => panelTitle(mode, m))), columns: 2, target: true,
  });
  return makeChart('q5-sharpness', QUESTION, caption, spec);
}
