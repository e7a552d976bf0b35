import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { comparisonsOf } from '../results/comparisons.js';
import { gridFile, runPaths } from '../results/layout.js';
import { readSuiteResults, type SavedRun } from '../results/read.js';
import { writeFileAtomic } from '../util/fs.js';
import { resultsCsv, runDetail, runsCsv } from './csv.js';
import { reportHtml, type ProvenanceRow, type SampleGrid } from './html.js';
import { buildQ1, buildQ1Exploratory } from './q1-gaussian-noise.js';
import { buildQ2 } from './q2-randomness.js';
import { buildQ3 } from './q3-gaussianity.js';
import { buildQ4 } from './q4-samplers.js';
import { buildQ5 } from './q5-sharpness.js';
import { buildLossCurves } from './loss-curves.js';
import { renderSvg, svgToPng } from './render.js';
import { countStates, toReportData, type ReportCatalogue, type ReportData, type StateCounts } from './rows.js';
import type { Chart } from './spec.js';
import { buildGenerationTable, buildRestorationTable, generationMarkdown, tableMarkdown } from './table.js';

/** The report's charts, one builder per question, in page order. */
export const CHARTS: readonly ((data: ReportData) => Chart)[] = [
  buildQ1,
  buildQ2,
  buildQ3,
  buildQ4,
  buildQ5,
  buildQ1Exploratory,
  buildLossCurves,
];

/** What `writeReport` wrote. */
export interface ReportSummary {
  /** Chart names (file stems) written as .vl.json, .svg and .png. */
  readonly charts: string[];
  /** Run folders of the suite found. */
  readonly runs: number;
  /** Run folders left out: runs an earlier version of the suite had and this one has not. */
  readonly outside: number;
  readonly counts: StateCounts;
  /** Every file written, relative to the report folder, sorted. */
  readonly files: string[];
}

/** Copies each completed run's sample grids (as its result lists them) to `samples/<degradation>-<id>-<file>` and describes them. */
async function copySamples(
  runs: readonly SavedRun[],
  write: (name: string, data: string | Uint8Array) => Promise<void>,
): Promise<SampleGrid[]> {
  const grids: SampleGrid[] = [];
  for (const run of runs) {
    if (run.result?.state !== 'completed') continue;
    for (const grid of run.result.grids) {
      // Names from result files are untrusted: only the folder's own name (12 hex digits, checked
      // when read), a degradation name of the registry's shape and a grid file name as
      // results/layout.ts makes them go into a path.
      if (grid.file !== gridFile(grid.mode, grid.delta)) continue;
      const path = runPaths(run.dir).sample(grid.file);
      if (!existsSync(path)) continue;
      const bytes = await readFile(path);
      const { width = 0, height = 0 } = await sharp(bytes).metadata();
      const degradation = /^[a-z0-9-]{1,40}$/.test(run.config.degradation.name) ? run.config.degradation.name : 'run';
      const file = `samples/${degradation}-${basename(run.dir)}-${grid.file}`;
      await write(file, bytes);
      grids.push({
        file,
        title: `${run.config.key} — ${grid.mode === 'restoration' ? 'restoration' : `generation, δ=${grid.delta}`}`,
        rows: grid.rows,
        width,
        height,
      });
    }
  }
  return grids;
}

/** The loss column of a run's loss.csv (`step,loss` rows, written by the worker), or none where it is missing. */
async function readLosses(path: string): Promise<number[]> {
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[1]));
}

/** Runs grouped by engine, CPU, commit and versions, with their settings and summed wall time. */
function provenance(runs: readonly SavedRun[]): ProvenanceRow[] {
  const groups = new Map<string, SavedRun[]>();
  for (const run of runs) {
    const { backend, cpu, gitCommit: commit, versions } = run.config;
    const id = JSON.stringify([backend, cpu, commit, versions]);
    groups.set(id, [...(groups.get(id) ?? []), run]);
  }
  const distinct = (values: string[]) => [...new Set(values)].sort().join('; ');
  return [...groups.values()].map((g) => {
    const { backend, cpu, gitCommit: commit, versions } = g[0].config;
    return {
      runs: g.length,
      backend,
      cpu: cpu ?? 'not recorded',
      commit: commit ? commit.slice(0, 12) : 'not in git',
      versions: Object.entries(versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      settings: distinct(
        g.map(
          ({ config: { spec } }) =>
            `${spec.model.preset} U-Net, ${spec.train.steps} steps × batch ${spec.train.batch}, ${spec.sampling.count} samples per set`,
        ),
      ),
      seconds: g.reduce((s, r) => s + (r.result?.durationMs ?? 0) / 1000, 0),
    };
  });
}

export interface ReportOptions {
  /**
   * The run ids the saved suite expands to (the caller expands it: reports import no suite
   * registry); run folders outside it, left by an earlier version of the suite, are left out.
   */
  readonly runIds?: ReadonlySet<string>;
}

/**
 * Writes the report of `results/<suite>` (read-only: result files, never training) to `outDir`:
 * each chart as `.vl.json` + `.svg` + `.png`, `results.csv`, `runs.csv`, `restoration-table.md`,
 * copies of the sample grids and an offline `index.html`. Same inputs give the same bytes.
 */
export async function writeReport(
  resultsDir: string,
  outDir: string,
  catalogue: ReportCatalogue,
  options: ReportOptions = {},
): Promise<ReportSummary> {
  const { suite, runs: found } = await readSuiteResults(resultsDir);
  const runs = options.runIds ? found.filter((r) => options.runIds!.has(r.config.id)) : found;
  const counts = countStates(runs);
  const losses = new Map<string, number[]>();
  for (const run of runs) if (run.result?.state === 'completed') losses.set(run.config.id, await readLosses(runPaths(run.dir).loss));
  const data = toReportData(suite.suite, runs, catalogue, comparisonsOf(suite.definition), (run) => losses.get(run.config.id) ?? []);
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
  const generation = buildGenerationTable(data);
  await write('generation-table.md', generationMarkdown(generation));
  await write('results.csv', resultsCsv(data.rows));
  await write('runs.csv', runsCsv(runs));
  const samples = await copySamples(runs, write);

  const definition = suite.definition as { description?: unknown } | null;
  const problems = runs
    .filter((r) => r.result?.state !== 'completed')
    .map((r) => ({ key: r.config.key, id: r.config.id, state: r.result?.state ?? 'unfinished', detail: runDetail(r) }));
  await write(
    'index.html',
    reportHtml({
      suite: suite.suite,
      description: typeof definition?.description === 'string' ? definition.description : '',
      counts,
      problems,
      charts,
      table,
      generation,
      samples,
      provenance: provenance(runs),
      definition: JSON.stringify(suite.definition, null, 2),
    }),
  );
  return { charts: charts.map((c) => c.name), runs: runs.length, outside: found.length - runs.length, counts, files: files.sort() };
}

export {
  toReportData,
  countStates,
  type ReportCatalogue,
  type ReportRow,
  type GaussianityReportRow,
  type ReportData,
  type StateCounts,
} from './rows.js';
export { CSV_COLUMNS, RUNS_COLUMNS } from './csv.js';
export { spearman } from './stats.js';
export type { Chart } from './spec.js';
