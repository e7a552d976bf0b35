// Placeholder: replaced by the wasm training kernels.
export function registerWasmTrainingKernels(): void {}
