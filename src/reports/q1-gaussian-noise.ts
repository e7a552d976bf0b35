import { getMetric, isBetter } from '../metrics/index.js';
import { HOT_FAMILY, bestGeneration, list, toCells, variants, where, type Cell } from './cells.js';
import { fidFloor, floorNote } from './floor.js';
import type { ReportData } from './rows.js';
import { barLayers, clippedNote, colour, fenced, makeChart, metricTitle, SPREAD, type Chart } from './spec.js';
import { best, fmt } from './stats.js';

const QUESTION = 'Q1. Does generation need Gaussian noise?';

function describe(c: Cell): string {
  return `${c.name} ${fmt(c.mean)} (${where(c)}${c.n > 1 ? `, ± ${fmt(c.std)} over ${c.n} seeds` : ''})`;
}

/** The caption: best cold vs best hot generation FID-like, how many cold ones beat hot, what is missing. */
function caption(picked: readonly Cell[], restorationOnly: readonly string[]): string {
  const hot = best('fid', picked.filter((c) => c.family === HOT_FAMILY), (c) => c.mean);
  const cold = picked.filter((c) => c.family !== HOT_FAMILY);
  const bestCold = best('fid', cold, (c) => c.mean);
  const parts: string[] = [];
  if (bestCold && hot) {
    const beating = cold.filter((c) => isBetter(getMetric('fid'), c.mean, hot.mean)).map((c) => c.name);
    parts.push(`Best cold generation FID-like: ${describe(bestCold)} vs hot ${describe(hot)}.`);
    parts.push(`${beating.length} of ${cold.length} cold degradations beat the hot baseline${beating.length ? ` (${list(beating)})` : ''}.`);
  } else if (bestCold) {
    parts.push(`Best cold generation FID-like: ${describe(bestCold)}. No generation result for the hot baseline (family '${HOT_FAMILY}', e.g. gaussian), so the question stays open: add it to the suite.`);
  } else if (hot) {
    parts.push(`Hot baseline: ${describe(hot)}. No cold degradation generated, so there is nothing to compare: add one with a generation prior (blur-generation, pixelate, animorph).`);
  } else {
    parts.push('No generation results: the suite has no run that generated (sampling.generation off, or only restoration-only degradations).');
  }
  if (picked.length) parts.push(`Each bar is the best sampler and δ by mean FID-like over seeds${picked.some((c) => c.n > 1) ? `; error bars are ${SPREAD}` : ''}.`);
  if (restorationOnly.length) parts.push(`Restoration-only (no prior): ${list(restorationOnly)}.`);
  return parts.join(' ');
}

/** Generation FID-like per degradation at its best sampler and δ, hot Gaussian first, coloured by family. */
export function buildQ1(data: ReportData): Chart {
  const cells = toCells(data.rows);
  const picked = bestGeneration(cells, 'fid');
  const generated = new Set(picked.map((c) => c.variant));
  const restorationOnly = variants(cells).filter((c) => !generated.has(c.variant)).map((c) => c.name);
  const families = [...new Set(variants(cells).map((c) => c.family))].sort();
  const values = fenced(picked.map((c) => ({ ...c, choice: where(c), top: c.hi ?? c.mean })), () => 'all');
  const x = { field: 'name', type: 'nominal', title: null, sort: null };
  const floor = fidFloor(data);
  return makeChart('q1-gaussian-noise', QUESTION, caption(picked, restorationOnly) + floorNote(data) + clippedNote(values), {
    data: { values },
    width: { step: 48 },
    height: 220,
    layer: [
      ...barLayers({ x }, colour('family', families, 'family'), `${metricTitle('fid')}, generation`),
      { mark: { type: 'text', dy: -4, fontSize: 9, baseline: 'bottom' }, encoding: { x, y: { field: 'top', type: 'quantitative' }, text: { condition: { test: '!datum.clipped', field: 'choice' }, value: '' } } },
      // The real-vs-real floor at the same N, dashed: bars that close to it are indistinguishable from real.
      ...(floor ? [{ data: { values: [{ floor: floor.mean }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { field: 'floor', type: 'quantitative' } } }] : []),
    ],
  });
}
