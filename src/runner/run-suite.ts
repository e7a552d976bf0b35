import { existsSync, statSync } from 'node:fs';
import { claimRun } from './claim.js';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendChoice } from '../engine/backend.js';
import { UserError } from '../errors.js';
import { runFolder, runPaths, SUITE_FILE } from '../results/layout.js';
import { readSuiteFile, readSuiteResults } from '../results/read.js';
import { RESULTS_FORMAT, type RunState, type SuiteFile } from '../results/types.js';
import { canonicalJson } from '../util/canonical.js';
import { writeFileAtomic } from '../util/fs.js';
import type { StepMessage } from '../worker/entry.js';
import { cpuModel, gitCommit, packageVersions } from './provenance.js';
import type { PlannedRun } from './expand.js';
import { createPool, type Handle, type Isolation } from './pool.js';
import { SuiteProgress } from './progress.js';
import { FINAL } from './survey.js';

export interface SuiteRunOptions {
  /** `results/<suite>`. */
  readonly resultsDir: string;
  readonly workers: number;
  readonly backend: BackendChoice;
  /** Worker threads (default) or processes (runner/pool.ts). */
  readonly isolation?: Isolation;
  /** oneDNN threads per worker on the native engine (default 1: one per worker, no oversubscription). */
  readonly threads?: number;
  readonly featureCache: string;
  /** Show progress bars (else plain lines). */
  readonly progress: boolean;
  /** Receives one line per finished run when bars are off (default: stderr). */
  readonly log?: (line: string) => void;
  /** Wall seconds the runs should take, from measured runs (the suite bar counts it down), or null. */
  readonly estimateSeconds?: number | null;
  /** Aborting stops cleanly: active runs checkpoint and return; queued ones do not start. */
  readonly signal?: AbortSignal;
}

export interface SuiteRunSummary {
  /** Runs by how this invocation left them (`done` = finished in an earlier invocation). */
  /** `busy`: claimed by another task sharing the results folder, left to it. */
  readonly counts: Record<RunState | 'stopped' | 'done' | 'busy', number>;
  /**
   * Wall-clock seconds preparing (every worker's engine started, the feature networks trained or
   * read from the cache), then running the runs.
   */
  readonly seconds: { readonly prepare: number; readonly runs: number };
}

/** A compiled worker entry: next to this file in dist/, or in dist/ when running from sources (tests). */
function workerFile(name: string): string {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.ts') ? resolve(dirname(here), `../../dist/worker/${name}`) : resolve(dirname(here), `../worker/${name}`);
  if (!existsSync(file)) throw new UserError(`Missing ${file}; build coldbench with 'npm run build' (npm ci does it).`);
  return file;
}

/** The state in `<dir>/result.json`, if the run has one. */
async function resultState(dir: string): Promise<RunState | undefined> {
  try {
    return (JSON.parse(await readFile(runPaths(dir).result, 'utf8')) as { state: RunState }).state;
  } catch {
    return undefined;
  }
}

/**
 * Creates the results folder or checks that an existing one is this suite's (never another's).
 * A suite whose definition changed (a seed or grid value added, a budget changed) takes over its
 * folder: suite.json is replaced, and every run whose id (a hash of its key and versions) is
 * still in the suite is reused; runs the suite no longer has stay on disk, outside its report.
 */
async function claimResultsDir(dir: string, suite: SuiteFile, log: (line: string) => void): Promise<void> {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UserError(`${dir} is a file, not a folder; pass --results <empty or new dir>.`);
  if (existsSync(join(dir, SUITE_FILE))) {
    const existing = await readSuiteFile(dir);
    if (existing.suite !== suite.suite) {
      throw new UserError(`${dir} holds results of suite '${existing.suite}', not '${suite.suite}'; pass --results <dir> for this one.`);
    }
    if (canonicalJson(existing.definition) !== canonicalJson(suite.definition)) {
      await writeFileAtomic(join(dir, SUITE_FILE), `${JSON.stringify(suite, null, 2)}\n`);
      log(`suite ${suite.suite} changed since ${dir} was written: its finished runs that the suite still has are reused`);
    }
    return;
  }
  // Another task may be claiming the same new folder right now: its temp file is no obstacle.
  if (existsSync(dir) && (await readdir(dir)).some((f) => !/^\..+\.tmp$/.test(f))) {
    throw new UserError(`${dir} exists and is not a coldbench results folder; pass --results <empty or new dir>.`);
  }
  try {
    await writeFileAtomic(join(dir, SUITE_FILE), `${JSON.stringify(suite, null, 2)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    throw new UserError(`Cannot write the results folder ${dir} (${code}); pass --results <a folder you can write>.`);
  }
}

/**
 * Runs a suite's planned runs over a piscina pool, one engine per worker, skipping finished
 * runs and resuming unfinished ones from their checkpoints. Feature networks the runs need are
 * trained first, once each, so workers never race to build the same cache entry.
 */
export async function runSuite(
  suite: { name: string; definition: unknown },
  runs: readonly PlannedRun[],
  options: SuiteRunOptions,
): Promise<SuiteRunSummary> {
  const files = { thread: workerFile('entry.js'), process: workerFile('process-entry.js') };
  await claimResultsDir(
    options.resultsDir,
    { format: RESULTS_FORMAT, suite: suite.name, definition: suite.definition },
    options.log ?? ((line) => console.error(line)),
  );
  const saved = new Map((await readSuiteResults(options.resultsDir)).runs.map((r) => [r.config.id, r.result?.state]));
  const counts: SuiteRunSummary['counts'] = { completed: 0, diverged: 0, errored: 0, skipped: 0, stopped: 0, done: 0, busy: 0 };
  const pending = runs.filter((run) => {
    const state = saved.get(run.id);
    if (state && FINAL.includes(state)) counts.done += 1;
    return !(state && FINAL.includes(state));
  });

  const pool = createPool(options.isolation ?? 'thread', files, options.workers);
  const progress = new SuiteProgress(
    pending.length,
    options.progress,
    options.log,
    pending.map((r) => r.key),
    options.estimateSeconds ?? null,
  );
  const running = new Set<Handle>();
  const seconds = { prepare: 0, runs: 0 };
  const since = (start: number) => (performance.now() - start) / 1000;
  const onAbort = () => running.forEach((handle) => handle.stop());
  options.signal?.addEventListener('abort', onAbort);
  try {
    // Before any run: the feature networks are trained (or read from the cache), the features of
    // their held-out splits computed once onto disk beside them (each worker would otherwise
    // compute them, all at once), and every worker has started its engine (piscina hands tasks
    // queued together to different idle workers).
    const prepareStart = performance.now();
    const engine = { backend: options.backend, threads: options.threads ?? 1 };
    const needs = new Map(pending.map(({ spec }) => [canonicalJson([spec.dataset, spec.size, spec.features]), spec]));
    if (needs.size) {
      const nets = [...needs.values()].map((s) => `${s.dataset}/${s.size}`).join(', ');
      progress.log(
        `preparing: ${options.workers} engine${options.workers > 1 ? 's' : ''}; feature networks for ${nets}, read from ${options.featureCache} or trained once (minutes, then cached)`,
      );
    }
    await Promise.all([
      ...[...needs.values()].map(
        (spec) =>
          pool.run({
            kind: 'features',
            ...engine,
            dataset: spec.dataset,
            size: spec.size,
            spec: spec.features,
            featureCache: options.featureCache,
          }).outcome,
      ),
      ...Array.from({ length: Math.max(0, options.workers - needs.size) }, () => pool.run({ kind: 'start', ...engine }).outcome),
    ]);
    seconds.prepare = since(prepareStart);
    if (needs.size) progress.log(`prepared in ${seconds.prepare.toFixed(0)} s`);
    const runsStart = performance.now();
    const versions = packageVersions();
    const commit = gitCommit();
    const cpu = cpuModel();
    const execute = async (run: PlannedRun) => {
      const dir = runFolder(options.resultsDir, run.id);
      const claimed = await claimRun(dir);
      if ('heldBy' in claimed) {
        counts.busy += 1;
        progress.finish(run.key, 'busy');
        progress.log(`${'busy'.padEnd(9)} ${run.key} (claimed by ${claimed.heldBy})`);
        return;
      }
      // Finished meanwhile by a task that held the claim before us: nothing to do.
      if (FINAL.includes((await resultState(dir)) as RunState)) {
        await claimed.claim.release();
        counts.done += 1;
        return;
      }
      const task = {
        suite: suite.name,
        key: run.key,
        id: run.id,
        spec: run.spec,
        point: run.point,
        dir,
        featureCache: options.featureCache,
        versions,
        gitCommit: commit,
        backend: options.backend,
        cpu,
      };
      try {
        const onMessage = (m: StepMessage) =>
          'phase' in m ? progress.phase(run.key, m.phase) : progress.step(run.key, m.step, m.loss, run.spec.train.steps);
        const handle = pool.run({ kind: 'run', ...engine, task }, onMessage);
        running.add(handle);
        const state = (await handle.outcome.finally(() => running.delete(handle))) as RunState | 'stopped';
        counts[state] += 1;
        progress.finish(run.key, state);
        progress.log(`${state.padEnd(9)} ${run.key}`);
      } catch (error) {
        // The run's own files could not be written (disk full, a folder where a file goes): that
        // run ends errored, with the path in the message; the others go on, and a rerun retries it.
        counts.errored += 1;
        progress.finish(run.key, 'errored');
        progress.log(`${'errored'.padEnd(9)} ${run.key}: ${(error as Error).message.split('\n')[0]}`);
      } finally {
        await claimed.claim.release();
      }
    };
    // `workers` lanes pull runs one at a time, so a stop request reaches runs not yet started.
    let next = 0;
    const lane = async () => {
      while (next < pending.length) {
        const run = pending[next++];
        if (options.signal?.aborted) counts.stopped += 1;
        else await execute(run);
      }
    };
    await Promise.all(Array.from({ length: options.workers }, lane));
    seconds.runs = since(runsStart);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    progress.stop();
    await pool.destroy();
  }
  return { counts, seconds };
}
