import { atDeclaredArms, list, pick, sentence, toCells, variants } from './cells.js';
import type { GaussianityReportRow, ReportData } from './rows.js';
import { colour, makeChart, metricTitle, type Chart } from './spec.js';
import { mean, spearman } from './stats.js';

const QUESTION = 'Q3. Does quality track how Gaussian the degradation is?';
const X_AXIS = 'non-Gaussianity of the residual: A² (log)';
const RESIDUAL = 'A² = Anderson–Darling statistic of the residual x_t − x0 (x_t − √ᾱ_t·x0 for the noise family; higher = less Gaussian)';

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** 10^k for every k from below the smallest to above the largest value: tick values of a log axis. */
function powersOfTen(xs: readonly number[]): number[] {
  const [lo, hi] = [Math.floor(Math.log10(Math.min(...xs))), Math.ceil(Math.log10(Math.max(...xs)))];
  return Array.from({ length: Math.max(hi - lo, 1) + 1 }, (_, i) => 10 ** (lo + i));
}

/** One point: a degradation (at one severity t, in the restoration panel) with its non-Gaussianity and quality. */
interface Point {
  readonly name: string;
  readonly family: string;
  readonly dataset: string;
  readonly panel: string;
  readonly label: string;
  readonly a2: number;
  readonly quality: number;
}

/**
 * Spearman ρ with the 95% interval of Bonett & Wright (2000): tanh(atanh ρ ± 1.96·√((1 + ρ²/2)/(n − 3))),
 * which needs n ≥ 4 points. The points are taken as independent.
 */
export function spearmanInterval(x: readonly number[], y: readonly number[]): { rho: number; lo: number | null; hi: number | null } {
  const rho = spearman(x, y);
  if (x.length < 4 || !Number.isFinite(rho) || Math.abs(rho) === 1) return { rho, lo: null, hi: null };
  const half = Z95 * Math.sqrt((1 + (rho * rho) / 2) / (x.length - 3));
  return { rho, lo: Math.tanh(Math.atanh(rho) - half), hi: Math.tanh(Math.atanh(rho) + half) };
}

/** "ρ = 0.80 (95% CI [0.31, 0.95]) over 15 points" or why it cannot be computed. */
function rho(points: readonly Point[], panel: string, what: string, unit: string): string {
  if (points.length < 3)
    return `${sentence(panel)}: ${points.length} point${points.length === 1 ? '' : 's'} with both numbers; ρ needs at least 3.`;
  const r = spearmanInterval(
    points.map((p) => p.a2),
    points.map((p) => p.quality),
  );
  const interval =
    r.lo === null ? (points.length < 4 ? ' (no interval below 4 points)' : '') : ` (95% CI [${r.lo.toFixed(2)}, ${r.hi!.toFixed(2)}])`;
  const datasets = [...new Set(points.map((p) => p.dataset))].sort();
  const mixed = datasets.length > 1 ? ` (mixes datasets ${list(datasets)}, whose ${what} values are not comparable)` : '';
  return `${sentence(panel)}: Spearman ρ(A², ${what}) = ${Number.isFinite(r.rho) ? r.rho.toFixed(2) : 'undefined (a constant side)'}${interval} over ${points.length} ${unit}${mixed}.`;
}

/** Per variant and t, the means over seeds of A² and of the one-shot restoration's quality from x_t. */
function severities(
  rows: readonly GaussianityReportRow[],
  quality: (g: GaussianityReportRow) => number,
  panel: string,
  datasetOf: (variant: string) => string,
): Point[] {
  const groups = new Map<string, GaussianityReportRow[]>();
  for (const g of rows)
    if (Number.isFinite(g.andersonDarling) && Number.isFinite(quality(g)))
      groups.set(`${g.variant}@${g.t}`, [...(groups.get(`${g.variant}@${g.t}`) ?? []), g]);
  return [...groups.values()].map((g) => ({
    name: g[0].name,
    family: g[0].family,
    dataset: datasetOf(g[0].variant),
    panel,
    label: `${g[0].name} t=${g[0].t}`,
    a2: mean(g.map((r) => r.andersonDarling)),
    quality: mean(g.map(quality)),
  }));
}

/**
 * Left: every measured severity t of every degradation, A² of its residual against how well the
 * one-shot R(x_t, t) restores (FID-like where every point has one, else L1). Right: generation,
 * mean A² over t against FID-like at the pre-registered arms. Each panel with Spearman ρ and its interval.
 */
export function buildQ3(data: ReportData): Chart {
  const cells = toCells(data.rows);
  const measured = data.gaussianity.filter((g) => Number.isFinite(g.andersonDarling));
  const useFid = measured.length > 0 && measured.every((g) => Number.isFinite(g.restorationFid));
  const quality = useFid ? 'FID-like' : 'L1';
  const restorationPanel = `restoration from x_t, one shot (${quality})`;
  const datasetOf = (variant: string) => cells.find((c) => c.variant === variant)?.dataset ?? '';
  const restoration = severities(data.gaussianity, (g) => (useFid ? g.restorationFid : g.restorationL1), restorationPanel, datasetOf);

  const { q1 } = data.comparisons;
  const generationPanel = `generation at the declared arms (FID-like)`;
  const meanA2 = new Map<string, number[]>();
  for (const g of data.gaussianity)
    if (Number.isFinite(g.andersonDarling)) meanA2.set(g.variant, [...(meanA2.get(g.variant) ?? []), g.andersonDarling]);
  const generation = atDeclaredArms(pick(cells, { mode: 'generation', metric: 'fid' }), q1)
    .filter((c) => meanA2.has(c.variant))
    .map((c): Point => ({
      name: c.name,
      family: c.family,
      dataset: c.dataset,
      panel: generationPanel,
      label: c.name,
      a2: mean(meanA2.get(c.variant)!),
      quality: c.mean,
    }));
  const values = [...restoration, ...generation];

  const caption = data.gaussianity.length
    ? `x: ${RESIDUAL}, mean over seeds. ${rho(restoration, restorationPanel, quality, 'severities')} ${rho(generation, generationPanel, 'FID-like', 'degradations')} The severities of one degradation are not independent points, so the restoration interval is optimistic; "Gaussian" here is the residual's marginal shape, not the sampler's assumptions.`
    : 'No Gaussianity measurements in the completed runs, so non-Gaussianity cannot be related to quality.';
  const families = [...new Set(variants(cells).map((c) => c.family))].sort();
  const decades = values.length && values.every((p) => p.a2 > 0) ? powersOfTen(values.map((p) => p.a2)) : undefined;
  const x = {
    field: 'a2',
    type: 'quantitative',
    title: decades ? X_AXIS : X_AXIS.replace(' (log)', ''),
    scale: decades ? { type: 'log', padding: 16 } : { zero: false, padding: 16 },
    axis: { values: decades, format: '~g', labelAngle: 0 },
  };
  // Quality spans decades too (one-shot restoration from about 1 to several hundred FID-like).
  const yDecades = values.length && values.every((p) => p.quality > 0) ? powersOfTen(values.map((p) => p.quality)) : undefined;
  const y = {
    field: 'quality',
    type: 'quantitative',
    // Short: Vega stretches a facet cell to fit an axis title longer than the plot is high.
    title: useFid ? metricTitle(data.metrics.fid) : 'L1, left; FID-like, right',
    scale: yDecades ? { type: 'log', padding: 16 } : { zero: false, padding: 16 },
    axis: { values: yDecades, format: '~g' },
  };
  return makeChart('q3-gaussianity', QUESTION, caption, {
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: [restorationPanel, generationPanel] } },
    spec: {
      width: 260,
      height: 220,
      layer: [
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x,
            y,
            color: colour('family', families, 'family'),
            tooltip: [{ field: 'label' }, { field: 'a2', format: '.4g' }, { field: 'quality', format: '.4g' }],
          },
        },
        { mark: { type: 'text', align: 'left', dx: 6, fontSize: 9 }, encoding: { x, y, text: { field: 'name' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  });
}
