import { floorNote } from './floor.js';
import type { MetricName } from '../metrics/index.js';
import { atOperatingDelta, list, pick, preferredSampler, samplerOrder, sentence, toCells, variants, type Cell } from './cells.js';
import type { ReportData } from './rows.js';
import { clippedNote, fenced, groupedBars, makeChart, metricTitle, panelTitle, SPREAD, type Chart } from './spec.js';
import { best, fmt } from './stats.js';

const QUESTION = 'Q4. Algorithm 1 vs Algorithm 2 vs direct';

/** The panels: mode × metric. */
const PANELS: readonly { mode: Cell['mode']; metric: MetricName }[] = [
  { mode: 'restoration', metric: 'fid' },
  { mode: 'restoration', metric: 'ssim' },
  { mode: 'generation', metric: 'fid' },
];

/** "restoration FID-like: best sampler per degradation alg2 ×3 (blur 12.1, …), direct ×1 (…)". */
function winners(cells: readonly Cell[], mode: Cell['mode'], metric: MetricName): string {
  const panel = pick(cells, { mode, metric });
  const wins = new Map<string, string[]>();
  for (const v of variants(panel)) {
    const w = best(metric, pick(panel, { variant: v.variant }), (c) => c.mean);
    if (w) wins.set(w.sampler, [...(wins.get(w.sampler) ?? []), `${w.name} ${fmt(w.mean)}`]);
  }
  if (!wins.size) return `${sentence(mode)} ${metricTitle(metric)}: no results.`;
  const ranked = samplerOrder(wins.keys()).sort((a, b) => wins.get(b)!.length - wins.get(a)!.length);
  return `${sentence(mode)} ${metricTitle(metric)}, best sampler per degradation: ${ranked.map((s) => `${s} ×${wins.get(s)!.length} (${list(wins.get(s)!)})`).join('; ')}.`;
}

/** FID-like and SSIM per degradation × sampler (the degraded input as the baseline), grouped bars in restoration and generation panels. */
export function buildQ4(data: ReportData): Chart {
  const all = toCells(data.rows);
  const cells = atOperatingDelta(all).filter((c) => PANELS.some((p) => p.mode === c.mode && p.metric === c.metric));
  const values = fenced(cells.map((c) => ({ ...c, panel: panelTitle(c.mode, c.metric) })), (v) => v.panel);
  const sampler = preferredSampler(all, 'generation');
  const note = cells.some((c) => c.mode === 'generation') ? ` Generation is shown at each degradation's δ with the best ${sampler} FID-like.` : '';
  const spread = cells.some((c) => c.n > 1) ? ` Error bars: ${SPREAD}.` : '';
  const caption = cells.length ? `${PANELS.map((p) => winners(cells, p.mode, p.metric)).join(' ')}${note}${spread}${floorNote(data)}${clippedNote(values)}` : 'No restoration or generation results to compare samplers on.';
  const spec = groupedBars(values, { samplers: samplerOrder(cells.map((c) => c.sampler)), panels: PANELS.map((p) => panelTitle(p.mode, p.metric)), columns: 1 });
  return makeChart('q4-samplers', QUESTION, caption, spec);
}
