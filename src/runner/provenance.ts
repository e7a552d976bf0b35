import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** Versions saved with every run: anything here changing can change the numbers. */
export function packageVersions(): Record<string, string> {
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return { coldbench: own.version, '@tensorflow/tfjs-core': tf.version_core, node: process.versions.node };
}

/** The machine's CPU as speeds are reported with it, e.g. `AMD EPYC (2 cores)`. */
export function cpuModel(): string {
  return `${cpus()[0]?.model.trim() || 'unknown CPU'} (${availableParallelism()} cores)`;
}

/** The checkout's commit, or null when coldbench does not run from a git clone. */
export function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}
