import Table from 'cli-table3';
import type { RunStanding } from '../runner/survey.js';

/**
 * Plain-text tables for the terminal (cli-table3 without borders): columns padded to their
 * widest cell, long cells wrapped to `wrap` columns where given, so a 160-column terminal reads
 * them and a log file or `grep` keeps one row per line where nothing wraps.
 */
export function table(
  head: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  wrap: Readonly<Record<number, number>> = {},
): string {
  const blank = {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  };
  const widths = head.map((_, i) => (wrap[i] ? wrap[i] + 2 : null));
  const t = new Table({
    head: [...head],
    chars: blank,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colWidths: widths,
    wordWrap: true,
  });
  for (const row of rows) t.push(row.map(String));
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** `1 h 05 min`, `12 min`, `40 s`. */
export function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** One row per run: where it stands, how far training got, and the estimate of what is left. */
export function standingsTable(standings: readonly RunStanding[], estimates: readonly (number | undefined)[]): string {
  const rows = standings.map((s, i) => {
    const detail =
      s.standing === 'finished' || s.standing === 'errored'
        ? `${s.state}${s.seconds !== undefined ? ` in ${duration(s.seconds)}` : ''}`
        : s.standing === 'running'
          ? `by ${s.heldBy}`
          : '';
    const step = s.step !== undefined ? `${s.step}/${s.run.spec.train.steps}` : `0/${s.run.spec.train.steps}`;
    const loss = s.loss !== undefined && Number.isFinite(s.loss) ? s.loss.toFixed(4) : '';
    const left = s.standing === 'finished' ? '' : estimates[i] === undefined ? '?' : duration(estimates[i]!);
    return [s.run.key, s.run.id, s.standing, step, loss, left, detail];
  });
  return table(['run', 'id', 'standing', 'step', 'loss', 'left', 'detail'], rows);
}

/** "3 finished, 1 resumable, 2 new; about 12 min left on 2 workers (1 run not estimated)". */
/**
 * Wall seconds the unfinished runs need on `workers` lanes (null where none could be estimated),
 * and how many were not. Runs go to the lanes one at a time: about the sum over the workers, but
 * never less than the longest run.
 */
export function timeLeft(
  standings: readonly RunStanding[],
  estimates: readonly (number | undefined)[],
  workers: number,
): { seconds: number | null; open: number; unknown: number } {
  const open = standings.map((s, i) => [s, estimates[i]] as const).filter(([s]) => s.standing !== 'finished');
  const known = open.filter(([, e]) => e !== undefined).map(([, e]) => e!);
  const seconds = known.length ? Math.max(known.reduce((a, b) => a + b, 0) / Math.max(1, Math.min(workers, open.length)), ...known) : null;
  return { seconds, open: open.length, unknown: open.length - known.length };
}

export function standingsSummary(standings: readonly RunStanding[], estimates: readonly (number | undefined)[], workers: number): string {
  const order = ['finished', 'errored', 'running', 'resumable', 'new'] as const;
  const counts = order.map((k) => [k, standings.filter((s) => s.standing === k).length] as const).filter(([, n]) => n);
  const { seconds, open, unknown } = timeLeft(standings, estimates, workers);
  const known = seconds !== null;
  const left = seconds ?? 0;
  const estimate = !open
    ? 'nothing left to run'
    : known
      ? `about ${duration(left)} left on ${workers} worker${workers > 1 ? 's' : ''}${unknown ? ` (${unknown} run${unknown > 1 ? 's' : ''} not estimated: no comparable run measured yet)` : ''}`
      : 'no estimate: no comparable run (same model, images, batch and sampling) has finished under results/ yet';
  return `${counts.map(([k, n]) => `${n} ${k}`).join(', ')}; ${estimate}`;
}
