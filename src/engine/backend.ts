import * as tf from '@tensorflow/tfjs-core';
import { errors, UserError } from '../errors.js';
import { registerWasmTrainingKernels } from './kernels/index.js';
import { loadNativeAddon, NATIVE_ADDON_PATH, type NativeAddon } from './native/addon.js';
import { NATIVE_BACKEND, registerNativeBackend } from './native/index.js';
import { nativeSelfTest, selfTestFailureLine, type SelfTestResult } from './native/self-test.js';

export { selfTestFailureLine, type SelfTestResult };

/** Backends a user can ask for; `auto` picks the fastest one present. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

export interface EngineInfo {
  /** The TF.js backend in use. */
  readonly backend: BackendName;
  /** What provides it (package and version). */
  readonly provider: string;
  /** Threads its kernels use (0: the library decides). */
  readonly threads: number;
}

export interface EngineOptions {
  /**
   * Threads for the native engine's oneDNN kernels, per process or worker. Default 1, so that
   * piscina's one worker per core never oversubscribes the CPU. Other backends run one thread.
   */
  readonly threads?: number;
}

let current: EngineInfo | undefined;

/** The packages that provide the `tensorflow` backend, fastest first; both are optional. */
const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

async function tryTensorflow(): Promise<string | undefined> {
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      await import(pkg);
      return pkg;
    } catch {
      // Not installed (its install needs a download this machine cannot make): try the next.
    }
  }
  return undefined;
}

/** A reason (lower-case, one clause) as the start of a sentence. */
const capitalised = (reason: string) => `${reason[0].toUpperCase()}${reason.slice(1)}`;

/**
 * The native addon when it is built, loads, and has passed its self-test on this CPU (run once
 * per build and CPU, in a child process); otherwise why not, in words that fit one line.
 */
async function usableNative(log?: (line: string) => void): Promise<{ addon: NativeAddon } | { reason: string }> {
  const loaded = loadNativeAddon();
  if ('reason' in loaded) return loaded;
  const verdict = await nativeSelfTest(NATIVE_ADDON_PATH, loaded.addon, { log });
  return verdict.ok ? loaded : { reason: selfTestFailureLine(verdict) };
}

/**
 * Re-runs the native engine's self-test now (`coldbench self-test`) and keeps its verdict, which
 * `auto` and `native` then honour.
 */
export async function retestNative(log: (line: string) => void): Promise<SelfTestResult> {
  const loaded = loadNativeAddon();
  if ('reason' in loaded) throw errors.backendUnavailable('native', `${capitalised(loaded.reason)}.`);
  return nativeSelfTest(NATIVE_ADDON_PATH, loaded.addon, { force: true, log });
}

async function startNative(addon: NativeAddon, threads: number): Promise<EngineInfo> {
  addon.setThreads(threads);
  await registerNativeBackend(addon);
  await tf.setBackend(NATIVE_BACKEND);
  const { onednn, isa } = addon.version();
  return { backend: 'native', provider: `oneDNN ${onednn} (${isa}) + @tensorflow/tfjs-backend-wasm@${tf.version_core}`, threads: addon.getThreads() };
}

async function start(name: BackendName, threads: number, log?: (line: string) => void): Promise<EngineInfo> {
  if (name === 'native') {
    const usable = await usableNative(log);
    if ('reason' in usable) throw errors.backendUnavailable('native', `${capitalised(usable.reason)}, or use --backend wasm.`);
    return startNative(usable.addon, threads);
  }
  if (name === 'tensorflow') {
    const pkg = await tryTensorflow();
    if (!pkg) {
      throw errors.backendUnavailable(
        'tensorflow',
        'Install @tensorflow/tfjs-node (needs network access to download libtensorflow) or use --backend wasm.',
      );
    }
    await tf.setBackend('tensorflow');
    return { backend: name, provider: `${pkg}@${tf.version_core}`, threads: 0 };
  }
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    return { backend: name, provider: `@tensorflow/tfjs-backend-wasm@${tf.version_core} + coldbench training kernels`, threads: 1 };
  }
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  return { backend: name, provider: `@tensorflow/tfjs-backend-cpu@${tf.version_core}`, threads: 1 };
}

/** What `auto` picks: `tensorflow` if installed, else `native` if built, else `wasm`, with a notice saying why. */
export async function resolveAuto(log: (line: string) => void = () => {}): Promise<BackendName> {
  if (await tryTensorflow()) return 'tensorflow';
  const usable = await usableNative(log);
  if ('addon' in usable) return 'native';
  log(`coldbench: ${usable.reason}; using wasm`);
  return 'wasm';
}

/**
 * Chooses the TF.js backend once per process. `auto` prefers `tensorflow` when one of its
 * optional packages is installed, then `native`, then `wasm`; `log` receives one line saying
 * which was picked.
 */
export async function initEngine(choice: BackendChoice, log: (line: string) => void = () => {}, options: EngineOptions = {}): Promise<EngineInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) throw errors.unknownBackend(choice, BACKEND_CHOICES);
  if (current) {
    if (choice === 'auto' || choice === current.backend) return current;
    throw new UserError(`The engine already runs on '${current.backend}'; a process picks its backend once.`);
  }
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new UserError(`Bad thread count ${threads}: use a whole number ≥ 1.`);
  current = await start(choice === 'auto' ? await resolveAuto(log) : choice, threads, log);
  if (choice === 'auto') log(`coldbench: backend ${current.backend} (${current.provider}, ${current.threads} thread${current.threads === 1 ? '' : 's'})`);
  return current;
}

/**
 * Runs `f` on the wasm engine, whose single-threaded kernels give the same bits on every x86 CPU
 * (no CPU dispatch, no FMA contraction in wasm SIMD), then returns to the engine in use. The
 * native engine is the wasm backend's very instance, so tensors stay where they are; other
 * engines' tensors move on first use. Feature networks train here, so their weights, and every
 * FID-like number measured with them, are the same on every machine.
 */
export async function onReproducibleEngine<T>(f: () => T): Promise<T> {
  const before = tf.getBackend();
  if (before === 'wasm') return f();
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  try {
    return f();
  } finally {
    await tf.setBackend(before);
  }
}

/** The engine chosen by `initEngine`, if any. */
export function engineInfo(): EngineInfo | undefined {
  return current;
}
