import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { internalErrorLine } from '../../src/cli/crash.js';

describe('internal errors', () => {
  it('print one line naming the file that holds the full trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldbench-crash-'));
    const error = new TypeError('cannot read properties of undefined\nsecond line');
    const line = internalErrorLine(error, dir);
    const match = /^coldbench: internal error: cannot read properties of undefined \(full trace in (.+\.log); please report it\)$/.exec(
      line,
    );
    expect(match).not.toBeNull();
    expect(await readFile(match![1], 'utf8')).toBe(`${error.stack}\n`);
    expect(internalErrorLine('plain', join(dir, 'missing', 'deeper'))).toBe(
      'coldbench: internal error: plain (the trace could not be written; please report it)',
    );
    await rm(dir, { recursive: true, force: true });
  });
});
