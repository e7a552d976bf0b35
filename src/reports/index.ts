import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { comparisonsOf } from '../results/comparisons.js';
import { readSuiteResults, type SavedRun } from '../results/read.js';
import { writeFileAtomic } from '../util/fs.js';
import { resultsCsv, runDetail, runsCsv } from './csv.js';
import { reportHtml, type SampleGrid } from './html.js';
import { buildQ1, buildQ1Exploratory } from './q1-gaussian-noise.js';
import { buildQ2 } from './q2-randomness.js';
import { buildQ3 } from './q3-gaussianity.js';
import { buildQ4 } from './q4-samplers.js';
import { buildQ5 } from './q5-sharpness.js';
import { renderSvg, svgToPng } from './render.js';
import { countStates, toReportData, type ReportData, type StateCounts } from './rows.js';
import type { Chart } from './spec.js';
import { buildRestorationTable, tableMarkdown } from './table.js';

/** The report's charts, one builder per question, in page order. */
export const CHARTS: readonly ((data: ReportData) => Chart)[] = [buildQ1, buildQ2, buildQ3, buildQ4, buildQ5, buildQ1Exploratory];

/** What `writeReport` wrote. */
export interface ReportSummary {
  /** Chart names (file stems) written as .vl.json, .svg and .png. */
  readonly charts: string[];
  /** Run folders found. */
  readonly runs: number;
  readonly counts: StateCounts;
  /** Every file written, relative to the report folder, sorted. */
  readonly files: string[];
}

/** Which rows a run's sample grid has, top to bottom, by file name. */
function gridRows(run: SavedRun, file: string): string[] {
  const samplers = [...run.config.spec.sampling.samplers];
  if (file === 'restoration.png') return ['x0 (real)', 'x_T (degraded)', ...samplers];
  const delta = /^generation-delta-(.+)\.png$/.exec(file)?.[1];
  return delta === undefined ? [] : [`x_T (prior, δ=${delta})`, ...samplers];
}

/** Copies each completed run's sample grids to `samples/<degradation>-<id>-<file>` and describes them. */
async function copySamples(runs: readonly SavedRun[], write: (name: string, data: string | Uint8Array) => Promise<void>): Promise<SampleGrid[]> {
  const grids: SampleGrid[] = [];
  for (const run of runs) {
    const dir = join(run.dir, 'samples');
    if (run.result?.state !== 'completed' || !existsSync(dir)) continue;
    const order = (f: string) => (f === 'restoration.png' ? -Infinity : Number(/^generation-delta-(.+)\.png$/.exec(f)?.[1]));
    const files = (await readdir(dir)).filter((f) => gridRows(run, f).length).sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
    for (const f of files) {
      const bytes = await readFile(join(dir, f));
      const { width = 0, height = 0 } = await sharp(bytes).metadata();
      // Names from result files are untrusted: only the folder's own name (12 hex digits, checked
      // when read) and a degradation name of the registry's shape go into a path.
      const degradation = /^[a-z0-9-]{1,40}$/.test(run.config.degradation.name) ? run.config.degradation.name : 'run';
      const file = `samples/${degradation}-${basename(run.dir)}-${f}`;
      await write(file, bytes);
      grids.push({ file, title: `${run.config.key} — ${f.replace(/\.png$/, '').replace('generation-delta-', 'generation, δ=')}`, rows: gridRows(run, f), width, height });
    }
  }
  return grids;
}

/**
 * Writes the report of `results/<suite>` (read-only: result files, never training) to `outDir`:
 * each chart as `.vl.json` + `.svg` + `.png`, `results.csv`, `runs.csv`, `restoration-table.md`,
 * copies of the sample grids and an offline `index.html`. Same inputs give the same bytes.
 */
export async function writeReport(resultsDir: string, outDir: string): Promise<ReportSummary> {
  const { suite, runs } = await readSuiteResults(resultsDir);
  const counts = countStates(runs);
  const data = toReportData(suite.suite, runs, comparisonsOf(suite.definition));
  const files: string[] = [];
  const write = async (name: string, content: string | Uint8Array) => {
    await writeFileAtomic(join(outDir, name), content);
    files.push(name);
  };

  const charts = counts.completed ? CHARTS.map((build) => build(data)) : [];
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec);
    await write(`${chart.name}.vl.json`, `${JSON.stringify(chart.spec, null, 2)}\n`);
    await write(`${chart.name}.svg`, svg);
    await write(`${chart.name}.png`, await svgToPng(svg));
  }
  const table = buildRestorationTable(data);
  await write('restoration-table.md', tableMarkdown(table));
  await write('results.csv', resultsCsv(data.rows));
  await write('runs.csv', runsCsv(runs));
  const samples = await copySamples(runs, write);

  const definition = suite.definition as { description?: unknown } | null;
  const problems = runs.filter((r) => r.result?.state !== 'completed')
    .map((r) => ({ key: r.config.key, id: r.config.id, state: r.result?.state ?? 'unfinished', detail: runDetail(r) }));
  await write('index.html', reportHtml({
    suite: suite.suite, description: typeof definition?.description === 'string' ? definition.description : '',
    counts, problems, charts, table, samples,
  }));
  return { charts: charts.map((c) => c.name), runs: runs.length, counts, files: files.sort() };
}

export { toReportData, countStates, type ReportRow, type GaussianityReportRow, type ReportData, type StateCounts } from './rows.js';
export { CSV_COLUMNS, RUNS_COLUMNS } from './csv.js';
export { spearman } from './stats.js';
export type { Chart } from './spec.js';
