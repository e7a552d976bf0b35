import { stringify } from 'csv-stringify/sync';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import type { RunResult } from './run.js';
import type { RunSpec } from './spec.js';

/**
 * Writes a run's spec (`config.json`), outcome (`result.json`, whose `state` says how it ended)
 * and loss curve (`loss.csv`: step,loss), each atomically; result.json is written last, so its
 * presence means the run's files are whole.
 */
export async function saveRun(dir: string, spec: RunSpec, result: RunResult): Promise<void> {
  await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(spec, null, 2)}\n`);
  const losses = result.losses.map((loss, i) => [i + 1, loss]);
  await writeFileAtomic(join(dir, 'loss.csv'), stringify(losses, { header: true, columns: ['step', 'loss'] }));
  await writeFileAtomic(join(dir, 'result.json'), `${JSON.stringify({ key: spec.key, ...result }, null, 2)}\n`);
}
