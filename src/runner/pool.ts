import { fork, type ChildProcess } from 'node:child_process';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { RunState } from '../results/types.js';
import type { StepMessage, WorkerJob, WorkerTask } from '../worker/entry.js';
import type { ProcessReply, ProcessRequest } from '../worker/process-entry.js';

/**
 * How suite workers are isolated: `thread` (piscina worker threads in this process, the default)
 * or `process` (one child process per worker). Engines that are not safe in several threads of
 * one process need processes: tfjs-node fails from the second worker thread on (tensorflow/tfjs
 * #8388), so `auto` picks `process` for the `tensorflow` backend and `thread` otherwise.
 */
export type Isolation = 'thread' | 'process';
export const ISOLATION_CHOICES = ['auto', 'thread', 'process'] as const;

export function resolveIsolation(choice: (typeof ISOLATION_CHOICES)[number], backend: string): Isolation {
  return choice === 'auto' ? (backend === 'tensorflow' ? 'process' : 'thread') : choice;
}

export type Outcome = RunState | 'stopped' | 'ready';

/** A job handed to a worker: its outcome, and how to ask a run to checkpoint and stop. */
export interface Handle {
  readonly outcome: Promise<Outcome>;
  stop(): void;
}

/** A fixed set of workers, each with one engine, running one job at a time. */
export interface WorkerPool {
  /** Runs `job` on a free worker; `onMessage` receives a run's steps and phases. */
  run(job: WorkerJob, onMessage?: (message: StepMessage) => void): Handle;
  destroy(): Promise<void>;
}

/** piscina worker threads; a run's progress and stop request travel on a MessageChannel. */
class ThreadPool implements WorkerPool {
  private readonly piscina: Piscina<WorkerTask, Outcome>;

  constructor(file: string, workers: number) {
    this.piscina = new Piscina<WorkerTask, Outcome>({ filename: file, minThreads: workers, maxThreads: workers, idleTimeout: 60_000 });
  }

  run(job: WorkerJob, onMessage?: (message: StepMessage) => void): Handle {
    if (job.kind !== 'run') return { outcome: this.piscina.run(job), stop: () => {} };
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: StepMessage) => onMessage?.(m));
    const outcome = this.piscina.run({ ...job, port: port2 }, { transferList: [port2] }).finally(() => port1.close());
    return { outcome, stop: () => port1.postMessage('stop') };
  }

  destroy(): Promise<void> {
    return this.piscina.destroy();
  }
}

interface Pending {
  readonly id: number;
  readonly job: WorkerJob;
  readonly onMessage?: (message: StepMessage) => void;
  resolve(outcome: Outcome): void;
  reject(error: Error): void;
}

/**
 * One child process per worker (node:child_process fork of the compiled process entry), jobs
 * queued and handed to idle children, messages over the IPC channel. A child that dies fails its
 * job (the run ends errored, as a crash in a thread does) and is replaced for the jobs after it.
 */
class ProcessPool implements WorkerPool {
  private readonly idle: ChildProcess[] = [];
  private readonly busy = new Map<ChildProcess, Pending>();
  private readonly queue: Pending[] = [];
  private readonly all = new Set<ChildProcess>();
  private nextId = 0;
  private closing = false;

  constructor(
    private readonly file: string,
    workers: number,
  ) {
    for (let i = 0; i < workers; i++) this.idle.push(this.spawn());
  }

  private spawn(): ChildProcess {
    const child = fork(this.file, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.all.add(child);
    child.on('message', (reply: ProcessReply) => {
      const pending = this.busy.get(child);
      if (!pending || reply.id !== pending.id) return;
      if (reply.type === 'message') {
        pending.onMessage?.(reply.message);
        return;
      }
      this.busy.delete(child);
      this.idle.push(child);
      if (reply.type === 'done') pending.resolve(reply.outcome);
      else pending.reject(new Error(reply.error));
      this.dispatch();
    });
    child.on('exit', (code, signal) => {
      this.all.delete(child);
      const at = this.idle.indexOf(child);
      if (at >= 0) this.idle.splice(at, 1);
      const pending = this.busy.get(child);
      this.busy.delete(child);
      pending?.reject(new Error(`worker process exited with ${signal ?? `code ${code}`}`));
      if (!this.closing) {
        this.idle.push(this.spawn());
        this.dispatch();
      }
    });
    return child;
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const child = this.idle.shift()!;
      const pending = this.queue.shift()!;
      this.busy.set(child, pending);
      child.send({ type: 'job', id: pending.id, job: pending.job } satisfies ProcessRequest);
    }
  }

  run(job: WorkerJob, onMessage?: (message: StepMessage) => void): Handle {
    const id = this.nextId++;
    const outcome = new Promise<Outcome>((resolve, reject) => this.queue.push({ id, job, onMessage, resolve, reject }));
    this.dispatch();
    const stop = () => {
      for (const [child, pending] of this.busy) if (pending.id === id) child.send({ type: 'stop', id } satisfies ProcessRequest);
    };
    return { outcome, stop };
  }

  async destroy(): Promise<void> {
    this.closing = true;
    const exits = [...this.all].map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
        ),
    );
    for (const child of this.all) child.disconnect();
    await Promise.all(exits);
  }
}

/** The worker pool for `isolation`: `threadFile` is the piscina entry, `processFile` the child-process entry. */
export function createPool(isolation: Isolation, files: { thread: string; process: string }, workers: number): WorkerPool {
  return isolation === 'process' ? new ProcessPool(files.process, workers) : new ThreadPool(files.thread, workers);
}
