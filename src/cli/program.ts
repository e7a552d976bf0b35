import { PLUGINS } from '../plugins.js';
import { packageVersions } from '../runner/provenance.js';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../errors.js';
import {
  BACKEND_CHOICES,
  initEngine,
  precisionProblem,
  resolveAuto,
  retestNative,
  selfTestFailureLine,
  type BackendChoice,
} from '../engine/backend.js';
import { runTorchBench } from '../bench/torch-compare.js';
import { BENCH_PRESETS, benchTrain, type BenchPreset } from '../bench/train-speed.js';
import { describeDatasets } from '../data/index.js';
import { describeDegradations, getDegradation } from '../degradations/index.js';
import { benchMetrics } from '../bench/metrics-speed.js';
import { benchSample, INFERENCE_CHUNK } from '../bench/sample-speed.js';
import { UNET_PRESETS, type UNetPreset } from '../model/unet.js';
import { writePreview } from './preview.js';
import { sampleFromRun, type SampleRequest } from '../worker/sample.js';
import { readSuiteFile, readSuiteResults } from '../results/read.js';
import { comparisonsOf } from '../results/comparisons.js';
import { compareResults, comparedLabel } from '../reports/compare.js';
import { toReportData } from '../reports/rows.js';
import { getMetric } from '../metrics/registry.js';
import type { ReportSummary } from '../reports/index.js';
import { schedulerShard } from '../runner/scheduler.js';
import { expandSuite, type PlannedRun } from '../runner/expand.js';
import { parseShard, shardRuns } from '../runner/shard.js';
import type { Suite } from '../runner/suite-schema.js';
import { builtInSuites, loadSuite, validateSuite } from '../runner/validate.js';
import { loadSuiteSource } from '../runner/source.js';
import { estimateSeconds, measuredRuns, survey } from '../runner/survey.js';
import picomatch from 'picomatch';
import { standingsSummary, standingsTable, table, timeLeft } from './views.js';
import { ISOLATION_CHOICES, resolveIsolation, type Isolation } from '../runner/pool.js';
import { degradationBenchSuite } from '../bench/degradation.js';
import { benchScaling, scalingSuite } from '../bench/scaling.js';
import { runSuite } from '../runner/run-suite.js';
import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeReport } from '../reports/index.js';
import { metricTable, readRunResult, runOneSuite, type RunOneRequest } from './run-one.js';
import { runFolder, runPaths, SUITE_FILE } from '../results/layout.js';

/** Options before the command, for every command. */
interface GlobalOptions {
  backend: BackendChoice;
  threads: number;
}

interface SuiteCommandOptions {
  workers: number;
  /** Runs only these of the suite's runs (run-one: its own; a saved config.json: that run). */
  select?: (run: PlannedRun) => boolean;
  /** Glob over run keys (`blur*`), and repetition seeds (`0,1`): filters. */
  only?: string;
  seeds?: number[];
  /** Worker threads or processes; auto: processes for engines that are not thread-safe. */
  isolation?: (typeof ISOLATION_CHOICES)[number];
  /** List the runs, where each stands and the time left, and run nothing. */
  dryRun?: boolean;
  json?: boolean;
  shard?: string;
  results?: string;
  progress: boolean;
  allowLarge?: boolean;
}

/**
 * The run ids of the suite saved in a results folder (its suite.json holds the definition), or
 * undefined where this coldbench cannot expand it (a degradation or field it no longer has): the
 * report then covers every run folder, since it is built from the saved results alone.
 */
async function suiteRunIds(resultsDir: string, out: (line: string) => void): Promise<Set<string> | undefined> {
  const { definition } = await readSuiteFile(resultsDir);
  try {
    return new Set(
      expandSuite(validateSuite(definition, join(resultsDir, SUITE_FILE), PLUGINS, { allowLarge: true }), PLUGINS).map((r) => r.id),
    );
  } catch (error) {
    out(`${(error as Error).message}; reporting every run folder in ${resultsDir}`);
    return undefined;
  }
}

/** "14 of 18 runs completed, 2 errored, 2 missing": what a report found against what the suite holds. */
function runsFound(report: ReportSummary, suiteRuns: number | undefined): string {
  const { counts, outside } = report;
  const found = Object.values(counts).reduce((a, b) => a + b, 0);
  const total = suiteRuns ?? found;
  // Missing: the suite's runs with no folder yet, and those started but not finished.
  const missing = Math.max(0, total - found) + counts.unfinished;
  const parts = [
    `${counts.completed} of ${total} runs completed`,
    ...(['diverged', 'errored', 'skipped'] as const).filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`),
    ...(missing ? [`${missing} missing`] : []),
    ...(outside ? [`${outside} from an earlier version of the suite left out`] : []),
  ];
  return parts.join(', ');
}

/** Runs a validated suite (or one shard of it) with progress, Ctrl-C handling and a summary. */
async function runSuiteCommand(
  suite: Suite,
  opts: SuiteCommandOptions,
  globals: GlobalOptions,
  out: (line: string) => void,
): Promise<void> {
  const maxWorkers = 4 * availableParallelism();
  if (opts.workers > maxWorkers) {
    throw new UserError(
      `--workers ${opts.workers} is more than 4 per core on this ${availableParallelism()}-core machine; use at most ${maxWorkers} (each worker is a thread training one run).`,
    );
  }
  // '' is a bad shard, not "all"; `auto` asks the scheduler (Slurm array task, Kubernetes index).
  const shard = opts.shard === undefined ? undefined : opts.shard === 'auto' ? schedulerShard() : parseShard(opts.shard);
  // Workers pick their engine themselves; resolving `auto` here says once which it will be.
  const backend = globals.backend === 'auto' ? await resolveAuto(out) : globals.backend;
  const all = expandSuite(suite, PLUGINS);
  const match = opts.only === undefined ? undefined : picomatch(opts.only);
  const chosen = all.filter(
    (r) => (!opts.select || opts.select(r)) && (!match || match(r.key)) && (!opts.seeds || opts.seeds.includes(r.point.seed)),
  );
  if (!chosen.length)
    throw new UserError(
      `No run of suite '${suite.name}' matches the filters${opts.only ? ` --only '${opts.only}'` : ''}${opts.seeds ? ` --seeds ${opts.seeds.join(',')}` : ''}; \`coldbench run <suite> --dry-run\` lists its runs.`,
    );
  const runs = shard ? shardRuns(chosen, shard) : chosen;
  const resultsDir = opts.results ?? join('results', suite.name);
  if (opts.dryRun) {
    const standings = survey(resultsDir, runs);
    const estimates = estimateSeconds(standings, measuredRuns('results'));
    const record = (s: (typeof standings)[number], i: number) => ({
      key: s.run.key,
      id: s.run.id,
      standing: s.standing,
      state: s.state ?? null,
      step: s.step ?? 0,
      steps: s.run.spec.train.steps,
      loss: s.loss ?? null,
      secondsLeft: estimates[i] ?? null,
    });
    if (opts.json) console.log(JSON.stringify(standings.map(record)));
    else
      console.log(
        `${standingsTable(standings, estimates)}\n\nsuite ${suite.name} → ${resultsDir}: ${runs.length} of ${all.length} runs${shard ? ` (shard ${shard.index}/${shard.count})` : ''}: ${standingsSummary(standings, estimates, opts.workers)}`,
      );
    return;
  }
  const isolation = resolveIsolation(opts.isolation ?? 'auto', backend);
  // bf16 where this machine cannot run it fails here, in one line, before any run starts.
  for (const precision of new Set(runs.map((r) => r.spec.train.precision))) {
    const problem = precisionProblem(precision, backend);
    if (problem) throw new UserError(`${problem}.`);
  }
  out(
    `suite ${suite.name}: ${runs.length} of ${all.length} runs${shard ? ` (shard ${shard.index}/${shard.count})` : ''}, ${opts.workers} worker ${isolation}s, backend ${backend} → ${resultsDir}`,
  );
  const before = survey(resultsDir, runs);
  const { seconds: expected } = timeLeft(before, estimateSeconds(before, measuredRuns('results')), opts.workers);
  const resuming = before.filter((s) => s.standing === 'resumable');
  if (resuming.length)
    out(
      `resuming ${resuming.length} run${resuming.length > 1 ? 's' : ''} from checkpoints: ${resuming.map((s) => `${s.run.key} at step ${s.step ?? '?'}/${s.run.spec.train.steps}`).join(', ')}`,
    );
  // SIGINT (Ctrl-C) and SIGTERM (what Slurm and Kubernetes send before SIGKILL) stop every run
  // within a step, each writing a checkpoint; a second signal quits at once. Exit codes 130/143.
  const stop = new AbortController();
  let exitCode = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGTERM' ? 143 : 130;
    if (stop.signal.aborted) process.exit(code);
    exitCode = code;
    out(
      `stopping (${signal}): runs in progress write a checkpoint; run the same command again to resume (a second ${signal === 'SIGINT' ? 'Ctrl-C' : 'signal'} quits at once)`,
    );
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = performance.now();
  const { counts } = await runSuite({ name: suite.name, definition: suite }, runs, {
    resultsDir,
    workers: opts.workers,
    isolation,
    backend,
    threads: globals.threads,
    featureCache: join('.cache', 'features'),
    estimateSeconds: expected,
    progress: opts.progress && process.stderr.isTTY,
    signal: stop.signal,
  }).finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  // `done` runs finished in an earlier invocation: said so, not counted as if they ran again.
  const tally = Object.entries(counts)
    .filter(([, n]) => n)
    .map(([state, n]) => `${n} ${state === 'done' ? 'already finished' : state}`);
  // Every run of this invocation as it stands now: state, steps, last loss, time.
  if (runs.length) out(standingsTable(survey(resultsDir, runs), []));
  out(`suite ${suite.name}: ${tally.length > 0 ? tally.join(', ') : 'no runs'} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (counts.stopped || exitCode) {
    process.exitCode = exitCode || 130;
    return;
  }
  if (shard) {
    // Shards share one results folder; the report is built once, from all of them.
    out(`shard ${shard.index}/${shard.count} done; once every shard has finished: coldbench report ${resultsDir}`);
  } else {
    const reportDir = join('reports', basename(resolve(resultsDir)));
    const report = await writeReport(resultsDir, reportDir, PLUGINS, { runIds: new Set(all.map((r) => r.id)) });
    out(`report: ${runsFound(report, all.length)}, ${report.charts.length} charts → ${join(reportDir, 'index.html')}`);
  }
  if (counts.errored) {
    // The report still covers the runs that finished; scripts learn from the exit code that some did not.
    out(`${counts.errored} run(s) errored; their result.json holds the message. Fix the cause and rerun: finished runs are skipped.`);
    process.exitCode = 1;
  }
}

interface TrainCommandOptions {
  preset: BenchPreset;
  steps: number;
  warmup: number;
  batch?: number;
  compareTorch?: boolean;
  torchScript: string;
  torchThreads?: number;
  profile?: boolean;
  precision: 'fp32' | 'bf16';
  json?: boolean;
}

/** Parses a positive integer option, or fails with commander's one-line error. */
function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

/** Parses a non-negative integer option. */
function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer.');
  return n;
}

/** Parses `0,1,2` into seeds. */
function seedList(value: string): number[] {
  const seeds = value.split(',').map((s) => Number(s.trim()));
  if (!seeds.length || seeds.some((n) => !Number.isInteger(n) || n < 0))
    throw new InvalidArgumentError('expected comma-separated non-negative integers, e.g. 0,1.');
  return seeds;
}

/** Parses a non-negative number option. */
function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a non-negative number.');
  return n;
}

/** Parses a positive number option. */
function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number.');
  return n;
}

/** Collects repeated `--param key=value` options into one object. */
function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError(`expected key=value, got '${value}'.`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

function print(rows: object[] | object, json: boolean): void {
  if (json) console.log(JSON.stringify(rows));
  else console.table(rows);
}

/** The `coldbench` command line. `out` receives start-up notices (stderr in the binary). */
export function buildProgram(out: (line: string) => void = (line) => console.error(line)): Command {
  const program = new Command('coldbench')
    .description('Benchmark harness for Cold Diffusion: train TF.js U-Nets to invert degradations and compare them.')
    .version(packageVersions().coldbench, '--version', 'print the coldbench version')
    .addOption(
      new Option('--backend <name>', 'TF.js backend, picked once per process')
        .choices(BACKEND_CHOICES)
        .default('auto')
        .env('COLDBENCH_BACKEND'),
    )
    .addOption(
      new Option('--threads <n>', 'oneDNN threads per process or suite worker on the native engine')
        .argParser(positiveInt)
        .default(1)
        .env('COLDBENCH_THREADS'),
    )
    // Parse errors are thrown (CommanderError), and src/cli/index.ts prints them as one line with exit
    // code 2 like every other user error; subcommands inherit both settings.
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();
  const engine = (cmd: Command) => initEngine(globals(cmd).backend, out, { threads: globals(cmd).threads });

  program
    .command('datasets')
    .description('list the datasets with their counts, size, channels and licence')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await describeDatasets();
      if (opts.json) print(rows, true);
      else
        console.log(
          table(
            ['name', 'train', 'test', 'size', 'channels', 'licence', 'description'],
            rows.map((r) => [r.name, r.train, r.test, r.size, r.channels, r.licence, r.description]),
            { 5: 36, 6: 64 },
          ),
        );
    });

  program
    .command('degradations')
    .description('list the degradations with their parameters')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const rows = describeDegradations();
      if (opts.json) print(rows, true);
      else {
        console.log(
          table(
            ['name', 'family', 'T', 'prior', 'stochastic', 'parameters', 'description'],
            rows.map((r) => [
              r.name,
              r.family,
              r.steps,
              r.prior ?? '',
              r.stochastic ? 'yes' : 'no',
              Object.keys(r.params).join(' '),
              r.description,
            ]),
            { 5: 36, 6: 64 },
          ),
        );
      }
    });

  program
    .command('preview')
    .description('write a PNG strip of a degradation: one row per image, columns t = 0 … T')
    .argument('<degradation>', 'degradation name (see coldbench degradations)')
    .option('--dataset <name>', 'dataset the images come from', 'digits')
    .option('--images <n>', 'number of rows', positiveInt, 4)
    .option('--seed <n>', 'seed for the image choice and the noise', '0')
    .option('--param <key=value>', 'degradation parameter (repeatable)', keyValue)
    .requiredOption('--out <file.png>', 'where to write the PNG')
    .action(
      async (
        name: string,
        opts: { dataset: string; images: number; seed: string; param?: Record<string, string>; out: string },
        cmd: Command,
      ) => {
        getDegradation(name); // a bad name fails before the engine starts
        await engine(cmd);
        await writePreview({ degradation: name, ...opts, params: opts.param ?? {} });
        out(`wrote ${opts.out}`);
      },
    );

  program
    .command('run')
    .description('run an experiment suite over worker threads; finished runs are skipped, unfinished ones resume')
    .argument(
      '<suite.json>',
      "suite file (e.g. experiments/smoke.json), a results folder's saved suite.json, or a run's config.json (that run only)",
    )
    .argument('[overrides...]', 'Hydra-style overrides of the suite, e.g. train.steps=100 seeds=[0,1] grid.train.lr=[0.001,0.0002]')
    .option('--dry-run', 'list the runs, which are finished / resumable / new, and the time left estimated from measured runs; run nothing')
    .option('--only <glob>', "run only the runs whose key matches, e.g. 'blur*' or '*seed=0*'")
    .option('--seeds <list>', 'run only these repetition seeds, e.g. 0,1', seedList)
    .option('--json', 'with --dry-run: print JSON')
    .addOption(
      new Option('--workers <n>', 'worker threads')
        .argParser(positiveInt)
        .default(availableParallelism(), `${availableParallelism()}, the CPU cores`),
    )
    .option(
      '--shard <i/n|auto>',
      'run only shard i of n; auto: the Slurm array task or Kubernetes Indexed Job index (no report: build it with coldbench report once all shards finished)',
    )
    .option('--results <dir>', 'results folder (default: results/<suite name>, or the folder of a saved suite.json / config.json)')
    .option('--allow-large', 'run a suite beyond the documented limits (runs, seeds, steps, batch, samples)')
    .option('--no-progress', 'plain lines instead of progress bars')
    .addOption(
      new Option('--isolation <kind>', 'worker threads or processes; auto: processes for engines not safe in threads (tensorflow)')
        .choices(ISOLATION_CHOICES)
        .default('auto'),
    )
    .action(async (path: string, overrides: string[], opts: SuiteCommandOptions, cmd: Command) => {
      const source = await loadSuiteSource(path, PLUGINS, overrides, { allowLarge: opts.allowLarge });
      if (source.runId && !expandSuite(source.suite, PLUGINS).some((r) => r.id === source.runId)) {
        throw new UserError(
          `${path}: with these overrides the suite no longer has run ${source.runId}; drop the overrides or run the suite file.`,
        );
      }
      const select = source.runId ? (r: PlannedRun) => r.id === source.runId : undefined;
      await runSuiteCommand(source.suite, { ...opts, results: opts.results ?? source.results, select }, globals(cmd), out);
    });

  program
    .command('status')
    .description(
      "where each run of a results folder's suite stands (finished, errored, running, resumable, new), its training step and loss, and the time left",
    )
    .argument('<results-dir>', "a suite's results folder, e.g. results/smoke")
    .option('--json', 'print JSON')
    .action(async (resultsDir: string, opts: { json?: boolean }) => {
      await readSuiteFile(resultsDir); // one line where it is not a results folder (of this format)
      const { suite } = await loadSuiteSource(join(resultsDir, SUITE_FILE), PLUGINS);
      await runSuiteCommand(
        suite,
        { workers: availableParallelism(), results: resultsDir, progress: false, dryRun: true, json: opts.json },
        { backend: 'wasm', threads: 1 },
        out,
      );
    });

  program
    .command('sample')
    .description("sample from a saved run's checkpoint (EMA weights, its degradation and prior) into a PNG grid, without retraining")
    .argument('<run-dir>', 'a run folder, e.g. results/smoke/<id> (coldbench status lists the ids)')
    .requiredOption('--out <file.png>', 'where to write the grid')
    .addOption(
      new Option('--mode <mode>', 'generate from the prior, or restore held-out images')
        .choices(['generation', 'restoration'])
        .default('generation'),
    )
    .option('--sampler <name>', 'direct, alg1, alg2, ddim or ddpm (the last two: gaussian only)', 'alg2')
    .option('--count <n>', 'images', positiveInt, 16)
    .option('--delta <δ>', 'generation start noise δ (0 = cold)', nonNegativeNumber, 0)
    .option('--seed <n>', 'names the draw; the same seed gives the same images', nonNegativeInt, 0)
    .option('--columns <n>', 'images per row', positiveInt, 8)
    .action(async (dir: string, opts: Omit<SampleRequest, 'dir'>, cmd: Command) => {
      await engine(cmd);
      const { images, rows } = await sampleFromRun({ ...opts, dir });
      out(`wrote ${opts.out}: ${images} images, rows ${[...new Set(rows)].join(' / ')}`);
    });

  program
    .command('compare')
    .description(
      'compare two results folders arm by arm (variant × mode × sampler × δ × metric): each mean with its 95% interval, and A − B',
    )
    .argument('<results-a>', 'results folder A, e.g. results/smoke')
    .argument('<results-b>', 'results folder B')
    .option('--metric <list>', 'comma-separated metrics, e.g. fid,recognisable (default: all)')
    .addOption(new Option('--mode <mode>', 'restoration or generation only').choices(['restoration', 'generation']))
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, opts: { metric?: string; mode?: string; json?: boolean }) => {
      const metrics = opts.metric?.split(',').map((m) => m.trim());
      metrics?.forEach((m) => getMetric(m));
      const load = async (dir: string) => {
        const { suite, runs } = await readSuiteResults(dir);
        return toReportData(suite.suite, runs, PLUGINS, comparisonsOf(suite.definition));
      };
      const arms = compareResults(await load(a), await load(b), { metrics, mode: opts.mode });
      if (opts.json) {
        console.log(JSON.stringify(arms));
        return;
      }
      const num = (x: number | null) => (x === null ? '–' : Number(x.toPrecision(4)).toString());
      const ci = (e: { mean: number; lo: number | null; hi: number | null }) => `${num(e.mean)} [${num(e.lo)}, ${num(e.hi)}]`;
      console.log(
        table(
          ['variant', 'mode', 'sampler', 'δ', 'metric', `A ${a}`, `B ${b}`, 'A − B (95% CI)', 'better'],
          arms.map((r) => [
            r.name,
            r.mode,
            r.sampler,
            r.delta ?? '',
            comparedLabel(getMetric(r.metric)),
            ci(r.a),
            ci(r.b),
            ci(r.difference),
            r.better,
          ]),
        ),
      );
      const paired = arms.filter((r) => r.paired).length;
      out(
        `${arms.length} arms measured in both; intervals: t over seeds with 3 or more seeds, else bootstrap over evaluation images; ` +
          (paired === arms.length
            ? 'A − B paired seed by seed: both folders measured on the same evaluation images and resamples'
            : `A − B unpaired (Welch with seeds) for ${arms.length - paired} arm(s) whose folders measured on other evaluation images (another suite name, sample count or seeds)` +
              (paired ? `, paired for the other ${paired}` : '')),
      );
    });

  program
    .command('list')
    .description('list the built-in suites (experiments/) with their run counts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await Promise.all(
        builtInSuites().map(async (path) => {
          const suite = await loadSuite(path, PLUGINS, { allowLarge: true });
          return { path, name: suite.name, runs: expandSuite(suite, PLUGINS).length, description: suite.description };
        }),
      );
      if (opts.json) console.log(JSON.stringify(rows));
      else
        console.log(
          table(
            ['suite file', 'runs', 'description'],
            rows.map((r) => [r.path, r.runs, r.description]),
            { 2: 100 },
          ),
        );
    });

  program
    .command('report')
    .description('write the comparison report (Vega-Lite charts, HTML, CSV) from saved results only')
    .argument('<results-dir>', "a suite's results folder, e.g. results/smoke")
    .option('--out <dir>', 'report folder (default: reports/<suite folder name>)')
    .action(async (resultsDir: string, opts: { out?: string }) => {
      // The folder's own name, after resolving: `results/x/<id>/..` is results/x, not '..'.
      const outDir = opts.out ?? join('reports', basename(resolve(resultsDir)));
      if (existsSync(outDir) && !statSync(outDir).isDirectory())
        throw new UserError(`--out ${outDir} is a file; pass a folder for the report.`);
      const runIds = await suiteRunIds(resultsDir, out);
      const report = await writeReport(resultsDir, outDir, PLUGINS, { runIds });
      out(`report: ${runsFound(report, runIds?.size)}, ${report.charts.length} charts → ${join(outDir, 'index.html')}`);
    });

  program
    .command('run-one')
    .description('train a U-Net to invert one degradation, sample with direct/alg1/alg2, and measure every metric')
    .argument('<degradation>', 'degradation name (see coldbench degradations)')
    .option('--dataset <name>', 'training and held-out images', 'digits')
    .option('--size <px>', 'image size', positiveInt, 32)
    .addOption(new Option('--preset <name>', 'U-Net size').choices(Object.keys(UNET_PRESETS)).default('small'))
    .option('--steps <n>', 'training steps', positiveInt, 300)
    .option('--batch <n>', 'batch size', positiveInt, 32)
    .option('--lr <rate>', 'Adam learning rate', positiveNumber, 1e-3)
    .addOption(new Option('--loss <name>', 'loss on x0').choices(['l1', 'l2']).default('l1'))
    .addOption(
      new Option('--precision <p>', 'convolution precision (bf16: native engine, CPU with AVX512_BF16 or AMX)')
        .choices(['fp32', 'bf16'])
        .default('fp32'),
    )
    .option('--samples <n>', 'images sampled and compared per sampler', positiveInt, 128)
    .option('--samplers <list>', 'comma-separated samplers', 'direct,alg1,alg2')
    .option('--no-generation', 'restoration only')
    .option('--seed <n>', 'repetition seed; every random choice derives from it and the suite name', nonNegativeInt, 0)
    .option('--param <key=value>', 'degradation parameter (repeatable)', keyValue, {})
    .option('--out <dir>', 'results folder (run-one runs with the same settings but the degradation gather here)', 'results/run-one')
    .option('--no-progress', 'plain lines instead of progress bars')
    .action(async (name: string, opts: Omit<RunOneRequest, 'degradation'> & { progress: boolean }, cmd: Command) => {
      // A one-entry suite, checked like any suite before the engine starts or a file is written.
      const { suite, run } = await runOneSuite({ ...opts, degradation: name });
      await runSuiteCommand(
        suite,
        { workers: 1, results: opts.out, progress: opts.progress, select: (r) => r.id === run.id },
        globals(cmd),
        out,
      );
      const dir = runFolder(opts.out, run.id);
      if (!existsSync(runPaths(dir).result)) return; // stopped: the same command resumes it
      const result = await readRunResult(dir);
      if (result.state === 'completed') {
        const rows = metricTable(result.metrics);
        const head = [...new Set(rows.flatMap((r) => Object.keys(r)))];
        console.log(
          table(
            head,
            rows.map((r) => head.map((h) => r[h] ?? '')),
          ),
        );
      } else
        out(
          `run ${result.state}: ${result.state === 'diverged' ? `loss ${result.loss} at step ${result.step}` : result.state === 'errored' ? result.error : result.reason}`,
        );
      out(`wrote ${dir}`);
      if (result.state !== 'completed') process.exitCode = 1;
    });

  program
    .command('self-test')
    .description(
      "re-run the native engine's self-test on this CPU (every oneDNN kernel on coldbench's shapes, checked against wasm, in a child process); auto and native honour its verdict",
    )
    .option('--json', 'print one JSON line (the default output is the same JSON, indented)')
    .action(async (opts: { json?: boolean }) => {
      const verdict = await retestNative(out);
      console.log(opts.json ? JSON.stringify(verdict) : JSON.stringify(verdict, null, 2));
      if (!verdict.ok) {
        out(`coldbench: ${selfTestFailureLine(verdict)}; --backend auto uses wasm`);
        process.exitCode = 1;
      }
    });

  const bench = program.command('bench').description('benchmarks that print JSON');
  bench
    .command('degradation')
    .description('benchmark one degradation against gaussian with a small suite (results/bench-<name>/)')
    .argument('<name>', 'degradation name')
    .option('--steps <n>', 'training steps per run', positiveInt, 150)
    .option('--samples <n>', 'images sampled per sampler', positiveInt, 64)
    .addOption(
      new Option('--workers <n>', 'worker threads')
        .argParser(positiveInt)
        .default(availableParallelism(), `${availableParallelism()}, the CPU cores`),
    )
    .option('--no-progress', 'plain lines instead of progress bars')
    .action(async (name: string, opts: { steps: number; samples: number; workers: number; progress: boolean }, cmd: Command) => {
      const definition = degradationBenchSuite(name, { steps: opts.steps, count: opts.samples });
      const suite = validateSuite(definition, `bench degradation ${name}`, PLUGINS);
      await runSuiteCommand(suite, opts, globals(cmd), out);
    });
  bench
    .command('scaling')
    .description('time the same suite with 1 worker and with --workers workers (target: ≥ 1.8× faster with 2)')
    .option('--degradation <name>', 'degradation every run inverts', 'blur')
    .option('--runs <n>', 'identical runs (seeds 0…n−1); a multiple of --workers scales best', positiveInt, 4)
    .option('--steps <n>', 'training steps per run', positiveInt, 200)
    .addOption(new Option('--preset <name>', 'U-Net preset of the runs').choices(Object.keys(UNET_PRESETS)).default('tiny'))
    .option('--workers <n>', 'workers compared with 1 (default: CPU cores)', positiveInt, availableParallelism())
    .addOption(
      new Option('--isolation <kind>', 'worker threads in one process, or a process per worker')
        .choices(['thread', 'process'])
        .default('thread'),
    )
    .option('--json', 'print one JSON line (the default output is the same JSON, indented)')
    .action(
      async (
        opts: { degradation: string; runs: number; steps: number; preset: string; workers: number; isolation: Isolation; json?: boolean },
        cmd: Command,
      ) => {
        scalingSuite(opts); // bad options fail in one line before any engine or worker starts
        const { backend: choice, threads } = globals(cmd);
        const backend = choice === 'auto' ? await resolveAuto(out) : choice;
        const result = await benchScaling({ ...opts, backend, threads, featureCache: join('.cache', 'features') });
        console.log(opts.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
      },
    );
  bench
    .command('sample')
    .description('time each sampler generating images with a suite U-Net (images per second as JSON)')
    .addOption(new Option('--preset <name>', 'U-Net preset of the suites').choices(Object.keys(UNET_PRESETS)).default('small'))
    .option('--degradation <name>', 'degradation whose samplers are timed (ddim and ddpm need gaussian)', 'gaussian')
    .option('--steps <T>', "the degradation's T (default: its own)", positiveInt)
    .option('--images <n>', 'images per sampler', positiveInt, 256)
    .option('--chunk <n>', `images per sampler call (runs use ${INFERENCE_CHUNK})`, positiveInt, INFERENCE_CHUNK)
    .option('--samplers <list>', 'comma-separated samplers', 'direct,alg1,alg2,ddim')
    .option('--json', 'print one JSON line (the default output is the same JSON, indented)')
    .action(
      async (
        opts: { preset: UNetPreset; degradation: string; steps?: number; images: number; chunk: number; samplers: string; json?: boolean },
        cmd: Command,
      ) => {
        getDegradation(opts.degradation); // a bad name fails before the engine starts
        await engine(cmd);
        const result = benchSample({ ...opts, size: 32, channels: 1, samplers: opts.samplers.split(',').map((s) => s.trim()) });
        console.log(opts.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
      },
    );
  bench
    .command('metrics')
    .description('time FID-like + KID between two feature sets (target: 10,000 × 64 in < 30 s)')
    .option('--n <n>', 'feature vectors per set', positiveInt, 10_000)
    .option('--dim <d>', 'feature dimension', positiveInt, 64)
    .option('--json', 'print one JSON line')
    .action((opts: { n: number; dim: number; json?: boolean }) => {
      const result = benchMetrics({ n: opts.n, dim: opts.dim });
      console.log(opts.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });
  bench
    .command('train')
    .description('time training steps of a U-Net preset (reference = scripts/torch_unet.py)')
    .addOption(new Option('--preset <name>', 'network shape').choices(Object.keys(BENCH_PRESETS)).default('reference'))
    .option('--steps <n>', 'timed steps', positiveInt, 10)
    .option('--warmup <n>', 'untimed steps first', positiveInt, 3)
    .option('--batch <n>', "batch size (default: the preset's)", positiveInt)
    .option('--compare-torch', 'then run the PyTorch reference on the same shape and print both with their ratio')
    .option('--torch-script <path>', 'the PyTorch reference script', 'scripts/torch_unet.py')
    .option('--torch-threads <n>', "threads for PyTorch (default: the engine's, as --threads sets them)", positiveInt)
    .option('--profile', 'then time one more step kernel by kernel (ms and calls, slowest first)')
    .addOption(
      new Option('--precision <p>', 'convolution precision (bf16: native engine, CPU with AVX512_BF16 or AMX); PyTorch runs at the same')
        .choices(['fp32', 'bf16'])
        .default('fp32'),
    )
    .option('--json', 'print one JSON line (the default output is the same JSON, indented)')
    .action(async (opts: TrainCommandOptions, cmd: Command) => {
      const started = await engine(cmd);
      const problem = precisionProblem(opts.precision, started.backend);
      if (problem) throw new UserError(`${problem}.`);
      const ours = await benchTrain(opts);
      let result: object = ours;
      if (opts.compareTorch) {
        const torch = await runTorchBench(opts.torchScript, ours, opts.torchThreads ?? Math.max(1, ours.threads));
        result = { ...ours, torch, ratioToTorch: Math.round((ours.imgsPerSec / torch.imgsPerSec) * 1000) / 1000 };
      }
      console.log(opts.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    });

  return program;
}
