import { floorNote } from './floor.js';
import { getMetric, isBetter, type MetricName } from '../metrics/index.js';
import { pick, samplerOrder, toCells, variants } from './cells.js';
import type { ReportData } from './rows.js';
import { best, fmt } from './stats.js';

/** Columns of the paper's restoration tables (REFERENCE.md §4): the input, one shot, Algorithm 2. */
const SAMPLERS = ['degraded', 'direct', 'alg2'];
const METRICS: readonly MetricName[] = ['fid', 'ssim', 'psnr'];

/** One number of the table. */
export interface TableCell {
  readonly sampler: string;
  /** Mean over seeds; NaN when not measured. */
  readonly mean: number;
  readonly std: number | null;
  /** Best of its row's metric group, by the metric's registered direction. */
  readonly best: boolean;
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
  readonly metrics: readonly MetricName[];
  readonly rows: readonly TableRow[];
  readonly caption: string;
}

/** `12.3 ± 0.4`, or `12.3` with one seed, or `–` when missing. */
export function cellText(c: TableCell): string {
  return Number.isFinite(c.mean) ? `${fmt(c.mean)}${c.std === null ? '' : ` ± ${fmt(c.std)}`}` : '–';
}

/** Restoration FID-like, SSIM and PSNR per degradation: degraded input, direct, Algorithm 2; mean (± std) over seeds, best per row and metric marked. */
export function buildRestorationTable(data: ReportData): RestorationTable {
  const cells = pick(toCells(data.rows), { mode: 'restoration' });
  const samplers = samplerOrder(cells.map((c) => c.sampler)).filter((s) => SAMPLERS.includes(s));
  const rows = variants(cells).map((v): TableRow => ({
    name: v.name, family: v.family, dataset: v.dataset,
    groups: METRICS.map((metric) => {
      const found = samplers.map((sampler) => pick(cells, { variant: v.variant, metric, sampler })[0]);
      const winner = best(metric, found.filter((c) => c !== undefined), (c) => c.mean);
      return { metric, cells: found.map((c, i) => ({ sampler: samplers[i], mean: c?.mean ?? NaN, std: c?.std ?? null, best: c !== undefined && c === winner })) };
    }),
  }));
  const wins = METRICS.map((metric, g) => {
    const pairs = rows.map((r) => r.groups[g].cells).map((cs) => [cs.find((c) => c.sampler === 'alg2'), cs.find((c) => c.sampler === 'direct')] as const)
      .filter(([a, d]) => a && d && Number.isFinite(a.mean) && Number.isFinite(d.mean));
    return `${getMetric(metric).label} ${pairs.filter(([a, d]) => isBetter(getMetric(metric), a!.mean, d!.mean)).length} of ${pairs.length}`;
  });
  const left = data.notRestoration.length
    ? ` Left out: ${data.notRestoration.join(', ')}, whose x_T keeps < 1% of x0 (restoring it is generation).`
    : '';
  const caption = (rows.length
    ? `Restoration from x_T, mean over seeds (± sample std where several). Bold: best in its row and metric, by the metric's registered direction. Algorithm 2 beats direct on ${wins.join(', ')} degradations.`
    : 'No restoration results.') + left + (rows.length ? floorNote(data) : '');
  return { samplers, metrics: METRICS, rows, caption };
}

/** The table as GitHub Markdown, best values in bold. */
export function tableMarkdown(t: RestorationTable): string {
  const head = ['degradation (family)', ...t.metrics.flatMap((m) => t.samplers.map((s) => `${getMetric(m).label} ${s}`))];
  const lines = [head, head.map(() => '---'), ...t.rows.map((r) => [
    `${r.name} (${r.family})`, ...r.groups.flatMap((g) => g.cells.map((c) => (c.best ? `**${cellText(c)}**` : cellText(c)))),
  ])];
  return `${lines.map((l) => `| ${l.join(' | ')} |`).join('\n')}\n\n${t.caption}\n`;
}
