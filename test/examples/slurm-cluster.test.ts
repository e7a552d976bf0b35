import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// The Slurm example on a real (one-node) Slurm cluster: munged, slurmctld and slurmd from Debian's
// packages, started by scripts/slurm-local.sh. Required in CI (COLDBENCH_REQUIRE_SLURM=1, set by
// .ci/run, which installs the packages); elsewhere skipped with the reason when Slurm is missing.
const exec = promisify(execFile);
const has = (command: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue'].filter((c) => !has(c));
const why =
  missing.length > 0
    ? `${missing.join(', ')} not installed (apt-get install slurmctld slurmd slurm-client munge)`
    : process.getuid?.() !== 0
      ? 'not root (slurmd runs jobs as root here)'
      : '';
const required = process.env.COLDBENCH_REQUIRE_SLURM === '1';
const describeSlurm = why === '' || required ? describe : describe.skip;

describeSlurm(`examples/slurm/run-suite.sbatch on a one-node Slurm cluster${why ? ` (skipped: ${why})` : ''}`, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    if (why) throw new Error(`COLDBENCH_REQUIRE_SLURM=1 but ${why}`);
    dir = await mkdtemp(join(tmpdir(), 'coldbench-slurm-'));
    await exec('scripts/slurm-local.sh', ['start', join(dir, 'cluster')]);
    env = { ...process.env, SLURM_CONF: join(dir, 'cluster', 'slurm.conf'), COLDBENCH_BACKEND: 'wasm' };
  }, 60_000);
  afterAll(async () => {
    if (!dir) return;
    await exec('scripts/slurm-local.sh', ['stop', join(dir, 'cluster')]);
    await rm(dir, { recursive: true, force: true });
  });

  /** Waits until Slurm no longer lists the job as pending or running. */
  const finished = async (job: string) => {
    for (;;) {
      const { stdout } = await exec('squeue', ['-h', '-j', job, '-o', '%T'], { env }).catch(() => ({ stdout: '' })); // an id squeue forgot is done
      if (stdout.trim() === '') return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const comparable = async (folder: string) => {
    const { durationMs, timings, ...result } = JSON.parse(await readFile(join(folder, 'result.json'), 'utf8'));
    // Wall times are the only fields two runs of one seed differ in: the run's and its phases'.
    expect(durationMs).toBeGreaterThan(0);
    expect(timings.map((t: { phase: string }) => t.phase)).toContain('train');
    return { result, loss: await readFile(join(folder, 'loss.csv'), 'utf8') };
  };

  it('runs a 3-task array into one results folder, builds the report after it, and every result equals a single-machine run', async () => {
    const suite = {
      name: 'sharded',
      description: 'the Slurm example on three tasks',
      dataset: { name: 'digits', size: 32 },
      model: { preset: 'tiny' },
      train: { steps: 150, batch: 8, emaStart: 5, emaEvery: 5, checkpointEvery: 50 },
      sampling: { count: 16, samplers: ['direct', 'alg2'], generation: false },
      features: { steps: 20 },
      seeds: [0, 1, 2],
      degradations: [{ name: 'blur', params: { steps: 3, sigma: 1, radius: 1 } }],
    };
    const suitePath = join(dir, 'suite.json');
    await writeFile(suitePath, JSON.stringify(suite));
    const [clustered, reportDir, single] = ['cluster-results', 'report', 'single-results'].map((f) => join(dir, f));

    // What a user types, from the repository root (the script's `npx coldbench` needs it), with
    // the log files moved out of the checkout and one CPU per task so two tasks run at once.
    const { stdout } = await exec(
      'sbatch',
      [
        '--parsable',
        '--array=0-2',
        '--cpus-per-task=1',
        '--mem=1G',
        `--output=${dir}/task-%A_%a.out`,
        'examples/slurm/run-suite.sbatch',
        suitePath,
        clustered,
        reportDir,
      ],
      { env },
    );
    const array = stdout.trim();
    await finished(array);
    const logs = await Promise.all([0, 1, 2].map((task) => readFile(join(dir, `task-${array}_${task}.out`), 'utf8')));
    for (const [task, log] of logs.entries()) expect(log).toContain(`1 of 3 runs (shard ${task + 1}/3)`);
    const report = /report job (\d+) writes/.exec(logs[0])?.[1];
    expect(report).toBeDefined();
    await finished(report!);
    const reportLog = resolve(`coldbench-report-${report}.out`); // the report job logs into the submit folder
    expect(await readFile(reportLog, 'utf8')).toContain('3 of 3 runs completed');
    await rm(reportLog);
    expect(existsSync(join(reportDir, 'index.html'))).toBe(true);

    await exec('node', ['bin/coldbench.js', '--backend', 'wasm', 'run', suitePath, '--results', single, '--workers', '2', '--no-progress']);
    const runs = (await readdir(single, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(runs).toHaveLength(3);
    expect(
      (await readdir(clustered, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(),
    ).toEqual(runs);
    for (const id of runs) {
      const [a, b] = await Promise.all([comparable(join(clustered, id)), comparable(join(single, id))]);
      expect(a.result.state).toBe('completed');
      expect(a).toEqual(b); // every metric, interval and loss to the last digit: wasm is deterministic
    }
  }, 600_000);
});
