import type { MetricName } from '../metrics/registry.js';
import { floorNote } from './floor.js';
import { gateNote, unjudged } from './gate.js';
import { armRows, list, pick, samplerOrder, sentence, toCells, variants, type Cell } from './cells.js';
import { difference, verdict } from './intervals.js';
import type { ReportData } from './rows.js';
import { clippedNote, fenced, groupedBars, makeChart, metricTitle, panelTitle, SPREAD, type Chart } from './spec.js';
import { fmt } from './stats.js';

const QUESTION = 'Q4. Algorithm 1 vs Algorithm 2 vs direct';

/** The panels: mode × metric. */
const PANELS: readonly { mode: Cell['mode']; metric: MetricName }[] = [
  { mode: 'restoration', metric: 'fid' },
  { mode: 'restoration', metric: 'ssim' },
  { mode: 'generation', metric: 'fid' },
];

/**
 * "Restoration FID-like, alg2 against alg1: better for blur (Δ −3.1 [−5.0, −1.2]), worse for none,
 * not distinguishable for pixelate": each sampler against the pre-registered reference, per
 * degradation, by whether the 95% interval of the paired difference excludes 0.
 */
function against(data: ReportData, cells: readonly Cell[], mode: Cell['mode'], metric: MetricName, reference: string): string {
  const panel = pick(cells, { mode, metric });
  const others = samplerOrder(panel).filter((s) => s !== reference && s !== 'degraded');
  const sentences = others.flatMap((other) => {
    const reason = unjudged(data, metric);
    const found = { a: [] as string[], b: [] as string[], neither: [] as string[], unjudged: [] as string[] };
    for (const v of variants(panel)) {
      const [ref] = pick(panel, { variant: v.variant, sampler: reference });
      const [alt] = pick(panel, { variant: v.variant, sampler: other });
      if (!ref || !alt) continue;
      const d = difference(armRows(data.rows, ref), armRows(data.rows, alt));
      found[reason ? 'unjudged' : verdict(data.metrics[metric], d)].push(
        `${v.name} (Δ ${fmt(d.mean)}${d.lo === null ? '' : ` [${fmt(d.lo)}, ${fmt(d.hi)}]`})`,
      );
    }
    if (found.unjudged.length) return [`${reference} against ${other}, not judged at ${reason}: ${list(found.unjudged)}`];
    const total = found.a.length + found.b.length + found.neither.length;
    return total
      ? [
          `${reference} against ${other}: better for ${list(found.a) || 'none'}; worse for ${list(found.b) || 'none'}; not distinguishable for ${list(found.neither) || 'none'}`,
        ]
      : [];
  });
  return sentences.length
    ? `${sentence(mode)} ${metricTitle(data.metrics[metric])}: ${sentences.join('; ')}.`
    : `${sentence(mode)} ${metricTitle(data.metrics[metric])}: no sampler to compare with ${reference}.`;
}

/**
 * FID-like and SSIM per degradation × sampler (the degraded input as the baseline), generation at
 * the pre-registered δ; each sampler judged against the reference sampler.
 */
export function buildQ4(data: ReportData): Chart {
  const { reference, delta } = data.comparisons.q4;
  const cells = toCells(data.rows).filter(
    (c) => (c.mode === 'restoration' || c.delta === delta) && PANELS.some((p) => p.mode === c.mode && p.metric === c.metric),
  );
  const values = fenced(
    cells.map((c) => ({ ...c, panel: panelTitle(c.mode, c.descriptor) })),
    (v) => v.panel,
  );
  const head = `Pre-registered (suite comparisons.q4): every sampler against ${reference}, generation at δ = ${delta}; Δ = ${reference} − other with its 95% interval.${gateNote(data)}`;
  const caption = cells.length
    ? `${head} ${PANELS.map((p) => against(data, cells, p.mode, p.metric, reference)).join(' ')} Bars: ${SPREAD}.${floorNote(data)}${clippedNote(values)}`
    : `${head} No restoration results, and no generation at δ = ${delta}, to compare samplers on.`;
  const spec = groupedBars(values, {
    samplers: samplerOrder(cells),
    panels: PANELS.map((p) => panelTitle(p.mode, data.metrics[p.metric])),
    columns: 1,
  });
  return makeChart('q4-samplers', QUESTION, caption, spec);
}
