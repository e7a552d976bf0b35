import * as tf from '@tensorflow/tfjs-core';
import { cpus } from 'node:os';
import { errors, UserError } from '../errors.js';
import { registerWasmTrainingKernels } from './wasm/index.js';
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

/** The addon the native engine runs on, once started. */
let nativeAddon: NativeAddon | undefined;

/** oneDNN's ISA names for CPUs with bf16 arithmetic (AVX512_BF16, AMX). */
const BF16_ISAS = ['avx512_core_bf16', 'avx512_core_amx'];

export type Precision = 'fp32' | 'bf16';

/**
 * Why `precision` cannot run on `backend` here, or undefined where it can: bf16 needs the native
 * engine, an addon built with it, and a CPU with bf16 arithmetic. It fails rather than falling
 * back to fp32, since every result records the precision it ran at.
 */
export function precisionProblem(precision: Precision, backend: string): string | undefined {
  if (precision === 'fp32') return undefined;
  const fix = 'or set train.precision=fp32';
  if (backend !== 'native')
    return `train.precision bf16 needs the native engine (this run uses '${backend}'); pass --backend native ${fix}`;
  const loaded = loadNativeAddon();
  if ('reason' in loaded) return `train.precision bf16 needs the native engine: ${loaded.reason}`;
  if (typeof loaded.addon.setPrecision !== 'function')
    return `train.precision bf16 needs a newer build of the native engine: run npm ci again, ${fix}`;
  const { isa } = loaded.addon.version();
  if (!BF16_ISAS.includes(isa))
    return `train.precision bf16 needs a CPU with AVX512_BF16 or AMX; this ${cpus()[0]?.model.trim() ?? 'CPU'} runs oneDNN at ${isa}: ${fix}`;
  return undefined;
}

/**
 * Runs `f` with the U-Net's convolutions at `precision` on this thread's native engine, then
 * back at fp32 (feature networks and metrics always run in fp32). fp32 on any engine runs `f` as
 * is. `f` may return a promise: the precision holds until it settles.
 */
export function withPrecision<T>(precision: Precision, f: () => T): T {
  if (precision === 'fp32') return f();
  const problem = precisionProblem(precision, current?.backend ?? 'none');
  if (problem || !nativeAddon) throw new UserError(problem ?? 'train.precision bf16 needs the native engine started');
  const addon = nativeAddon;
  addon.setPrecision(precision);
  let out: T;
  try {
    out = f();
  } catch (error) {
    addon.setPrecision('fp32');
    throw error;
  }
  if (out instanceof Promise) return out.finally(() => addon.setPrecision('fp32')) as T;
  addon.setPrecision('fp32');
  return out;
}

async function startNative(addon: NativeAddon, threads: number): Promise<EngineInfo> {
  nativeAddon = addon;
  addon.setThreads(threads);
  await registerNativeBackend(addon);
  await tf.setBackend(NATIVE_BACKEND);
  const { onednn, isa } = addon.version();
  return {
    backend: 'native',
    provider: `oneDNN ${onednn} (${isa}) + @tensorflow/tfjs-backend-wasm@${tf.version_core}`,
    threads: addon.getThreads(),
  };
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
export async function initEngine(
  choice: BackendChoice,
  log: (line: string) => void = () => {},
  options: EngineOptions = {},
): Promise<EngineInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) throw errors.unknownBackend(choice, BACKEND_CHOICES);
  if (current) {
    if (choice === 'auto' || choice === current.backend) return current;
    throw new UserError(`The engine already runs on '${current.backend}'; a process picks its backend once.`);
  }
  const threads = options.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new UserError(`Bad thread count ${threads}: use a whole number ≥ 1.`);
  current = await start(choice === 'auto' ? await resolveAuto(log) : choice, threads, log);
  if (choice === 'auto')
    log(`coldbench: backend ${current.backend} (${current.provider}, ${current.threads} thread${current.threads === 1 ? '' : 's'})`);
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
