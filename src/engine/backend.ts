import * as tf from '@tensorflow/tfjs-core';
import { errors, UserError } from '../errors.js';
import { registerWasmTrainingKernels } from './kernels/index.js';

/** Backends a user can ask for; `auto` picks the fastest one present. */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

export interface EngineInfo {
  /** The TF.js backend in use. */
  readonly backend: BackendName;
  /** What provides it (package and version). */
  readonly provider: string;
  /** Threads its kernels use. */
  readonly threads: number;
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

async function start(name: BackendName): Promise<EngineInfo> {
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

/**
 * Chooses the TF.js backend once per process. `auto` prefers `tensorflow` when one of its
 * optional packages is installed, else `wasm`; `log` receives one line saying which was picked.
 */
export async function initEngine(choice: BackendChoice, log: (line: string) => void = () => {}): Promise<EngineInfo> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice)) throw errors.unknownBackend(choice, BACKEND_CHOICES);
  if (current) {
    if (choice === 'auto' || choice === current.backend) return current;
    throw new UserError(`The engine already runs on '${current.backend}'; a process picks its backend once.`);
  }
  let name: BackendName = choice === 'auto' ? 'wasm' : choice;
  if (choice === 'auto' && (await tryTensorflow())) name = 'tensorflow';
  current = await start(name);
  if (choice === 'auto') log(`coldbench: backend ${current.backend} (${current.provider})`);
  return current;
}

/** The engine chosen by `initEngine`, if any. */
export function engineInfo(): EngineInfo | undefined {
  return current;
}
