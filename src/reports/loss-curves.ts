import { LOSS_POINTS } from './losses.js';
import type { ReportData } from './rows.js';
import { colour, makeChart, type Chart } from './spec.js';

/** Training loss against step for every completed run (one line per seed), log scale. */
export function buildLossCurves(data: ReportData): Chart {
  const names = [...new Set(data.losses.map((p) => p.name))].sort();
  const steps = Math.max(0, ...data.losses.map((p) => p.step));
  const caption =
    `Training loss of every completed run against its step (window means of loss.csv, ${LOSS_POINTS} points per run at most; one line per seed). ` +
    "A curve still falling at its last step means the budget stopped training before it converged: compare the report's orderings with that in mind." +
    (data.losses.length ? '' : ' No loss curves: no completed run left a loss.csv.');
  return makeChart('loss-curves', 'Training: did the models converge?', caption, {
    data: { values: data.losses },
    width: 520,
    height: 300,
    mark: { type: 'line', strokeWidth: 1.2, opacity: 0.85 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'training step', scale: { domain: [0, steps || 1] } },
      y: { field: 'loss', type: 'quantitative', title: 'training loss (log scale)', scale: { type: 'log' } },
      color: colour('name', names, 'degradation'),
      detail: { field: 'seed', type: 'nominal' },
      tooltip: [{ field: 'name', title: 'degradation' }, { field: 'seed' }, { field: 'step' }, { field: 'loss', format: '.4f' }],
    },
  });
}
