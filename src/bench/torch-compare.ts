import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { errors, UserError } from '../errors.js';
import type { TrainBenchResult } from './train-speed.js';

/** What scripts/torch_unet.py prints (the fields coldbench reads). */
export interface TorchBenchResult {
  readonly engine: 'torch';
  /** torch_unet.py's --bf16: bfloat16 autocast. */
  readonly bf16?: boolean;
  readonly version: string;
  readonly threads: number;
  readonly params: number;
  readonly imgsPerSec: number;
  readonly msPerStep: number;
}

/** Debian's python3-torch installs into the system interpreter, not into a user's python. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/**
 * Runs the PyTorch speed anchor on the same shape right after a coldbench bench, so the two
 * numbers share the machine's state; returns its JSON line.
 */
export async function runTorchBench(script: string, ours: TrainBenchResult, threads: number): Promise<TorchBenchResult> {
  if (!existsSync(script)) throw errors.missingFile(script, 'Pass --torch-script with the path of scripts/torch_unet.py.');
  const args = [
    script,
    '--threads',
    String(threads),
    '--size',
    String(ours.size),
    '--channels',
    String(ours.channels),
    '--base',
    String(ours.base),
    '--batch',
    String(ours.batch),
    '--steps',
    String(ours.steps),
    // The same precision: PyTorch's bf16 autocast against coldbench's bf16 convolutions.
    ...(ours.precision === 'bf16' ? ['--bf16'] : []),
  ];
  try {
    const { stdout } = await promisify(execFile)(DEBIAN_PYTHON, args);
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as TorchBenchResult;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? String(error);
    throw new UserError(`The PyTorch reference failed (${detail}). Install it with 'apt-get install python3-torch'.`);
  }
}
