import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An internal fault (a bug, not a user error) as one line for the terminal; its full trace goes
 * to a file in `dir`, named in that line, so a user can attach it to a report.
 */
export function internalErrorLine(error: unknown, dir = tmpdir()): string {
  const trace = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const path = join(dir, `coldbench-crash-${process.pid}-${Date.now()}.log`);
  let where: string;
  try {
    writeFileSync(path, `${trace}\n`);
    where = `full trace in ${path}`;
  } catch {
    where = 'the trace could not be written';
  }
  const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return `coldbench: internal error: ${first} (${where}; please report it)`;
}
