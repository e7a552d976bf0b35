import { getDegradation } from '../degradations/index.js';

export interface DegradationBenchOptions {
  /** Training steps per run. */
  readonly steps: number;
  /** Images sampled per sampler. */
  readonly count: number;
}

/** Steps T used for both degradations: enough to iterate, few enough to finish in minutes. */
const BENCH_T = 20;

/**
 * The suite `coldbench bench degradation <name>` runs: the degradation against the hot
 * Gaussian baseline, on digits (faces when it needs colour), with a tiny U-Net. It is plain
 * suite JSON, validated like any file in experiments/.
 */
export function degradationBenchSuite(name: string, options: DegradationBenchOptions): Record<string, unknown> {
  const deg = getDegradation(name);
  const colour = deg.channels !== undefined && !deg.channels.includes(1);
  const steps = (d: string) => ({ steps: Math.min(BENCH_T, getDegradation(d).params.steps.default as number) });
  return {
    name: `bench-${name}`,
    description: `${name} against the hot Gaussian baseline (coldbench bench degradation ${name}).`,
    dataset: colour ? { name: 'faces', size: 32 } : { name: 'digits', size: 32 },
    model: { preset: 'tiny' },
    train: { steps: options.steps, batch: 16, lr: 0.002, emaStart: Math.floor(options.steps / 2), emaEvery: 5, checkpointEvery: 50 },
    sampling: { count: options.count, deltas: [0, 0.05], gmmComponents: 4 },
    seeds: [0],
    degradations: [{ name, params: steps(name) }, ...(name === 'gaussian' ? [] : [{ name: 'gaussian', params: steps('gaussian') }])],
  };
}
