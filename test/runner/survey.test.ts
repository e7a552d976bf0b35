import { PLUGINS } from '../../src/plugins.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSuite } from '../../src/runner/expand.js';
import { estimateSeconds, measuredRuns, survey } from '../../src/runner/survey.js';
import { validateSuite } from '../../src/runner/validate.js';

const suite = validateSuite(
  {
    name: 'mini',
    description: 'test',
    dataset: { name: 'digits', size: 32 },
    model: { preset: 'tiny' },
    train: { steps: 100 },
    seeds: [0, 1, 2, 3, 4],
    degradations: [{ name: 'blur', params: { steps: 5 } }],
  },
  'mini.json',
  PLUGINS,
);
const runs = expandSuite(suite, PLUGINS);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coldbench-survey-'));
  const dir = join(root, 'mini');
  const write = async (i: number, files: Record<string, string>) => {
    await mkdir(join(dir, runs[i].id), { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, runs[i].id, name), text);
  };
  const lossCsv = (steps: number) =>
    `step,loss\n${Array.from({ length: steps }, (_, i) => `${i + 1},${(1 / (i + 1)).toFixed(4)}`).join('\n')}\n`;
  // Run 0 completed: 100 steps trained in 20 s, 30 s in all (so 0.2 s per step, 10 s the rest).
  await write(0, {
    'config.json': JSON.stringify({ spec: runs[0].spec }),
    'loss.csv': lossCsv(100),
    'result.json': JSON.stringify({ state: 'completed', durationMs: 30_000, timings: [{ phase: 'train', ms: 20_000 }] }),
  });
  await write(1, { 'loss.csv': lossCsv(40) }); // resumable at step 40
  await write(2, { 'loss.csv': lossCsv(10), 'claim.json': JSON.stringify({ host: hostname(), pid: process.pid }) }); // running here
  await write(3, { 'result.json': JSON.stringify({ state: 'errored', durationMs: 1000, error: 'boom' }) });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('survey', () => {
  it('says where each run stands from its files alone', () => {
    const standings = survey(join(root, 'mini'), runs);
    expect(standings.map((s) => s.standing)).toEqual(['finished', 'resumable', 'running', 'errored', 'new']);
    expect(standings[1]).toMatchObject({ step: 40, loss: 0.025 });
    expect(standings[2].heldBy).toBe(`${hostname()}:${process.pid}`);
    expect(standings[0]).toMatchObject({ state: 'completed', seconds: 30, step: 100 });
  });

  it('estimates the time left from measured rates of comparable runs', () => {
    const measured = measuredRuns(root);
    expect(measured).toHaveLength(1);
    const left = estimateSeconds(survey(join(root, 'mini'), runs), measured);
    // 0.2 s per step × steps left + 10 s: resumable 60 steps left → 22 s; running 90 → 28 s; errored and new 100 → 30 s.
    expect(left[0]).toBe(0);
    expect(left[1]).toBeCloseTo(22, 10);
    expect(left[2]).toBeCloseTo(28, 10);
    expect(left[3]).toBeCloseTo(30, 10);
    expect(left[4]).toBeCloseTo(30, 10);
    // Another model shape was never measured: no estimate.
    const other = expandSuite(validateSuite({ ...suite, model: { preset: 'small' } }, 'x.json', PLUGINS), PLUGINS);
    expect(estimateSeconds(survey(join(root, 'mini'), other), measured)[0]).toBeUndefined();
  });
});
