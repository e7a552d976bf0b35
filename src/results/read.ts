import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RESULTS_FORMAT, type ConfigFile, type ResultFile, type SuiteFile } from './types.js';

export interface SavedRun {
  readonly dir: string;
  readonly config: ConfigFile;
  /** Absent while the run has not finished (it resumes on the next `coldbench run`). */
  readonly result?: ResultFile;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new UserError(`Cannot read ${path} (${(error as Error).message}); delete that run folder to rerun it.`);
  }
}

/** Reads `<dir>/suite.json`; a folder without it (or of another format) is refused. */
export async function readSuiteFile(dir: string): Promise<SuiteFile> {
  const path = join(dir, 'suite.json');
  if (!existsSync(path)) throw new UserError(`${dir} is not a coldbench results folder (no suite.json); pass results/<suite>.`);
  const suite = await readJson<SuiteFile>(path);
  if (suite.format !== RESULTS_FORMAT) throw new UserError(`${path} has format '${suite.format}', not '${RESULTS_FORMAT}'; it was not written by this coldbench.`);
  return suite;
}

/** Run folders are named by run id: 12 hex digits. Nothing else in a results folder is a run. */
const RUN_FOLDER = /^[0-9a-f]{12}$/;

/**
 * Every run folder under a suite's results folder (shards included), sorted by run key. Results
 * folders are shared between cluster tasks and people, so their files are untrusted: a run of
 * another suite, or whose recorded id is not its folder's name, is refused in one line.
 */
export async function readSuiteResults(dir: string): Promise<{ suite: SuiteFile; runs: SavedRun[] }> {
  const suite = await readSuiteFile(dir);
  const runs: SavedRun[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const runDir = join(dir, entry.name);
    if (!entry.isDirectory() || !RUN_FOLDER.test(entry.name) || !existsSync(join(runDir, 'config.json'))) continue;
    const config = await readJson<ConfigFile>(join(runDir, 'config.json'));
    if (config.suite !== suite.suite || config.id !== entry.name) {
      throw new UserError(`${runDir} holds a run of suite '${String(config.suite)}' (id ${String(config.id)}), not of '${suite.suite}'; move it out of ${dir}.`);
    }
    const result = existsSync(join(runDir, 'result.json')) ? await readJson<ResultFile>(join(runDir, 'result.json')) : undefined;
    runs.push({ dir: runDir, config, result });
  }
  return { suite, runs: runs.sort((a, b) => (a.config.key < b.config.key ? -1 : 1)) };
}
