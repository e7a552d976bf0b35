import { initEngine, type EngineInfo } from '../../src/engine/backend.js';

/** Starts the engine the project trains on (wasm with coldbench's kernels) for a test file. */
export function useWasmEngine(): Promise<EngineInfo> {
  return initEngine('wasm');
}
