import type { TopLevelSpec } from 'vega-lite';
import type { MetricDescriptor } from '../metrics/define.js';
import type { Cell } from './cells.js';
import { fmt, upperFence } from './stats.js';

/** A chart as the report shows it: its spec and a caption computed from the same numbers. */
export interface Chart {
  /** File stem, e.g. `q1-gaussian-noise`. */
  readonly name: string;
  /** The question it answers. */
  readonly question: string;
  /** The finding, in numbers from the rows (or what is missing to answer). */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** DejaVu Sans is what librsvg finds on Debian; browsers fall back to their sans-serif. */
const CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  background: 'white',
  padding: 8,
  title: { fontSize: 14, anchor: 'start', offset: 12 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  axisX: { labelAngle: -30 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 'bold' },
} as const;

/** Wraps a body into a top-level spec with the shared config; the caption is also its `description`. */
export function makeChart(name: string, question: string, caption: string, body: Record<string, unknown>): Chart {
  const spec = { $schema: SCHEMA, description: caption, title: question, config: CONFIG, ...body } as TopLevelSpec;
  return { name, question, caption, spec };
}

/** `FID-like (lower is better)`, `Sharpness (1 is best)`: the label and direction from the registry. */
export function metricTitle(m: MetricDescriptor): string {
  const direction = m.higherIsBetter === null ? `${m.target} is best` : m.higherIsBetter ? 'higher is better' : 'lower is better';
  return `${m.label} (${direction})`;
}

/** `restoration · FID-like (lower is better)`: a panel of one mode and metric. */
export function panelTitle(mode: Cell['mode'], metric: MetricDescriptor): string {
  return `${mode} · ${metricTitle(metric)}`;
}

/** What error bars show, for captions. */
export const SPREAD = 'mean and 95% interval (t over seeds where there are 3 or more, else a bootstrap over the evaluation images)';

/** Axis title of a value averaged over seeds. */
export const MEAN = 'mean over seeds';

/** Field encodings every chart's tooltip carries. */
export const TOOLTIP = [
  { field: 'name', title: 'degradation' },
  { field: 'sampler' },
  { field: 'delta', title: 'δ' },
  { field: 'mean', format: '.4g' },
  { field: 'lo', title: '95% low', format: '.4g' },
  { field: 'hi', title: '95% high', format: '.4g' },
  { field: 'n', title: 'seeds' },
];

/** A colour channel over a fixed domain, so every chart of a report colours the same way. */
export function colour(field: string, domain: readonly string[], title: string): Record<string, unknown> {
  return { field, type: 'nominal', title, scale: { domain: [...domain], scheme: field === 'sampler' ? 'set2' : 'tableau10' } };
}

/** A rule from `lo` to `hi` (the 95% interval), drawn where there is one. */
export function errorBar(encoding: Record<string, unknown>, lo = 'lo', hi = 'hi'): Record<string, unknown> {
  return { mark: { type: 'rule', color: '#333' }, encoding: { ...encoding, y: { field: lo, type: 'quantitative' }, y2: { field: hi } } };
}

/**
 * A bar's drawn height and error bar: cut at its panel's upper fence (`clipped`, labelled `note`),
 * so that one blow-up does not flatten the rest.
 */
export interface Fenced {
  readonly bar: number;
  readonly barLo: number | null;
  readonly barHi: number | null;
  readonly clipped: boolean;
  /** The real value, printed over a cut bar. */
  readonly note: string;
}

/**
 * Adds the drawn values to each bar, cutting those above their panel's far-out fence
 * (stats.upperFence), which never goes below a value's `target` (sharpness: 1).
 */
export function fenced<T extends Pick<Cell, 'mean' | 'lo' | 'hi'> & { target?: number | null }>(
  values: readonly T[],
  panelOf: (v: T) => string,
): (T & Fenced)[] {
  const fences = new Map<string, number>();
  for (const panel of new Set(values.map(panelOf))) {
    const inPanel = values.filter((v) => panelOf(v) === panel);
    fences.set(panel, Math.max(upperFence(inPanel.map((v) => v.mean)), ...inPanel.map((v) => v.target ?? -Infinity)));
  }
  return values.map((v) => {
    const cap = fences.get(panelOf(v))!;
    const cut = (x: number | null) => (x === null ? null : Math.min(x, cap));
    return {
      ...v,
      bar: Math.min(v.mean, cap),
      barLo: cut(v.lo),
      barHi: cut(v.hi),
      clipped: v.mean > cap,
      note: v.mean > cap ? fmt(v.mean) : '',
    };
  });
}

/** Whether any bar was cut, as a caption sentence. */
export function clippedNote(values: readonly Fenced[]): string {
  return values.some((v) => v.clipped)
    ? " Bars above their panel's far-out fence (Q3 + 3·IQR) are cut there and labelled with their value."
    : '';
}

/** Bar, error bar and the value label of cut bars, sharing `x` (and `xOffset`) encodings. */
export function barLayers(encoding: Record<string, unknown>, color: Record<string, unknown>, yTitle: string): Record<string, unknown>[] {
  return [
    { mark: 'bar', encoding: { ...encoding, y: { field: 'bar', type: 'quantitative', title: yTitle }, color, tooltip: TOOLTIP } },
    errorBar(encoding, 'barLo', 'barHi'),
    {
      mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 9, color: '#b00' },
      encoding: { ...encoding, y: { field: 'bar', type: 'quantitative' }, text: { field: 'note' } },
    },
  ];
}

/**
 * Bars of `mean` per degradation name, grouped by sampler (xOffset), with error bars, in panels
 * (field `panel`, wrapped into `columns`) that each get their own scales. Values must be `fenced`.
 */
export function groupedBars(
  values: readonly Fenced[],
  o: {
    samplers: readonly string[];
    panels: readonly string[];
    columns: number;
    target?: boolean;
  },
): Record<string, unknown> {
  const encoding = { x: { field: 'name', type: 'nominal', title: null, sort: null }, xOffset: { field: 'sampler', sort: [...o.samplers] } };
  const layers = barLayers(encoding, colour('sampler', o.samplers, 'sampler'), MEAN);
  if (o.target)
    layers.push({ mark: { type: 'rule', strokeDash: [4, 3], color: '#c00' }, encoding: { y: { field: 'target', type: 'quantitative' } } });
  return {
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: [...o.panels] },
    columns: o.columns,
    spec: { width: { step: 14, for: 'offset' }, height: 150, layer: layers },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}
