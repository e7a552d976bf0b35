import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PLUGINS } from '../../src/plugins.js';
import type { ReportData } from '../../src/reports/rows.js';
import { comparisonsOf } from '../../src/results/comparisons.js';
import { RESULTS_FORMAT } from '../../src/results/types.js';

/**
 * A hand-made results folder with known numbers (no training): gaussian, blur, pixelate
 * (generate) and inpaint (restoration-only) × seeds 0 and 1, one errored snow run and one
 * unfinished snow run. FID-like is the base ∓ 1 for seed 0/1 (mean = base, std = √2); every
 * other metric is the same for both seeds.
 */
export const DEGRADATIONS = {
  gaussian: { family: 'noise', stochastic: true, canGenerate: true, a2: 1, restorationOffset: 0 },
  pixelate: { family: 'pixelation', stochastic: false, canGenerate: true, a2: 10, restorationOffset: 10 },
  blur: { family: 'blur', stochastic: false, canGenerate: true, a2: 100, restorationOffset: 20 },
  inpaint: { family: 'mask', stochastic: false, canGenerate: false, a2: 1000, restorationOffset: 30 },
} as const;
type Name = keyof typeof DEGRADATIONS;

export const SEEDS = [0, 1];
/** Run folder ids: blur seed 1 is cc1000000000. */
const ID_PREFIX = { gaussian: 'aa', pixelate: 'bb', blur: 'cc', inpaint: 'dd', snow: 'ee' } as const;
export const SAMPLERS = ['direct', 'alg1', 'alg2'] as const;
export const DELTAS = [0, 0.05];
export const ERROR = 'RangeError: out of memory while training (synthetic)';

/** Generation FID-like of alg2 by δ (direct +20, alg1 +10): best cold is blur 41.2 (alg2, δ=0.05), hot gaussian 35 (alg2, δ=0). */
export const GEN_FID: Record<Exclude<Name, 'inpaint'>, Record<number, number>> = {
  gaussian: { 0: 35, 0.05: 35 },
  blur: { 0: 60, 0.05: 41.2 },
  pixelate: { 0: 50, 0.05: 55 },
};
const GEN_DIVERSITY: Record<Exclude<Name, 'inpaint'>, Record<number, number>> = {
  gaussian: { 0: 10, 0.05: 10 },
  blur: { 0: 1, 0.05: 5 },
  pixelate: { 0: 3, 0.05: 2 },
};
const SAMPLER_FID = { direct: 20, alg1: 10, alg2: 0 } as const;

/**
 * Restoration metrics by sampler (FID-like plus the degradation's offset): alg2 has the best
 * FID-like, direct the best SSIM and PSNR, alg2 the sharpness closest to 1.
 */
export const RESTORATION = {
  degraded: { fid: 100, ssim: 0.3, psnr: 10, sharpness: 0.2 },
  direct: { fid: 60, ssim: 0.7, psnr: 20, sharpness: 0.4 },
  alg1: { fid: 80, ssim: 0.5, psnr: 15, sharpness: 1.3 },
  alg2: { fid: 50, ssim: 0.6, psnr: 19, sharpness: 0.9 },
} as const;
const GEN_SHARPNESS = { direct: 0.3, alg1: 0.5, alg2: 0.8 } as const;

interface Row {
  mode: string;
  sampler: string;
  delta: number | null;
  metric: string;
  value: number | null;
  std?: number;
  boot?: number[];
}

/**
 * Bootstrap replicates of every row but KID: value + k·(−1, 0, 1), k by sampler, so a mean's
 * bootstrap std is k and two samplers' paired difference has std |k_a − k_b| (0 within one sampler).
 */
export const BOOT_K: Record<string, number> = { degraded: 4, direct: 2, alg1: 3, alg2: 1 };
const withBoot = (r: Row): Row =>
  r.metric === 'kid' || r.value === null ? r : { ...r, boot: [-1, 0, 1].map((o) => r.value! + BOOT_K[r.sampler] * o) };

/** The fixture suite's pre-registered comparisons: the samplers and δ it ran. */
export const COMPARISONS = {
  q1: { hot: { sampler: 'alg2', delta: 0 }, cold: { sampler: 'alg2', delta: 0.05 } },
  q2: { sampler: 'alg2', cold: 0, broken: 0.05 },
  q4: { reference: 'alg2', delta: 0.05 },
};

function metricRows(name: Name, seed: number): Row[] {
  const d = DEGRADATIONS[name];
  const jitter = seed === 0 ? -1 : 1;
  const rows: Row[] = [];
  for (const [sampler, m] of Object.entries(RESTORATION)) {
    const where = { mode: 'restoration', sampler, delta: null };
    rows.push(
      { ...where, metric: 'fid', value: m.fid + d.restorationOffset + jitter },
      { ...where, metric: 'kid', value: m.fid / 10, std: 0.5 },
      { ...where, metric: 'diversity', value: 7 },
      { ...where, metric: 'sharpness', value: m.sharpness },
      { ...where, metric: 'l1', value: 0.2 },
      { ...where, metric: 'rmse', value: 0.3 },
      { ...where, metric: 'psnr', value: m.psnr },
      { ...where, metric: 'ssim', value: m.ssim },
    );
  }
  if (name !== 'inpaint') {
    for (const delta of DELTAS) {
      for (const sampler of SAMPLERS) {
        const where = { mode: 'generation', sampler, delta };
        rows.push(
          { ...where, metric: 'fid', value: GEN_FID[name][delta] + SAMPLER_FID[sampler] + jitter },
          { ...where, metric: 'kid', value: 1, std: 0.1 },
          { ...where, metric: 'diversity', value: GEN_DIVERSITY[name][delta] },
          { ...where, metric: 'sharpness', value: GEN_SHARPNESS[sampler] },
          // Share of samples the digits classifier recognises: 0.5 for the hot baseline, 0.3 for the rest.
          { ...where, metric: 'recognisable', value: name === 'gaussian' ? 0.5 : 0.3 },
        );
      }
    }
  }
  return rows.map(withBoot);
}

/** Rows of a completed run in results.csv: restoration 4 samplers × 8 metrics, generation 3 samplers × 2 δ × 5 metrics. */
export const CSV_ROWS = SEEDS.length * (4 * 8 * 4 + 3 * 3 * 2 * 5);

/** A grid PNG like gridToPng's: `rows` rows of 3 cells of 16 px, 2 px gaps. */
async function grid(rows: number): Promise<Buffer> {
  const [width, height] = [3 * 16 + 2 * 2, rows * 16 + (rows - 1) * 2];
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 200 } } })
    .png()
    .toBuffer();
}

async function writeRun(root: string, name: Name | 'snow', seed: number, result: object | null): Promise<void> {
  const key = `${name}[seed=${seed},steps=5]`;
  const id = `${ID_PREFIX[name]}${seed}`.padEnd(12, '0'); // 12 hex digits, as run ids are
  const degradation =
    name === 'snow'
      ? { name, family: 'snow', stochastic: true, version: 1, canGenerate: false }
      : {
          name,
          family: DEGRADATIONS[name].family,
          stochastic: DEGRADATIONS[name].stochastic,
          version: 1,
          canGenerate: DEGRADATIONS[name].canGenerate,
        };
  const dir = join(root, id);
  await mkdir(join(dir, 'samples'), { recursive: true });
  const spec = {
    key,
    seed: 1000 + seed,
    evaluationSeed: 2000 + seed,
    dataset: 'digits',
    size: 32,
    degradation: name,
    params: { steps: 5 },
    model: { preset: 'tiny' },
    train: { steps: 150, batch: 8 },
    sampling: { samplers: [...SAMPLERS], deltas: DELTAS, count: 96 },
  };
  const point = {
    variant: `${name}[steps=5]`,
    degradation: name,
    params: { steps: 5 },
    settings: {},
    seed,
    dataset: 'digits',
    size: 32,
    preset: 'tiny',
  };
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      format: RESULTS_FORMAT,
      suite: 'synthetic',
      key,
      id,
      spec,
      point,
      degradation,
      versions: { coldbench: '0.1.0' },
      gitCommit: null,
      backend: 'cpu',
      cpu: 'Test CPU (2 cores)',
    }),
  );
  if (!result) return;
  const base = { format: RESULTS_FORMAT, suite: 'synthetic', key, id, degradation, dataset: 'digits', durationMs: 1 };
  const completed = (result as { state: string }).state === 'completed';
  // The sample grids as the worker lists them: restoration, then one per δ where it generates.
  const grids = [
    { file: 'restoration.png', mode: 'restoration', delta: null, rows: ['x0 (real)', 'x_T (degraded)', ...SAMPLERS] },
    ...(degradation.canGenerate
      ? DELTAS.map((delta) => ({
          file: `generation-delta-${delta}.png`,
          mode: 'generation',
          delta,
          rows: [`x_T (prior, δ=${delta})`, ...SAMPLERS],
        }))
      : []),
  ];
  await writeFile(join(dir, 'result.json'), JSON.stringify({ ...base, ...result, ...(completed && { grids }) }));
  if (!completed) return;
  await writeFile(join(dir, 'loss.csv'), 'step,loss\n1,0.5\n2,0.25\n'); // as the worker writes it
  for (const g of grids) await writeFile(join(dir, 'samples', g.file), await grid(g.rows.length));
}

/** Writes the synthetic suite into a fresh temp folder and returns its path. */
export async function syntheticResults(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'coldbench-report-'));
  const dir = join(root, 'synthetic');
  await mkdir(dir);
  await writeFile(
    join(dir, 'suite.json'),
    JSON.stringify({
      format: RESULTS_FORMAT,
      suite: 'synthetic',
      definition: { name: 'synthetic', description: 'Hand-made numbers for the report tests.', comparisons: COMPARISONS },
    }),
  );
  for (const name of Object.keys(DEGRADATIONS) as Name[]) {
    for (const seed of SEEDS) {
      const gaussianity = [
        { t: 0, skewness: null, excessKurtosis: null, andersonDarling: null, n: 100 },
        // One-shot restoration from x_t: FID-like = the degradation's offset + 10·t, L1 = 0.01·t.
        ...[1, 5].map((t) => ({
          t,
          skewness: 0,
          excessKurtosis: 0,
          andersonDarling: DEGRADATIONS[name].a2,
          n: 100,
          restoration: { fid: DEGRADATIONS[name].restorationOffset + 10 * t, l1: 0.01 * t },
        })),
      ];
      // Blur's generation start is a flat colour (a 1-d mixture over the mean); pixelate's a 16-d draw.
      const prior = {
        gaussian: { kind: 'noise', dims: null, flat: false },
        blur: { kind: 'gmm', dims: 1, flat: true },
        pixelate: { kind: 'gmm', dims: 16, flat: false },
        inpaint: null,
      }[name];
      await writeRun(dir, name, seed, {
        state: 'completed',
        metrics: metricRows(name, seed),
        gaussianity,
        featureNet: { hash: 'abc', objective: 'labels', testAccuracy: 0.9 },
        finalLoss: 0.1,
        evaluation: { prior },
        timings: [
          { phase: 'train', ms: 2000 },
          { phase: 'features', ms: 500 },
          { phase: 'sample restoration alg2', ms: 300 },
          { phase: 'metrics restoration alg2', ms: 200 },
        ],
      });
    }
  }
  await writeRun(dir, 'snow', 0, { state: 'errored', error: ERROR });
  await writeRun(dir, 'snow', 1, null);
  return dir;
}

/** An RFC 4180 parser for the tests (quoted fields, doubled quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let [row, field, quoted] = [[] as string[], '', false];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\n') {
      rows.push([...row, field]);
      [row, field] = [[], ''];
    } else {
      field += ch;
    }
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** Report data with no runs: what a chart gets from an empty results folder. */
export function emptyReportData(overrides: Partial<ReportData> = {}): ReportData {
  return {
    metrics: PLUGINS.metrics,
    rows: [],
    gaussianity: [],
    notRestoration: [],
    floors: [],
    flatStarts: [],
    comparisons: comparisonsOf({}),
    losses: [],
    ...overrides,
  };
}
