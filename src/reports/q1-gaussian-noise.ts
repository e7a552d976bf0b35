import type { Comparisons } from '../results/comparisons.js';
import { armRows, atDeclaredArms, HOT_FAMILY, list, pick, samplerOrder, toCells, variants, where, type Cell } from './cells.js';
import { fidFloor, floorNote } from './floor.js';
import { gateNote, gridPoint, unjudged } from './gate.js';
import { comparisonText, difference, intervalText, methodText } from './intervals.js';
import type { ReportData } from './rows.js';
import { barLayers, clippedNote, colour, fenced, groupedBars, makeChart, metricTitle, SPREAD, type Chart } from './spec.js';
import { fmt } from './stats.js';

const QUESTION = 'Q1. Does generation need Gaussian noise?';

/** "hot: ddim at δ = 0; cold: alg2 at δ = 0.002". */
export function q1Arms(q1: Comparisons['q1']): string {
  return `hot: ${q1.hot.sampler} at δ = ${q1.hot.delta}; cold: ${q1.cold.sampler} at δ = ${q1.cold.delta}`;
}

/** The suite-grid point of a cell (e.g. `train.steps` 3000): a cold variant is compared with the hot one trained the same way only. */

/**
 * The caption: each cold degradation against the hot baseline of its grid point, at the
 * pre-registered arms, with the interval of the difference.
 */
function caption(data: ReportData, judged: readonly Cell[], missing: readonly string[], restorationOnly: readonly string[]): string {
  const { q1 } = data.comparisons;
  const parts = [`Pre-registered arms (suite comparisons.q1): ${q1Arms(q1)}.${gateNote(data)}`];
  const hot = judged.filter((c) => c.family === HOT_FAMILY);
  const cold = judged.filter((c) => c.family !== HOT_FAMILY);
  const rowsOf = (c: Cell) => armRows(data.rows, { ...c, metric: 'fid' });
  if (hot.length && cold.length) {
    for (const c of cold) {
      for (const h of hot.filter((x) => gridPoint(x.settings) === gridPoint(c.settings))) {
        parts.push(
          `${comparisonText(data.metrics.fid, c.name, h.name, difference(rowsOf(c), rowsOf(h)), unjudged(data, 'fid', c.settings))}.`,
        );
      }
    }
  } else if (cold.length) {
    parts.push(
      `No hot baseline (family '${HOT_FAMILY}', e.g. gaussian) generated with ${q1.hot.sampler} at δ = ${q1.hot.delta}, so the question stays open: add it to the suite.`,
    );
  } else if (hot.length) {
    parts.push(
      `No cold degradation generated with ${q1.cold.sampler} at δ = ${q1.cold.delta}, so there is nothing to compare: add one with a generation prior (blur-generation, pixelate, animorph).`,
    );
  } else {
    parts.push('No generation results at the pre-registered arms.');
  }
  if (judged.length) {
    // Each bar's interval method; named once when all share it, else beside each bar (a degradation
    // with fewer finished seeds has a bootstrap interval where the others have a t-interval).
    const methods = judged.map((c) => methodText({ method: c.method, seeds: c.n }));
    const shared = methods.every((m) => m === methods[0]);
    const bars = judged.map((c, i) => `${c.name} ${fmt(c.mean)} ${intervalText(c)}${shared ? '' : ` (${methods[i]})`}`);
    parts.push(`Bars: ${SPREAD}; ${list(bars)}${shared ? ` (${methods[0]})` : ''}.`);
  }
  if (missing.length) parts.push(`Generated, but not at its pre-registered arm: ${list(missing)}.`);
  if (restorationOnly.length) parts.push(`Restoration-only (no prior): ${list(restorationOnly)}.`);
  return parts.join(' ');
}

/** Generation FID-like per degradation at its pre-registered arm (hot first), with 95% intervals and the real-vs-real floor. */
export function buildQ1(data: ReportData): Chart {
  const cells = toCells(data.rows);
  const generation = pick(cells, { mode: 'generation', metric: 'fid' });
  const { q1 } = data.comparisons;
  const judged = atDeclaredArms(generation, q1);
  const generated = new Set(generation.map((c) => c.variant));
  const missing = variants(generation)
    .filter((c) => !judged.some((j) => j.variant === c.variant))
    .map((c) => c.name);
  const restorationOnly = variants(cells)
    .filter((c) => !generated.has(c.variant))
    .map((c) => c.name);
  const families = [...new Set(variants(cells).map((c) => c.family))].sort();
  const values = fenced(
    judged.map((c) => ({ ...c, choice: where(c), top: c.hi ?? c.mean })),
    () => 'all',
  );
  const x = { field: 'name', type: 'nominal', title: null, sort: null };
  const floor = fidFloor(data);
  return makeChart('q1-gaussian-noise', QUESTION, caption(data, judged, missing, restorationOnly) + floorNote(data) + clippedNote(values), {
    data: { values },
    width: { step: 48 },
    height: 220,
    layer: [
      ...barLayers({ x }, colour('family', families, 'family'), `${metricTitle(data.metrics.fid)}, generation`),
      {
        mark: { type: 'text', dy: -4, fontSize: 9, baseline: 'bottom' },
        encoding: {
          x,
          y: { field: 'top', type: 'quantitative' },
          text: { condition: { test: '!datum.clipped', field: 'choice' }, value: '' },
        },
      },
      // The real-vs-real floor at the same N, dashed: bars that close to it are indistinguishable from real.
      ...(floor
        ? [
            {
              data: { values: [{ floor: floor.mean }] },
              mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
              encoding: { y: { field: 'floor', type: 'quantitative' } },
            },
          ]
        : []),
    ],
  });
}

/** Every sampler and δ of generation FID-like: exploratory, labelled so, never the answer. */
export function buildQ1Exploratory(data: ReportData): Chart {
  const cells = pick(toCells(data.rows), { mode: 'generation', metric: 'fid' });
  const deltas = [...new Set(cells.map((c) => c.delta ?? 0))].sort((a, b) => a - b);
  const panel = (delta: number) => `δ = ${delta}`;
  const values = fenced(
    cells.map((c) => ({ ...c, panel: panel(c.delta ?? 0) })),
    (v) => v.panel,
  );
  const caption = cells.length
    ? `Exploratory, not pre-registered: generation FID-like of every sampler at every δ the suite ran. Reading the best bar here as Q1's answer would pick a setting on the evaluation data; Q1 above judges the declared arms (${q1Arms(data.comparisons.q1)}). Bars: ${SPREAD}.${floorNote(data)}${clippedNote(values)}`
    : 'No generation results.';
  const spec = groupedBars(values, { samplers: samplerOrder(cells), panels: deltas.map(panel), columns: 1 });
  return makeChart('q1-exploratory', 'Exploratory: every sampler and δ (generation FID-like)', caption, spec);
}
