import type { MetricName } from '../metrics/registry.js';
import { canonicalJson } from '../util/canonical.js';
import { armRows, pick, samplerOrder, sentence, toCells, variants, type Cell } from './cells.js';
import { gateNote, unjudged } from './gate.js';
import { comparisonText, difference } from './intervals.js';
import type { ReportData } from './rows.js';
import { clippedNote, fenced, groupedBars, makeChart, panelTitle, SPREAD, type Chart } from './spec.js';

const QUESTION = "Q5. Does iteration beat one-shot restoration's blur?";
const METRICS: readonly MetricName[] = ['sharpness', 'fid'];
const MODES: readonly Cell['mode'][] = ['restoration', 'generation'];

/** What a cell's run is but its `train.loss` setting (a suite-level grid over the loss), and that loss. */
function splitLoss(c: Cell): { base: string; loss: string | undefined } {
  const { 'train.loss': loss, ...settings } = c.settings;
  return { base: canonicalJson([c.degradation, c.dataset, c.params, settings]), loss: loss === undefined ? undefined : String(loss) };
}

/**
 * The one-shot restoration of L2-trained against L1-trained R, where the suite has both for the
 * same degradation (the paper's point: L1 is sharper), on sharpness and FID-like, paired by seed.
 */
function lossComparison(data: ReportData, cells: readonly Cell[], oneShot: string): string {
  const byBase = new Map<string, Partial<Record<string, Cell>>>();
  for (const c of pick(cells, { mode: 'restoration', sampler: oneShot })) {
    const { base, loss } = splitLoss(c);
    if (loss) byBase.set(`${base}|${c.metric}`, { ...byBase.get(`${base}|${c.metric}`), [loss]: c });
  }
  const parts = [...byBase.values()].flatMap(({ l1, l2 }) =>
    l1 && l2
      ? [
          comparisonText(
            l1.descriptor,
            `${l2.name} (L2)`,
            'L1',
            difference(armRows(data.rows, l2), armRows(data.rows, l1)),
            unjudged(data, l1.metric),
          ),
        ]
      : [],
  );
  return parts.length ? ` One shot (${oneShot}) trained with L2 against L1: ${parts.join('; ')}.` : '';
}

/**
 * Sharpness and FID-like of the pre-registered one-shot and iterative samplers, in restoration and
 * at Q4's δ in generation, with the paired difference's interval.
 */
export function buildQ5(data: ReportData): Chart {
  const { iterative, oneShot } = data.comparisons.q5;
  const { delta } = data.comparisons.q4;
  const target = data.metrics.sharpness.target ?? null;
  const cells = toCells(data.rows).filter(
    (c) =>
      METRICS.includes(c.metric) && (c.sampler === oneShot || c.sampler === iterative) && (c.mode === 'restoration' || c.delta === delta),
  );
  const values = fenced(
    cells.map((c) => ({ ...c, panel: panelTitle(c.mode, c.descriptor), target: c.metric === 'sharpness' ? target : null })),
    (v) => v.panel,
  );
  const findings = MODES.flatMap((mode) => {
    const parts = METRICS.flatMap((metric) =>
      variants(pick(cells, { mode, metric })).flatMap((v) => {
        const [a, b] = [iterative, oneShot].map((sampler) => pick(cells, { mode, metric, variant: v.variant, sampler })[0]);
        return a && b
          ? [
              comparisonText(
                data.metrics[metric],
                `${v.name} ${iterative}`,
                oneShot,
                difference(armRows(data.rows, a), armRows(data.rows, b)),
                unjudged(data, metric),
              ),
            ]
          : [];
      }),
    );
    return parts.length ? [`${sentence(mode)}${mode === 'generation' ? ` (δ = ${delta})` : ''}: ${parts.join('; ')}.`] : [];
  });
  const missing =
    !cells.some((c) => c.sampler === oneShot) || !cells.some((c) => c.sampler === iterative)
      ? ` Both '${oneShot}' and '${iterative}' must be among sampling.samplers to compare them.`
      : '';
  const head = `Pre-registered (suite comparisons.q5): ${iterative} against ${oneShot}.${gateNote(data)}`;
  const caption = cells.length
    ? `${head} ${findings.join(' ') || 'No degradation has both samplers measured.'}${missing}${lossComparison(data, cells, oneShot)} Sharpness is the Laplacian energy relative to real images (dashed line: ${target}, as sharp as real; below is blurrier; its distance from ${target} is what is judged). Bars: ${SPREAD}.${clippedNote(values)}`
    : `${head} No sharpness or FID-like results for ${oneShot} or ${iterative}.`;
  const spec = groupedBars(values, {
    samplers: samplerOrder(cells),
    panels: MODES.flatMap((mode) => METRICS.map((m) => panelTitle(mode, data.metrics[m]))),
    columns: 2,
    target: true,
  });
  return makeChart('q5-sharpness', QUESTION, caption, spec);
}
