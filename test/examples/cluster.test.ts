import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { parse } from 'yaml';

const run = promisify(execFile);

describe('examples/kubernetes/suite-job.yaml', () => {
  it("is a valid batch/v1 Job under Kubernetes' own OpenAPI schema (kubernetes-models)", async () => {
    const job = parse(await readFile('examples/kubernetes/suite-job.yaml', 'utf8'));
    expect(() => new Job(job).validate()).not.toThrow();
    // The validator does reject a broken Job: a string where the schema wants an integer.
    expect(() => new Job({ ...job, spec: { ...job.spec, completions: String(job.spec.completions) } }).validate()).toThrow(
      'data/spec/completions must be integer',
    );
  });

  it('is an Indexed Job whose shard count matches its completions, running coldbench --shard auto', async () => {
    const job = parse(await readFile('examples/kubernetes/suite-job.yaml', 'utf8'));
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed' } });
    const { completions, parallelism, template } = job.spec;
    expect(Number.isInteger(completions) && completions > 0).toBe(true);
    expect(parallelism).toBeLessThanOrEqual(completions);
    expect(['Never', 'OnFailure']).toContain(template.spec.restartPolicy); // what a Job allows
    const [container] = template.spec.containers;
    expect(container.command.join(' ')).toContain('coldbench run');
    expect(container.command).toEqual(expect.arrayContaining(['--shard', 'auto']));
    expect(container.env).toContainEqual({ name: 'COLDBENCH_SHARD_COUNT', value: String(completions) });
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    const results = container.command[container.command.indexOf('--results') + 1];
    const mount = container.volumeMounts.find((m: { mountPath: string }) => results.startsWith(m.mountPath));
    expect(template.spec.volumes.map((v: { name: string }) => v.name)).toContain(mount.name); // results on the shared volume
  });
});

describe('examples/slurm/run-suite.sbatch', () => {
  it('runs its shard with --shard auto, one worker per CPU, and task 0 queues the report after the array', async () => {
    const bin = await mkdtemp(join(tmpdir(), 'coldbench-sbatch-'));
    const calls = join(bin, 'calls.txt');
    // Stand-ins for sbatch and npx that record their arguments.
    for (const name of ['sbatch', 'npx']) {
      await writeFile(join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${calls}"\n`);
      await chmod(join(bin, name), 0o755);
    }
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      SLURM_SUBMIT_DIR: resolve('.'),
      SLURM_ARRAY_JOB_ID: '77',
      SLURM_ARRAY_TASK_MIN: '0',
      SLURM_CPUS_PER_TASK: '2',
    };
    for (const id of ['0', '1'])
      await run('bash', ['examples/slurm/run-suite.sbatch', 'experiments/smoke.json'], { env: { ...env, SLURM_ARRAY_TASK_ID: id } });
    const lines = (await readFile(calls, 'utf8')).trim().split('\n');
    expect(lines).toEqual([
      "sbatch --parsable --dependency=afterany:77 --job-name=coldbench-report --cpus-per-task=1 --output=coldbench-report-%j.out --wrap npx coldbench report 'results/smoke' --out 'reports/smoke'",
      'npx coldbench run experiments/smoke.json --shard auto --results results/smoke --workers 2 --no-progress',
      'npx coldbench run experiments/smoke.json --shard auto --results results/smoke --workers 2 --no-progress',
    ]);
    await rm(bin, { recursive: true, force: true });
  });
});
