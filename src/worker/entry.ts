import * as tf from '@tensorflow/tfjs-core';
import { initEngine, type BackendChoice } from '../engine/backend.js';
import { loadDataset } from '../data/index.js';
import type { RunState } from '../results/types.js';
import type { FeatureNetSpec } from '../results/config.js';
import { featureNet } from '../train/feature-net.js';
import { referenceFeatures } from './evaluate.js';
import { executeRun, type RunTask } from './execute.js';

/** Progress a worker posts on its port: after every training step, and as each later phase starts. */
export type StepMessage = { readonly step: number; readonly loss: number } | { readonly phase: string };

/**
 * A run's channel to the runner: progress out, the runner's `'stop'` in. A worker thread's is a
 * MessagePort; a worker process's is made of its IPC channel (process-entry.ts).
 */
export interface TaskPort {
  on(event: 'message', listener: (message: unknown) => void): void;
  postMessage(message: StepMessage): void;
  close(): void;
}

/** What the runner asks a worker to do (plain data; STYLE.md §7). */
export type WorkerJob =
  | { readonly kind: 'run'; readonly backend: BackendChoice; readonly threads: number; readonly task: RunTask }
  | { readonly kind: 'start'; readonly backend: BackendChoice; readonly threads: number }
  | {
      readonly kind: 'features';
      readonly backend: BackendChoice;
      readonly threads: number;
      readonly dataset: string;
      readonly size: number;
      readonly spec: FeatureNetSpec;
      readonly featureCache: string;
    };

/** A job as the worker receives it: a run comes with its port. */
export type WorkerTask = Exclude<WorkerJob, { kind: 'run' }> | (Extract<WorkerJob, { kind: 'run' }> & { readonly port: TaskPort });

/**
 * The piscina worker: picks its engine once, then only that (`start`), or trains a feature
 * network, or runs one task.
 * The runner's `'stop'` message on the port asks the run to checkpoint and return.
 */
export default async function work(message: WorkerTask): Promise<RunState | 'stopped' | 'ready'> {
  await initEngine(message.backend, undefined, { threads: message.threads });
  if (message.kind === 'start') return 'ready';
  if (message.kind === 'features') {
    // The network, and the features of the held-out split every run compares with: once, on disk
    // beside the network, so the workers read them instead of each computing them at once.
    const data = await loadDataset(message.dataset, { size: message.size });
    const net = await featureNet(data, message.spec, message.featureCache);
    tf.dispose(referenceFeatures(net, data.test));
    net.dispose();
    return 'ready';
  }
  const { port, task } = message;
  const stop = new AbortController();
  port.on('message', (m) => m === 'stop' && stop.abort());
  try {
    return await executeRun(task, {
      signal: stop.signal,
      onStep: (step, loss) => port.postMessage({ step, loss } satisfies StepMessage),
      onPhase: (phase) => port.postMessage({ phase } satisfies StepMessage),
    });
  } finally {
    port.close();
  }
}
