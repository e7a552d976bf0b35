import { EventEmitter } from 'node:events';
import type { RunState } from '../results/types.js';
import work, { type StepMessage, type TaskPort, type WorkerJob } from './entry.js';

/** What the runner sends a worker process. */
export type ProcessRequest =
  { readonly type: 'job'; readonly id: number; readonly job: WorkerJob } | { readonly type: 'stop'; readonly id: number };

/** What a worker process answers: a run's progress, then its outcome or its error. */
export type ProcessReply =
  | { readonly type: 'message'; readonly id: number; readonly message: StepMessage }
  | { readonly type: 'done'; readonly id: number; readonly outcome: RunState | 'stopped' | 'ready' }
  | { readonly type: 'failed'; readonly id: number; readonly error: string };

/**
 * A suite worker as a child process (runner/pool.ts, isolation `process`): the same `work` as a
 * piscina thread, with the run's port made of the IPC channel. It exits when the runner
 * disconnects.
 */
const ports = new Map<number, EventEmitter>();
const send = (reply: ProcessReply) => process.send?.(reply);

process.on('message', (request: ProcessRequest) => {
  if (request.type === 'stop') {
    ports.get(request.id)?.emit('message', 'stop');
    return;
  }
  const { id, job } = request;
  const events = new EventEmitter();
  ports.set(id, events);
  const port: TaskPort = {
    on: (event, listener) => void events.on(event, listener),
    postMessage: (message) => send({ type: 'message', id, message }),
    close: () => void ports.delete(id),
  };
  work(job.kind === 'run' ? { ...job, port } : job).then(
    (outcome) => send({ type: 'done', id, outcome }),
    (error: unknown) => send({ type: 'failed', id, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
