#!/usr/bin/env node
// Assembles docs/reference-report/ from a built report and its results folder, and prints where
// the runs' time went (for that folder's README, which is written by hand):
//
//   npx coldbench report results/cold-diffusion-digits
//   node scripts/reference-report.mjs reports/cold-diffusion-digits results/cold-diffusion-digits
//
// It keeps what a reader needs and git can hold: the charts as PNG, the restoration and generation
// tables, every caption (captions.md, from the specs), runs.csv, seed 0's sample grids
// (samples.md), and the finished runs as a results folder the report can be rebuilt from
// (<destination>/<results folder name>/: suite.json, and per run config.json, result.json,
// loss.csv and the grids result.json lists). Not kept: specs with data, SVG, HTML, results.csv,
// checkpoints, claims, training-step previews.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const CHARTS = ['q1-gaussian-noise', 'q2-randomness', 'q3-gaussianity', 'q4-samplers', 'q5-sharpness', 'q1-exploratory', 'loss-curves'];
const FILES = [...CHARTS.map((c) => `${c}.png`), 'restoration-table.md', 'generation-table.md', 'runs.csv'];
/** Restoration grids are left out where x_T keeps less than this share of x0 (restoring it is generation). */
const RESTORATION_SHARE = 0.01;

const [report, results, dst = 'docs/reference-report'] = process.argv.slice(2);
if (!report || !results || !existsSync(join(report, 'runs.csv')) || !existsSync(results)) {
  console.error(
    'usage: node scripts/reference-report.mjs <report folder> <results folder> [destination]: build the report first (coldbench report)',
  );
  process.exit(2);
}
const readJson = (...parts) => JSON.parse(readFileSync(join(...parts), 'utf8'));

for (const f of FILES) copyFileSync(join(report, f), join(dst, f));
let captions =
  "# Captions of the reference report\n\nEach chart's question and caption as `coldbench report` wrote them (its `.vl.json` holds the same text with the data).\n";
for (const c of CHARTS) {
  const spec = readJson(report, `${c}.vl.json`);
  captions += `\n## ${typeof spec.title === 'string' ? spec.title : spec.title.text}\n\n![${c}](${c}.png)\n\n${spec.description}\n`;
}
writeFileSync(join(dst, 'captions.md'), captions);

const runs = readdirSync(results)
  .filter((id) => existsSync(join(results, id, 'result.json')))
  .map((id) => ({ id, config: readJson(results, id, 'config.json'), result: readJson(results, id, 'result.json') }))
  .filter((r) => r.result.state === 'completed')
  .sort((a, b) => a.config.key.localeCompare(b.config.key));

// The finished runs, as coldbench saved them less what a report does not read.
const kept = join(dst, basename(results));
rmSync(kept, { recursive: true, force: true });
mkdirSync(kept);
copyFileSync(join(results, 'suite.json'), join(kept, 'suite.json'));
for (const { id, result } of runs) {
  mkdirSync(join(kept, id, 'samples'), { recursive: true });
  for (const f of ['config.json', 'result.json', 'loss.csv']) copyFileSync(join(results, id, f), join(kept, id, f));
  for (const g of result.grids) copyFileSync(join(results, id, 'samples', g.file), join(kept, id, 'samples', g.file));
}

// Seed 0's grids: restoration, and generation at δ = 0 (cold) and 0.002 (the paper's broken symmetry).
rmSync(join(dst, 'samples'), { recursive: true, force: true });
mkdirSync(join(dst, 'samples'));
let samples =
  "# Sample grids of the reference report (seed 0)\n\nEach grid is a copy of a run's `samples/*.png`; its rows are named under it, and its columns are the same held-out images (restoration) or the same prior draws (generation). The other seeds' grids are in the results folder and the HTML report.\n";
for (const { id, config, result } of runs.filter((r) => r.config.point.seed === 0)) {
  const share = result.evaluation?.x0ShareAtT ?? null;
  const grids = result.grids.filter((g) =>
    g.mode === 'restoration' ? share === null || share >= RESTORATION_SHARE : [0, 0.002].includes(g.delta),
  );
  for (const g of grids) {
    const name = `${config.point.degradation}-${g.file}`;
    copyFileSync(join(results, id, 'samples', g.file), join(dst, 'samples', name));
    samples += `\n## ${config.key}: ${g.mode}${g.delta === null ? '' : `, δ = ${g.delta}`}\n\n![${name}](samples/${name})\n\nRows: ${g.rows.join('; ')}.\n`;
  }
}
writeFileSync(join(dst, 'samples.md'), samples);

// Where the time went: each completed run's timed phases, summed by kind.
const phases = new Map();
const perRun = new Map();
for (const { config, result } of runs) {
  let total = 0;
  for (const { phase, ms } of result.timings) {
    const [what, mode, sampler] = phase.split(' ');
    const kind = what === 'sample' ? `sample ${sampler}` : what === 'metrics' ? `metrics ${mode}` : what;
    phases.set(kind, (phases.get(kind) ?? 0) + ms / 1000);
    total += ms / 1000;
  }
  perRun.set(config.point.degradation, [...(perRun.get(config.point.degradation) ?? []), total]);
}
const sum = [...phases.values()].reduce((a, b) => a + b, 0);
const share = (s) => `${s.toFixed(0)} s (${((100 * s) / sum).toFixed(1)}%)`;
console.log(`${runs.length} completed runs: ${sum.toFixed(0)} s in timed phases`);
for (const [kind, s] of [...phases].sort((a, b) => b[1] - a[1])) console.log(`  ${kind}: ${share(s)}`);
for (const [degradation, t] of perRun)
  console.log(`  per run, ${degradation}: ${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)} s (${t.length} runs)`);
console.log(`wrote ${FILES.length} files, captions.md, samples.md and ${runs.length} runs in ${kept} to ${dst}`);
