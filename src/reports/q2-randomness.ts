import type { MetricName } from '../metrics/registry.js';
import { armRows, HOT_FAMILY, pick, toCells, variants, type Cell } from './cells.js';
import { gateNote, unjudged } from './gate.js';
import { comparisonText, difference } from './intervals.js';
import type { ReportData } from './rows.js';
import { colour, errorBar, makeChart, MEAN, metricTitle, SPREAD, TOOLTIP, type Chart } from './spec.js';

const QUESTION = 'Q2. Does generation need randomness (cold δ = 0 vs broken symmetry δ > 0)?';
const METRICS: readonly MetricName[] = ['fid', 'diversity'];

/**
 * The caption: per cold degradation, the declared broken-symmetry δ against perfect symmetry, on
 * FID-like and diversity, with intervals.
 */
function caption(data: ReportData, cells: readonly Cell[]): string {
  const { sampler, cold, broken } = data.comparisons.q2;
  const head = `Pre-registered (suite comparisons.q2): ${sampler} at δ = ${broken} (broken symmetry) against δ = ${cold} (perfect symmetry).${gateNote(data)}`;
  if (!cells.length) return `${head} No generation results with ${sampler}, so cold and broken-symmetry starts cannot be compared.`;
  const deltas = new Set(cells.map((c) => c.delta));
  if (!deltas.has(cold) || !deltas.has(broken))
    return `${head} The suite generated only at δ = ${[...deltas].sort().join(', ')}; add ${cold} and ${broken} to sampling.deltas to answer this.`;
  const lines = (group: readonly Cell[]) =>
    variants(group).flatMap((v) =>
      METRICS.flatMap((metric) => {
        const at = (delta: number) => armRows(data.rows, { variant: v.variant, mode: 'generation', sampler, delta, metric });
        const [a, b] = [at(broken), at(cold)];
        return a.length && b.length
          ? [
              `${comparisonText(data.metrics[metric], `${v.name} δ=${broken}`, `δ=${cold}`, difference(a, b), unjudged(data, metric, v.settings))}.`,
            ]
          : [];
      }),
    );
  // The question is the paper's for starts that hold nothing random but a colour (blur generation's
  // flat x_T): there δ = 0 is deterministic sampling. Starts that are random images already (noise,
  // a held-out animal, pixelate's 4×4 grid) are shown apart.
  const coldCells = cells.filter((c) => c.family !== HOT_FAMILY);
  const flat = lines(coldCells.filter((c) => data.flatStarts.includes(c.variant)));
  const random = lines(coldCells.filter((c) => !data.flatStarts.includes(c.variant)));
  return `${head} Flat-colour starts (the deterministic-prior case): ${flat.join(' ') || 'none in this suite.'} Starts that are random images already (shown apart, dashed): ${random.join(' ') || 'none.'} Bars: ${SPREAD}.`;
}

/** Generation FID-like and diversity against the start noise δ, one line per degradation, with the pre-registered sampler. */
export function buildQ2(data: ReportData): Chart {
  const { sampler } = data.comparisons.q2;
  const cells = pick(toCells(data.rows), { mode: 'generation', sampler }).filter((c) => METRICS.includes(c.metric));
  const names = variants(cells).map((c) => c.name);
  const values = cells.map((c) => ({
    ...c,
    panel: metricTitle(c.descriptor),
    start: data.flatStarts.includes(c.variant) ? 'flat colour' : 'random image',
  }));
  const x = { field: 'delta', type: 'ordinal', title: 'start noise δ (0 = cold)', axis: { labelAngle: 0 } };
  const y = { field: 'mean', type: 'quantitative', title: MEAN, scale: { zero: false } };
  const color = colour('name', names, 'degradation');
  return makeChart('q2-randomness', QUESTION, caption(data, cells), {
    data: { values },
    facet: {
      column: { field: 'panel', type: 'nominal', title: `generation, ${sampler}`, sort: METRICS.map((m) => metricTitle(data.metrics[m])) },
    },
    spec: {
      width: 220,
      height: 200,
      layer: [
        // Line and points apart: a line with `point: true` draws circles in the legend, hiding the dash that tells the starts apart.
        {
          mark: 'line',
          encoding: { x, y, color, strokeDash: { field: 'start', type: 'nominal', title: 'start', sort: ['flat colour', 'random image'] } },
        },
        { mark: { type: 'point', filled: true, opacity: 1 }, encoding: { x, y, color, tooltip: TOOLTIP } },
        errorBar({ x, color }),
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
}
