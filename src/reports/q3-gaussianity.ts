import { HOT_FAMILY, list, pick, sentence, toCells, variants, type Cell } from './cells.js';
import type { ReportData } from './rows.js';
import { colour, makeChart, metricTitle, type Chart } from './spec.js';
import { fmt, mean, spearman } from './stats.js';

const QUESTION = 'Q3. Does quality track how Gaussian the degradation is?';
const X_TITLE = 'mean Anderson–Darling A² of x_t − x0 over t (higher = less Gaussian)';
const X_AXIS = 'non-Gaussianity: mean A² (log)';

/** 10^k for every k from below the smallest to above the largest value: tick values of a log axis. */
function powersOfTen(xs: readonly number[]): number[] {
  const [lo, hi] = [Math.floor(Math.log10(Math.min(...xs))), Math.ceil(Math.log10(Math.max(...xs)))];
  return Array.from({ length: Math.max(hi - lo, 1) + 1 }, (_, i) => 10 ** (lo + i));
}

/** One point: a degradation's non-Gaussianity and FID-like in one panel. */
interface Point {
  readonly name: string;
  readonly family: string;
  readonly dataset: string;
  readonly panel: string;
  readonly a2: number;
  readonly fid: number;
}

/** Mean A² over every measured t and seed, per variant (non-finite values skipped). */
function nonGaussianity(data: ReportData): Map<string, number> {
  const byVariant = new Map<string, number[]>();
  for (const g of data.gaussianity) if (Number.isFinite(g.andersonDarling)) byVariant.set(g.variant, [...(byVariant.get(g.variant) ?? []), g.andersonDarling]);
  return new Map([...byVariant].map(([v, xs]) => [v, mean(xs)]));
}

/** "ρ = 0.80 over 5 degradations (restoration, alg2)" or why it cannot be computed. */
function rho(points: readonly Point[], panel: string): string {
  if (points.length < 3) return `${sentence(panel)}: ${points.length} degradation${points.length === 1 ? '' : 's'} with both numbers; ρ needs at least 3.`;
  const r = spearman(points.map((p) => p.a2), points.map((p) => p.fid));
  const datasets = [...new Set(points.map((p) => p.dataset))].sort();
  const mixed = datasets.length > 1 ? ` (mixes datasets ${list(datasets)}, whose FID-like values are not comparable)` : '';
  return `${sentence(panel)}: Spearman ρ(A², FID-like) = ${Number.isFinite(r) ? r.toFixed(2) : 'undefined (a constant side)'} over ${points.length} degradations${mixed}.`;
}

/** Residual non-Gaussianity (mean A²) against FID-like, one point per degradation, in a restoration and a generation panel, each with its Spearman ρ. */
export function buildQ3(data: ReportData): Chart {
  const cells = toCells(data.rows);
  const a2 = nonGaussianity(data);
  // The pre-registered arms: Q5's iterative sampler in restoration, Q1's hot and cold arms in generation.
  const { q1, q5 } = data.comparisons;
  const arm = (c: Cell) => (c.family === HOT_FAMILY ? q1.hot : q1.cold);
  const panels: [string, Cell[]][] = [
    [`restoration, ${q5.iterative}`, pick(cells, { mode: 'restoration', sampler: q5.iterative, metric: 'fid' })],
    [`generation, ${q1.cold.sampler} δ=${q1.cold.delta} (hot: ${q1.hot.sampler} δ=${q1.hot.delta})`,
      pick(cells, { mode: 'generation', metric: 'fid' }).filter((c) => c.sampler === arm(c).sampler && c.delta === arm(c).delta)],
  ];
  const points = panels.map(([panel, picked]) => [panel, picked.flatMap((c): Point[] =>
    a2.has(c.variant) ? [{ name: c.name, family: c.family, dataset: c.dataset, panel, a2: a2.get(c.variant)!, fid: c.mean }] : [])] as const);
  const values = points.flatMap(([, p]) => p);
  const extremes = [...a2].sort((a, b) => a[1] - b[1]);
  const named = (v: string) => variants(cells).find((c) => c.variant === v)?.name ?? v;
  const range = extremes.length > 1 ? ` Most Gaussian residual: ${named(extremes[0][0])} (A² ${fmt(extremes[0][1])}); least: ${named(extremes.at(-1)![0])} (A² ${fmt(extremes.at(-1)![1])}).` : '';
  const caption = a2.size
    ? `x = ${X_TITLE}; y = FID-like, mean over seeds. ${points.map(([panel, p]) => rho(p, panel)).join(' ')}${range}`
    : 'No Gaussianity measurements in the completed runs, so non-Gaussianity cannot be related to quality.';
  const families = [...new Set(variants(cells).map((c) => c.family))].sort();
  const decades = values.length && values.every((p) => p.a2 > 0) ? powersOfTen(values.map((p) => p.a2)) : undefined;
  const x = {
    field: 'a2', type: 'quantitative', title: decades ? X_AXIS : X_AXIS.replace(' (log)', ''),
    scale: decades ? { type: 'log', padding: 16 } : { zero: false, padding: 16 }, axis: { values: decades, format: '~g', labelAngle: 0 },
  };
  const y = { field: 'fid', type: 'quantitative', title: metricTitle('fid'), scale: { zero: false, padding: 16 } };
  return makeChart('q3-gaussianity', QUESTION, caption, {
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: panels.map(([p]) => p) } },
    spec: {
      width: 260, height: 220,
      layer: [
        { mark: { type: 'point', filled: true, size: 70 }, encoding: { x, y, color: colour('family', families, 'family'), tooltip: [{ field: 'name' }, { field: 'a2', format: '.4g' }, { field: 'fid', format: '.4g' }, { field: 'dataset' }] } },
        { mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 }, encoding: { x, y, text: { field: 'name' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
}
