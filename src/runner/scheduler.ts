import { UserError } from '../errors.js';

/** A shard of a suite: 1-based index of count. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

const whole = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UserError(`--shard auto: ${name}=${JSON.stringify(value)} is not a whole number; check the job script.`);
  return n;
};

/**
 * The shard a cluster scheduler gave this task, for `--shard auto`: a Slurm array task
 * (SLURM_ARRAY_TASK_ID within SLURM_ARRAY_TASK_MIN..MAX in steps of SLURM_ARRAY_TASK_STEP, so
 * `--array=5-7` or `--array=0-10:2` work as well as `0-3`; SLURM_ARRAY_TASK_COUNT tasks), or a
 * Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX, 0-based, with COLDBENCH_SHARD_COUNT set to
 * the Job's completions, which Kubernetes does not pass to pods itself).
 */
export function schedulerShard(env: NodeJS.ProcessEnv = process.env): Shard {
  const slurmId = whole('SLURM_ARRAY_TASK_ID', env.SLURM_ARRAY_TASK_ID);
  if (slurmId !== undefined) {
    const count = whole('SLURM_ARRAY_TASK_COUNT', env.SLURM_ARRAY_TASK_COUNT);
    const min = whole('SLURM_ARRAY_TASK_MIN', env.SLURM_ARRAY_TASK_MIN) ?? 0;
    const step = whole('SLURM_ARRAY_TASK_STEP', env.SLURM_ARRAY_TASK_STEP) ?? 1;
    if (count === undefined || count < 1)
      throw new UserError(
        '--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; submit coldbench as an array job (sbatch --array=0-N).',
      );
    const offset = slurmId - min;
    if (step < 1 || offset < 0 || offset % step !== 0 || offset / step >= count) {
      throw new UserError(
        `--shard auto: array task ${slurmId} is not one of ${count} tasks from ${min} in steps of ${step}; check the job's --array.`,
      );
    }
    return { index: offset / step + 1, count };
  }
  const k8sIndex = whole('JOB_COMPLETION_INDEX', env.JOB_COMPLETION_INDEX);
  if (k8sIndex !== undefined) {
    const count = whole('COLDBENCH_SHARD_COUNT', env.COLDBENCH_SHARD_COUNT);
    if (count === undefined || count < 1)
      throw new UserError(
        "--shard auto: JOB_COMPLETION_INDEX is set but COLDBENCH_SHARD_COUNT is not; set it to the Job's completions (see examples/kubernetes/suite-job.yaml).",
      );
    if (k8sIndex >= count)
      throw new UserError(
        `--shard auto: JOB_COMPLETION_INDEX ${k8sIndex} is not below COLDBENCH_SHARD_COUNT ${count}; make them agree with the Job's completions.`,
      );
    return { index: k8sIndex + 1, count };
  }
  throw new UserError(
    '--shard auto needs a scheduler: SLURM_ARRAY_TASK_ID (a Slurm array job) or JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is not set; pass --shard i/n instead.',
  );
}
