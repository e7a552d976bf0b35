import { schedulerShard } from '../../src/runner/scheduler.js';

describe('--shard auto', () => {
  it.each([
    [
      'a Slurm array 0-3, task 0',
      { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0' },
      { index: 1, count: 4 },
    ],
    [
      'a Slurm array 0-3, task 3',
      { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0' },
      { index: 4, count: 4 },
    ],
    [
      'a Slurm array 5-7, task 6',
      { SLURM_ARRAY_TASK_ID: '6', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '5' },
      { index: 2, count: 3 },
    ],
    [
      'a Slurm array 0-10:2, task 8',
      { SLURM_ARRAY_TASK_ID: '8', SLURM_ARRAY_TASK_COUNT: '6', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' },
      { index: 5, count: 6 },
    ],
    ['a Kubernetes Indexed Job, index 0 of 3', { JOB_COMPLETION_INDEX: '0', COLDBENCH_SHARD_COUNT: '3' }, { index: 1, count: 3 }],
    ['a Kubernetes Indexed Job, index 2 of 3', { JOB_COMPLETION_INDEX: '2', COLDBENCH_SHARD_COUNT: '3' }, { index: 3, count: 3 }],
  ])('takes its shard from %s', (_, env, shard) => {
    expect(schedulerShard(env)).toEqual(shard);
  });

  it.each([
    [
      'no scheduler',
      {},
      '--shard auto needs a scheduler: SLURM_ARRAY_TASK_ID (a Slurm array job) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is not set; pass --shard i/n instead.',
    ],
    [
      'a Slurm job that is not an array',
      { SLURM_ARRAY_TASK_ID: '2' },
      '--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; submit coldbench as an array job (sbatch --array=0-N).',
    ],
    [
      'a task outside its array',
      { SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '5' },
      "--shard auto: array task 9 is not one of 3 tasks from 5 in steps of 1; check the job's --array.",
    ],
    [
      'a task between steps',
      { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '6', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' },
      "--shard auto: array task 3 is not one of 6 tasks from 0 in steps of 2; check the job's --array.",
    ],
    [
      'a garbled id',
      { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '3' },
      '--shard auto: SLURM_ARRAY_TASK_ID="x" is not a whole number; check the job script.',
    ],
    [
      'an index without a count',
      { JOB_COMPLETION_INDEX: '1' },
      "--shard auto: JOB_COMPLETION_INDEX is set but COLDBENCH_SHARD_COUNT is not; set it to the Job's completions (see examples/kubernetes/suite-job.yaml).",
    ],
    [
      'an index past the count',
      { JOB_COMPLETION_INDEX: '3', COLDBENCH_SHARD_COUNT: '3' },
      "--shard auto: JOB_COMPLETION_INDEX 3 is not below COLDBENCH_SHARD_COUNT 3; make them agree with the Job's completions.",
    ],
  ])('refuses %s in one line', (_, env, message) => {
    expect(() => schedulerShard(env)).toThrow(message);
  });
});

describe('a suite run as array tasks over one results folder', () => {
  const suite = {
    name: 'sharded',
    description: 'three short runs in two array tasks',
    dataset: { name: 'digits', size: 32 },
    model: { preset: 'tiny' },
    train: { steps: 10, batch: 8, emaStart: 5, emaEvery: 5, checkpointEvery: 10 },
    sampling: { count: 16, samplers: ['direct'], generation: false },
    features: { steps: 20 },
    seeds: [0, 1, 2],
    degradations: [{ name: 'blur', params: { steps: 3, sigma: 1, radius: 1 } }],
  };
  let dir: string;
  beforeAll(async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    dir = await mkdtemp((await import('node:path')).join((await import('node:os')).tmpdir(), 'coldbench-shards-'));
    await writeFile(`${dir}/suite.json`, JSON.stringify(suite));
  });
  afterAll(async () => (await import('node:fs/promises')).rm(dir, { recursive: true, force: true }));

  const coldbench = async (args: string[], env: Record<string, string> = {}) => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const bin = (await import('node:path')).resolve('bin/coldbench.js');
    return promisify(execFile)('node', [bin, '--backend', 'wasm', ...args], { cwd: dir, env: { ...process.env, ...env } });
  };

  it('runs each task its shard, builds no report there, and the report counts what it found', async () => {
    const { existsSync } = await import('node:fs');
    const task = (id: number) =>
      coldbench(['run', 'suite.json', '--shard', 'auto', '--results', 'shared', '--workers', '1', '--no-progress'], {
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_COUNT: '2',
        SLURM_ARRAY_TASK_MIN: '0',
      });
    const first = await task(0);
    expect(first.stderr).toContain('(shard 1/2)');
    expect(first.stderr).toContain('shard 1/2 done; once every shard has finished: coldbench report shared');
    expect(existsSync(`${dir}/reports`)).toBe(false);
    const partial = await coldbench(['report', 'shared']);
    const done = Number(/report: (\d) of 3 runs completed, (\d) missing/.exec(partial.stderr)?.[1]);
    expect(done).toBeGreaterThanOrEqual(0);
    expect(partial.stderr).toContain(`report: ${done} of 3 runs completed, ${3 - done} missing, `);
    await task(1);
    const whole = await coldbench(['report', 'shared']);
    expect(whole.stderr).toMatch(/report: 3 of 3 runs completed, 7 charts → reports\/shared\/index\.html/);
  }, 300_000);
});
