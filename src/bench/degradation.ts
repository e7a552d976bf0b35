import { getDegradation } from '../degradations/index.js';

export interface DegradationBenchOptions {
  /** Training steps per run. */
  readonly steps: number;
  /** Images sampled per sampler. */
  readonly count: number;
}

/** Steps T of a bench degradation: enough to iterate when sampling, few enough to finish in minutes. */
const BENCH_T = 20;

/** A degradation's parameters in a bench suite: its default T, capped at BENCH_T. */
export function benchParams(name: string): { steps: number } {
  return { steps: Math.min(BENCH_T, getDegradation(name).params.steps.default as number) };
}

/** The model, training and sampling sections every bench suite shares: a tiny U-Net, short budgets. */
export function benchBudget(steps: number, count: number): Record<'model' | 'train' | 'sampling', Record<string, unknown>> {
  return {
    model: { preset: 'tiny' },
    train: { steps, batch: 16, lr: 0.002, emaStart: Math.floor(steps / 2), emaEvery: 5, checkpointEvery: 50 },
    sampling: { count, deltas: [0, 0.05], gmmComponents: 4 },
  };
}

/**
 * The suite `coldbench bench degradation <name>` runs: the degradation against the hot
 * Gaussian baseline, on digits (faces when it needs colour), with a tiny U-Net. It is plain
 * suite JSON, validated like any file in experiments/.
 */
export function degradationBenchSuite(name: string, options: DegradationBenchOptions): Record<string, unknown> {
  const deg = getDegradation(name);
  const colour = deg.channels !== undefined && !deg.channels.includes(1);
  return {
    name: `bench-${name}`,
    description: `${name} against the hot Gaussian baseline (coldbench bench degradation ${name}).`,
    dataset: colour ? { name: 'faces', size: 32 } : { name: 'digits', size: 32 },
    ...benchBudget(options.steps, options.count),
    seeds: [0],
    degradations: [
      { name, params: benchParams(name) },
      ...(name === 'gaussian' ? [] : [{ name: 'gaussian', params: benchParams('gaussian') }]),
    ],
  };
}
