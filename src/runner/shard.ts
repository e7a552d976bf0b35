import { errors } from '../errors.js';
import type { PlannedRun } from './expand.js';

/** Parses `--shard i/n` as users type it (1-based i). */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 1 && index <= count)) throw errors.badShard(text);
  return { index, count };
}

/**
 * Shard i of n: the runs sorted by id and dealt round-robin, so shards are disjoint, cover the
 * suite, ignore order and differ in size by at most one (a hash of the id put 2, 0 and 1 of 3 runs
 * on three Slurm tasks). A suite that grows between tasks may move a run to another shard; the run
 * folder's claim (runner/claim.ts) still keeps it from training twice.
 */
export function shardRuns(runs: readonly PlannedRun[], shard: { index: number; count: number }): PlannedRun[] {
  const byId = [...runs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const mine = new Set(byId.filter((_, at) => at % shard.count === shard.index - 1));
  return runs.filter((run) => mine.has(run));
}
