import { CSV_COLUMNS, RUNS_COLUMNS } from './csv.js';
import type { StateCounts } from './rows.js';
import type { Chart } from './spec.js';
import { cellText, type GenerationTable, type RestorationTable } from './table.js';

/** A copied sample grid and what its rows show, top to bottom. */
export interface SampleGrid {
  /** Path relative to the report folder. */
  readonly file: string;
  readonly title: string;
  readonly rows: readonly string[];
  readonly width: number;
  readonly height: number;
}

/** A run that did not complete, for the page's list. */
export interface RunProblem {
  readonly key: string;
  readonly id: string;
  readonly state: string;
  readonly detail: string;
}

/** Where and how a group of runs ran: one row per distinct engine, CPU, commit and versions. */
export interface ProvenanceRow {
  readonly runs: number;
  readonly backend: string;
  readonly cpu: string;
  readonly commit: string;
  readonly versions: string;
  /** Distinct U-Net presets, training steps × batch and samples per set of these runs. */
  readonly settings: string;
  /** Wall time of their attempts, summed. */
  readonly seconds: number;
}

/** Everything `index.html` shows; `reportHtml` only lays it out. */
export interface Page {
  readonly suite: string;
  readonly description: string;
  readonly counts: StateCounts;
  readonly problems: readonly RunProblem[];
  readonly charts: readonly Chart[];
  readonly table: RestorationTable;
  readonly generation: GenerationTable;
  readonly samples: readonly SampleGrid[];
  readonly provenance: readonly ProvenanceRow[];
  /** The suite as run (its saved definition), pretty-printed JSON. */
  readonly definition: string;
}

/** Pixels between grid rows (`gridToPng`'s default gap). */
const GRID_GAP = 2;

const STYLE = `
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
.caption { background: #f6f6f6; border-left: 4px solid #4c78a8; padding: 0.5em 0.8em; }
.files, .note { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; } th { background: #f0f0f0; } td.name, th.name { text-align: left; }
.state-errored, .state-diverged { color: #b00; }
.grid { display: grid; grid-template-columns: auto auto; column-gap: 0.6em; align-items: start; margin: 0.4em 0 1.4em; }
.labels { display: grid; row-gap: ${GRID_GAP}px; font-size: 0.8em; text-align: right; }
.labels span { display: flex; align-items: center; justify-content: flex-end; }
.grid img { image-rendering: pixelated; }
code { font-size: 0.92em; }
`;

/** Escapes text for HTML content and attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function runsSection(p: Page): string {
  const states = Object.entries(p.counts).filter(([, n]) => n > 0);
  const total = Object.values(p.counts).reduce((a, b) => a + b, 0);
  const counts = `<table><tr>${states.map(([s]) => `<th>${s}</th>`).join('')}<th>total</th></tr><tr>${states.map(([, n]) => `<td>${n}</td>`).join('')}<td>${total}</td></tr></table>`;
  const problems = p.problems.length
    ? `<table><tr><th class="name">run</th><th class="name">id</th><th class="name">state</th><th class="name">detail</th></tr>${p.problems
        .map(
          (r) =>
            `<tr class="state-${escapeHtml(r.state)}"><td class="name"><code>${escapeHtml(r.key)}</code></td><td class="name">${escapeHtml(r.id)}</td><td class="name">${escapeHtml(r.state)}</td><td class="name">${escapeHtml(r.detail)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const empty =
    p.counts.completed === 0
      ? '<p class="caption">No completed runs in this suite yet, so there is nothing to chart; run the suite, then regenerate this report.</p>'
      : '';
  return `<h2 id="runs">Runs</h2>${counts}${problems}${empty}`;
}

function provenanceSection(p: Page): string {
  const cell = (text: string | number) => `<td class="name">${escapeHtml(String(text))}</td>`;
  const rows = p.provenance
    .map(
      (r) =>
        `<tr>${[r.runs, r.backend, r.cpu, r.commit, r.versions, r.settings, `${(r.seconds / 60).toFixed(1)} min`].map(cell).join('')}</tr>`,
    )
    .join('');
  return `<h2 id="provenance">Settings and provenance</h2>
<p class="note">Where the runs ran (every time in the result files is that CPU's), with which code and settings; <a href="runs.csv">runs.csv</a> has it per run.</p>
<table><tr>${['runs', 'engine', 'CPU', 'commit', 'versions', 'settings', 'wall time'].map((h) => `<th class="name">${h}</th>`).join('')}</tr>${rows}</table>
<details><summary>The suite as run (suite.json)</summary><pre>${escapeHtml(p.definition)}</pre></details>`;
}

function chartSection(c: Chart): string {
  return `<h2 id="${c.name}">${escapeHtml(c.question)}</h2>
<img src="${c.name}.svg" alt="${escapeHtml(c.question)}">
<p class="caption">${escapeHtml(c.caption)}</p>
<p class="files">Files: <a href="${c.name}.vl.json">${c.name}.vl.json</a> (Vega-Lite spec with its data), <a href="${c.name}.svg">.svg</a>, <a href="${c.name}.png">.png</a></p>`;
}

function generationSection(t: GenerationTable): string {
  const head = `<tr><th class="name">degradation (family)</th><th class="name">arm</th>${t.metrics.map((m) => `<th>${escapeHtml(m.label)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map(
      (r) =>
        `<tr><td class="name">${escapeHtml(r.name)} (${escapeHtml(r.family)})</td><td class="name">${escapeHtml(r.arm)}</td>${r.cells.map((c) => `<td>${escapeHtml(cellText(c))}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<h2 id="generation">Generation table</h2>${t.rows.length ? `<table>${head}${body}</table>` : ''}<p class="caption">${escapeHtml(t.caption)}</p><p class="files">Also as <a href="generation-table.md">generation-table.md</a>.</p>`;
}

function tableSection(t: RestorationTable): string {
  if (!t.rows.length) return `<h2 id="table">Restoration table</h2><p class="caption">${escapeHtml(t.caption)}</p>`;
  const head1 = `<tr><th class="name" rowspan="2">degradation (family)</th>${t.metrics.map((m) => `<th colspan="${t.samplers.length}">${escapeHtml(m.label)}</th>`).join('')}</tr>`;
  const head2 = `<tr>${t.metrics.map(() => t.samplers.map((s) => `<th>${escapeHtml(s)}</th>`).join('')).join('')}</tr>`;
  const body = t.rows
    .map(
      (r) =>
        `<tr><td class="name">${escapeHtml(r.name)} (${escapeHtml(r.family)}, ${escapeHtml(r.dataset)})</td>${r.groups
          .map((g) => g.cells.map((c) => `<td>${escapeHtml(cellText(c))}</td>`).join(''))
          .join('')}</tr>`,
    )
    .join('\n');
  return `<h2 id="table">Restoration table</h2><table>${head1}${head2}${body}</table><p class="caption">${escapeHtml(t.caption)}</p><p class="files">Also as <a href="restoration-table.md">restoration-table.md</a>.</p>`;
}

function gridFigure(g: SampleGrid): string {
  const cell = (g.height - GRID_GAP * (g.rows.length - 1)) / g.rows.length;
  return `<h3>${escapeHtml(g.title)}</h3><div class="grid"><div class="labels" style="grid-template-rows: repeat(${g.rows.length}, ${cell}px)">${g.rows.map((r) => `<span>${escapeHtml(r)}</span>`).join('')}</div><img src="${escapeHtml(g.file)}" width="${g.width}" height="${g.height}" alt="${escapeHtml(g.title)}"></div>`;
}

function filesSection(): string {
  const columns = (cols: Record<string, string>) =>
    `<table>${Object.entries(cols)
      .map(([k, doc]) => `<tr><td class="name"><code>${k}</code></td><td class="name">${escapeHtml(doc)}</td></tr>`)
      .join('')}</table>`;
  return `<h2 id="data">Data files</h2>
<p><a href="results.csv">results.csv</a>: one row per completed run × mode × sampler × δ × metric. Plain header, no index column, comma-separated, UTF-8; keys containing commas are quoted. An empty cell means "does not apply" (pandas reads it as NaN); a stored non-finite value is written <code>NaN</code>. <code>pandas.read_csv('results.csv')</code> reads it as is.</p>${columns(CSV_COLUMNS)}
<p><a href="runs.csv">runs.csv</a>: one row per run folder, whatever its state.</p>${columns(RUNS_COLUMNS)}`;
}

/** The report page: self-contained HTML with no scripts; charts and grids are local files next to it. */
export function reportHtml(p: Page): string {
  const nav = [
    ['runs', 'Runs'],
    ...p.charts.map((c) => [c.name, c.question.split('.')[0]]),
    ['table', 'Restoration table'],
    ['generation', 'Generation table'],
    ['samples', 'Samples'],
    ['provenance', 'Provenance'],
    ['data', 'Data files'],
  ]
    .map(([id, text]) => `<a href="#${id}">${escapeHtml(text)}</a>`)
    .join(' · ');
  const samples = p.samples.length ? p.samples.map(gridFigure).join('\n') : '<p class="note">No sample grids (no completed runs).</p>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>coldbench report: ${escapeHtml(p.suite)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>coldbench report: ${escapeHtml(p.suite)}</h1>
<p>${escapeHtml(p.description)}</p>
<p class="note">Generated from the result files only (nothing was trained). ${nav}</p>
${runsSection(p)}
${p.charts.map(chartSection).join('\n')}
${tableSection(p.table)}
${generationSection(p.generation)}
<h2 id="samples">Samples</h2>
<p class="note">Each grid is a copy of a run's <code>samples/*.png</code>; images of a row share a sampler, columns are the same held-out images (restoration) or the same prior draws (generation).</p>
${samples}
${provenanceSection(p)}
${filesSection()}
</body>
</html>
`;
}
