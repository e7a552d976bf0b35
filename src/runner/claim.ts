import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { runPaths } from '../results/layout.js';
import { isAlive } from '../util/process.js';

/**
 * A run folder's claim, so that two tasks sharing a results folder (a requeued Slurm task, a
 * Kubernetes retry, two `coldbench run` by hand) never train one run at once. The claim is a file
 * created atomically (O_EXCL) holding host and pid; its owner touches it every HEARTBEAT_MS. A
 * claim is stale, and is taken over, when its owner's process is gone (same host) or when it
 * has not been touched for STALE_MS (another host, whose processes cannot be seen from here).
 */
export const HEARTBEAT_MS = 30_000;
export const STALE_MS = 5 * 60_000;

export interface Claim {
  /** Stops the heartbeat and removes the claim. */
  release(): Promise<void>;
}

function stale(path: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as { host: string; pid: number };
    if (owner.host === hostname()) return !isAlive(owner.pid);
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return true; // unreadable or half-written: its writer died mid-write
  }
}

/** Who holds a live claim on `runDir` (`host:pid`), or undefined: reads, never takes or removes. */
export function claimHolder(runDir: string): string | undefined {
  const path = runPaths(runDir).claim;
  if (!existsSync(path) || stale(path)) return undefined;
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as { host: string; pid: number };
    return `${owner.host}:${owner.pid}`;
  } catch {
    return undefined;
  }
}

/** Claims `runDir` for this process, or returns who holds it. */
export async function claimRun(runDir: string): Promise<{ claim: Claim } | { heldBy: string }> {
  await mkdir(runDir, { recursive: true });
  const path = runPaths(runDir).claim;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() }), { flag: 'wx' });
      const beat = setInterval(() => {
        const now = new Date();
        try {
          utimesSync(path, now, now);
        } catch {
          // The folder went away: nothing to keep alive.
        }
      }, HEARTBEAT_MS);
      beat.unref();
      return {
        claim: {
          release: async () => {
            clearInterval(beat);
            await rm(path, { force: true });
          },
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!stale(path)) break;
      await rm(path, { force: true }); // a dead owner's claim: take it over once
    }
  }
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as { host: string; pid: number };
    return { heldBy: `${owner.host}:${owner.pid}` };
  } catch {
    return { heldBy: 'another task' };
  }
}
