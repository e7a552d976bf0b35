import { join } from 'node:path';

/**
 * Every path of a results folder, in one place:
 *
 *     results/<suite>/suite.json        the suite as run (SuiteFile)
 *     results/<suite>/<id>/config.json  what determined the run (ConfigFile), written first
 *     results/<suite>/<id>/loss.csv     training loss per step
 *     results/<suite>/<id>/result.json  its outcome (ResultFile), written last: the run is finished
 *     results/<suite>/<id>/checkpoint/  weights and optimizer state to resume from
 *     results/<suite>/<id>/samples/     sample grids (ResultFile.grids lists them)
 *     results/<suite>/<id>/claim.json   who is running it now (runner/claim.ts)
 */
export const SUITE_FILE = 'suite.json';

/** Run folders are named by run id: 12 hex digits. Nothing else in a results folder is a run. */
export const RUN_FOLDER = /^[0-9a-f]{12}$/;

export const runFolder = (resultsDir: string, id: string) => join(resultsDir, id);

/** The files and folders of one run folder. */
export function runPaths(dir: string) {
  return {
    config: join(dir, 'config.json'),
    result: join(dir, 'result.json'),
    loss: join(dir, 'loss.csv'),
    checkpoint: join(dir, 'checkpoint'),
    samples: join(dir, 'samples'),
    sample: (file: string) => join(dir, 'samples', file),
    claim: join(dir, 'claim.json'),
  };
}

/** A sample grid's file name under `samples/`. */
export const gridFile = (mode: 'restoration' | 'generation', delta: number | null) =>
  mode === 'restoration' ? 'restoration.png' : `generation-delta-${delta}.png`;
