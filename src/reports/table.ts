import { floorNote } from './floor.js';
import { gateNote, unjudged } from './gate.js';
import type { MetricDescriptor } from '../metrics/define.js';
import type { MetricName } from '../metrics/registry.js';
import { armRows, atDeclaredArms, HOT_FAMILY, pick, samplerOrder, toCells, variants } from './cells.js';
import { difference, verdict } from './intervals.js';
import type { ReportData } from './rows.js';
import { fmt } from './stats.js';

const METRICS: readonly MetricName[] = ['fid', 'ssim', 'psnr'];

/** One number of the table. */
export interface TableCell {
  readonly sampler: string;
  /** Mean over seeds; NaN when not measured. */
  readonly mean: number;
  /** Its 95% interval (intervals.ts), null where none can be made. */
  readonly lo: number | null;
  readonly hi: number | null;
}

/** One degradation: a group of sampler columns per metric. */
export interface TableRow {
  readonly name: string;
  readonly family: string;
  readonly dataset: string;
  readonly groups: readonly { readonly metric: MetricName; readonly cells: readonly TableCell[] }[];
}

/** The restoration table: degradations × (metric × sampler). */
export interface RestorationTable {
  readonly samplers: readonly string[];
  readonly metrics: readonly MetricDescriptor[];
  readonly rows: readonly TableRow[];
  readonly caption: string;
}

/** `12.3 [11.1, 13.5]`, or `12.3` without an interval, or `–` when missing. */
export function cellText(c: TableCell): string {
  return Number.isFinite(c.mean) ? `${fmt(c.mean)}${c.lo === null || c.hi === null ? '' : ` [${fmt(c.lo)}, ${fmt(c.hi)}]`}` : '–';
}

/**
 * Restoration FID-like, SSIM and PSNR per degradation: degraded input, one shot, the iterative
 * sampler (suite comparisons.q5); mean over seeds with its 95% interval. No cell is marked best:
 * the caption judges the pre-registered pair by the interval of its paired difference.
 */
export function buildRestorationTable(data: ReportData): RestorationTable {
  const { iterative, oneShot } = data.comparisons.q5;
  const shown = ['degraded', oneShot, iterative];
  const cells = pick(toCells(data.rows), { mode: 'restoration' });
  const samplers = samplerOrder(cells).filter((s) => shown.includes(s));
  const rows = variants(cells).map((v): TableRow => ({
    name: v.name,
    family: v.family,
    dataset: v.dataset,
    groups: METRICS.map((metric) => ({
      metric,
      cells: samplers.map((sampler) => {
        const c = pick(cells, { variant: v.variant, metric, sampler })[0];
        return { sampler, mean: c?.mean ?? NaN, lo: c?.lo ?? null, hi: c?.hi ?? null };
      }),
    })),
  }));
  const verdicts = METRICS.map((metric) => {
    const reason = unjudged(data, metric);
    if (reason) return `${data.metrics[metric].label}: not judged at ${reason}`;
    const tally = { a: 0, b: 0, neither: 0 };
    for (const v of variants(cells)) {
      const [a, b] = [iterative, oneShot].map((sampler) =>
        armRows(data.rows, { variant: v.variant, mode: 'restoration', sampler, delta: null, metric }),
      );
      if (a.length && b.length) tally[verdict(data.metrics[metric], difference(a, b))]++;
    }
    return `${data.metrics[metric].label}: better for ${tally.a}, worse for ${tally.b}, not distinguishable for ${tally.neither}`;
  });
  const left = data.notRestoration.length
    ? ` Left out: ${data.notRestoration.join(', ')}, whose x_T keeps < 1% of x0 (restoring it is generation).`
    : '';
  const caption =
    (rows.length
      ? `Restoration from x_T: mean over seeds [95% interval]. ${iterative} against ${oneShot} (pre-registered, suite comparisons.q5), by the 95% interval of the paired difference per degradation: ${verdicts.join('; ')}.`
      : 'No restoration results.') +
    left +
    (rows.length ? floorNote(data) + gateNote(data) : '');
  return { samplers, metrics: METRICS.map((m) => data.metrics[m]), rows, caption };
}

/** The table as GitHub Markdown. */
export function tableMarkdown(t: RestorationTable): string {
  const head = ['degradation (family)', ...t.metrics.flatMap((m) => t.samplers.map((s) => `${m.label} ${s}`))];
  const lines = [
    head,
    head.map(() => '---'),
    ...t.rows.map((r) => [`${r.name} (${r.family})`, ...r.groups.flatMap((g) => g.cells.map(cellText))]),
  ];
  return `${lines.map((l) => `| ${l.join(' | ')} |`).join('\n')}\n\n${t.caption}\n`;
}

const GENERATION_METRICS: readonly MetricName[] = ['fid', 'recognisable', 'diversity', 'sharpness'];

/** One generating degradation at its declared arm: the arm and a cell per metric. */
export interface GenerationRow {
  readonly name: string;
  readonly family: string;
  readonly arm: string;
  readonly cells: readonly TableCell[];
}

export interface GenerationTable {
  readonly metrics: readonly MetricDescriptor[];
  readonly rows: readonly GenerationRow[];
  readonly caption: string;
}

/**
 * Generation per degradation at the pre-registered arm (suite comparisons.q1: the hot arm for
 * the noise family, the cold arm for the others): FID-like, recognisable share, diversity and
 * sharpness, each mean over seeds with its 95% interval. The exploratory chart has every other
 * sampler and δ.
 */
export function buildGenerationTable(data: ReportData): GenerationTable {
  const { q1 } = data.comparisons;
  const cells = atDeclaredArms(pick(toCells(data.rows), { mode: 'generation' }), q1);
  const rows = variants(cells).map((v): GenerationRow => {
    const arm = v.family === HOT_FAMILY ? q1.hot : q1.cold;
    return {
      name: v.name,
      family: v.family,
      arm: `${arm.sampler}, δ = ${arm.delta}`,
      cells: GENERATION_METRICS.map((metric) => {
        const c = pick(cells, { variant: v.variant, metric })[0];
        return { sampler: arm.sampler, mean: c?.mean ?? NaN, lo: c?.lo ?? null, hi: c?.hi ?? null };
      }),
    };
  });
  const caption = rows.length
    ? `Generation at the pre-registered arms (suite comparisons.q1): mean over seeds [95% interval]. Recognisable: the share of samples the digits classifier labels with confidence > 0.9; sharpness: Laplacian energy relative to real images (1 = as sharp).${floorNote(data)}${gateNote(data)}`
    : 'No generation results at the pre-registered arms.';
  return { metrics: GENERATION_METRICS.map((m) => data.metrics[m]), rows, caption };
}

/** The generation table as GitHub Markdown. */
export function generationMarkdown(t: GenerationTable): string {
  const head = ['degradation (family)', 'arm', ...t.metrics.map((m) => m.label)];
  const lines = [head, head.map(() => '---'), ...t.rows.map((r) => [`${r.name} (${r.family})`, r.arm, ...r.cells.map(cellText)])];
  return `${lines.map((l) => `| ${l.join(' | ')} |`).join('\n')}\n\n${t.caption}\n`;
}
