import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../util/fs.js';
import { isAlive } from '../../util/process.js';
import type { NativeAddon } from './addon.js';

/**
 * The native engine is enabled only after a self-test in a child process has run every kernel
 * it serves on the shapes coldbench really produces and compared each with the wasm kernel: a
 * library fault on some CPU (Debian's oneDNN 2.6.3 resampling segfaults on AMD EPYC at batch 16)
 * then costs a fallback to wasm, not the user's suite. The verdict is kept beside the addon and
 * reused while the addon, the CPU and the oneDNN settings stay the same.
 */
export interface SelfTestResult {
  readonly ok: boolean;
  /** Why it failed, naming the kernel and shape where one was running. */
  readonly failure?: string;
  /** Distinct kernel shapes run and checked, and workloads run. */
  readonly kernels: number;
  readonly workloads: number;
  readonly seconds: number;
  readonly cpu: string;
  /** What the verdict is valid for. */
  readonly key: string;
}

/** Bumped when the probe's workloads change, so old verdicts are not reused. */
const PROBE_VERSION = 2;
/** A probe that runs longer than this is stopped and counts as failed. */
const PROBE_TIMEOUT_MS = 10 * 60_000;
/**
 * The probe needs the models, so it sits in bench/ and runs compiled (dist/ is built by npm ci);
 * this path is the same from src/engine/native and dist/engine/native.
 */
const PROBE = fileURLToPath(new URL('../../../dist/bench/native-probe.js', import.meta.url));

/** The CPU's model name and a hash of its feature flags (Linux), which decide oneDNN's code paths. */
function cpuIdentity(): { model: string; flags: string } {
  let flags = '';
  try {
    flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? '';
  } catch {
    // Not Linux: the model name alone.
  }
  return { model: cpus()[0]?.model.trim() ?? 'unknown CPU', flags: createHash('sha256').update(flags).digest('hex').slice(0, 16) };
}

/** What a verdict depends on: the addon's bytes, oneDNN's version and ISA, the CPU, oneDNN's ISA limits, the probe. */
export function selfTestKey(addonPath: string, addon: NativeAddon): string {
  const { onednn, isa } = addon.version();
  const { model, flags } = cpuIdentity();
  const env = ['ONEDNN_MAX_CPU_ISA', 'DNNL_MAX_CPU_ISA', 'ONEDNN_CPU_ISA_HINTS', 'COLDBENCH_NATIVE_FAULT'].map(
    (k) => `${k}=${process.env[k] ?? ''}`,
  );
  const parts = [
    `probe ${PROBE_VERSION}`,
    createHash('sha256').update(readFileSync(addonPath)).digest('hex'),
    onednn,
    isa,
    model,
    flags,
    ...env,
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
}

/** Where the verdict for the addon at `addonPath` is kept. */
export const selfTestRecordPath = (addonPath: string) => `${addonPath}.self-test.json`;

function readRecord(path: string, key: string): SelfTestResult | undefined {
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as SelfTestResult;
    return record.key === key && typeof record.ok === 'boolean' ? record : undefined;
  } catch {
    return undefined; // none yet, or unreadable: run the probe again
  }
}

/** Runs the probe and turns its output into a verdict. */
function probe(addonPath: string, key: string): Promise<SelfTestResult> {
  const cpu = cpuIdentity().model;
  const start = performance.now();
  return new Promise((resolve) => {
    // The environment the key was made from (oneDNN's ISA limits), passed on explicitly.
    const child = spawn(process.execPath, [PROBE, addonPath], {
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: PROBE_TIMEOUT_MS,
    });
    let out = '',
      err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      const lines = out.split('\n');
      const last = (word: string) =>
        lines
          .filter((l) => l.startsWith(`${word} `))
          .at(-1)
          ?.slice(word.length + 1);
      const kernels = lines.filter((l) => l.startsWith('kernel ')).length;
      const workloads = lines.filter((l) => l.startsWith('workload ')).length;
      const seconds = Number(((performance.now() - start) / 1000).toFixed(1));
      const base = { kernels, workloads, seconds, cpu, key };
      if (code === 0 && last('ok') !== undefined) return resolve({ ok: true, ...base });
      const mismatch = last('mismatch'),
        error = last('error');
      const where = `${last('kernel') ?? 'before any kernel'} (workload: ${last('workload') ?? 'start-up'})`;
      const failure = spawnError
        ? `the self-test could not start (${spawnError.message})`
        : mismatch
          ? `kernel ${mismatch.replace(/ (\S+)$/, '')} disagrees with wasm (relative error ${mismatch.split(' ').at(-1)})`
          : signal
            ? `${signal === 'SIGTERM' ? `the self-test did not finish in ${PROBE_TIMEOUT_MS / 60_000} min` : `the self-test crashed (${signal})`} in ${where}`
            : `the self-test failed (${error ?? err.trim().split('\n').at(-1) ?? `exit code ${code}`}) in ${where}`;
      resolve({ ok: false, failure, ...base });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

export interface SelfTestOptions {
  /** Run the probe even when a verdict for this addon and CPU exists. */
  readonly force?: boolean;
  /** Told once, before a probe runs (it takes some seconds). */
  readonly log?: (line: string) => void;
}

/** True while the process that wrote `lock` (its pid) is alive; an unreadable lock has no owner. */
async function lockHeld(lock: string): Promise<boolean> {
  const pid = Number(await readFile(lock, 'utf8').catch(() => ''));
  return pid > 0 && isAlive(pid);
}

/**
 * Takes the probe lock beside the record, so that processes starting together (suite workers,
 * parallel tests) run one probe: false when another process finished it meanwhile (its verdict
 * is then kept). A lock whose owner died is taken over; where no lock can be written (a
 * read-only install) the caller probes without one.
 */
async function lockOrWait(lock: string, kept: () => SelfTestResult | undefined): Promise<boolean> {
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true;
    }
    if (!(await lockHeld(lock))) await rm(lock, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 500));
    if (kept()) return false;
  }
}

/** Verdicts this process has seen, by key: a read-only install probes once per process. */
const seen = new Map<string, SelfTestResult>();

/** The verdict for this addon on this CPU: the kept one, or a new probe's (then kept). */
export async function nativeSelfTest(addonPath: string, addon: NativeAddon, options: SelfTestOptions = {}): Promise<SelfTestResult> {
  const key = selfTestKey(addonPath, addon);
  const recordPath = selfTestRecordPath(addonPath),
    lock = `${recordPath}.lock`;
  const kept = () => seen.get(key) ?? readRecord(recordPath, key);
  if (!options.force && kept()) return kept()!;
  if (!existsSync(PROBE)) {
    return {
      ok: false,
      failure: `its self-test is not built (${PROBE} is missing: run npm run build)`,
      kernels: 0,
      workloads: 0,
      seconds: 0,
      cpu: cpuIdentity().model,
      key,
    };
  }
  if (!(await lockOrWait(lock, options.force ? () => undefined : kept))) return kept()!;
  try {
    options.log?.(
      `coldbench: checking the native engine on this CPU (${cpuIdentity().model}), once per build: every kernel on coldbench's shapes, in a child process`,
    );
    const result = await probe(addonPath, key);
    seen.set(key, result);
    try {
      await writeFileAtomic(recordPath, `${JSON.stringify(result, null, 2)}\n`);
    } catch {
      // A read-only install: the verdict holds for this process, and the next one probes again.
    }
    return result;
  } finally {
    await rm(lock, { force: true });
  }
}

/** The one line that says the engine is off and why. */
export function selfTestFailureLine(result: SelfTestResult): string {
  return `the native engine failed its self-test on ${result.cpu}: ${result.failure}; re-run it with \`coldbench self-test\``;
}
