import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RUN_FOLDER, runFolder, runPaths, SUITE_FILE } from './layout.js';
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
  const path = join(dir, SUITE_FILE);
  if (!existsSync(path)) throw new UserError(`${dir} is not a coldbench results folder (no suite.json); pass results/<suite>.`);
  const suite = await readJson<SuiteFile>(path);
  if (suite.format !== RESULTS_FORMAT) {
    throw new UserError(
      `${path} has format '${String(suite.format)}', not '${RESULTS_FORMAT}'; it was written by another coldbench version: rerun the suite into a new folder (--results <dir>).`,
    );
  }
  return suite;
}

/**
 * Every run folder under a suite's results folder (shards included), sorted by run key. Results
 * folders are shared between cluster tasks and people, so their files are untrusted: a run of
 * another suite, or whose recorded id is not its folder's name, is refused in one line.
 */
export async function readSuiteResults(dir: string): Promise<{ suite: SuiteFile; runs: SavedRun[] }> {
  const suite = await readSuiteFile(dir);
  const runs: SavedRun[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const runDir = runFolder(dir, entry.name);
    const paths = runPaths(runDir);
    if (!entry.isDirectory() || !RUN_FOLDER.test(entry.name) || !existsSync(paths.config)) continue;
    const config = await readJson<ConfigFile>(paths.config);
    if (config.suite !== suite.suite || config.id !== entry.name) {
      throw new UserError(
        `${runDir} holds a run of suite '${String(config.suite)}' (id ${String(config.id)}), not of '${suite.suite}'; move it out of ${dir}.`,
      );
    }
    const result = existsSync(paths.result) ? await readJson<ResultFile>(paths.result) : undefined;
    runs.push({ dir: runDir, config, result });
  }
  return { suite, runs: runs.sort((a, b) => (a.config.key < b.config.key ? -1 : 1)) };
}
