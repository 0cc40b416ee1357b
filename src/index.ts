/**
 * synfire as a library: Loihi-exact networks on a CPU reference backend and on WebGPU, golden-trace replay,
 * and the nBP trainer (fused engines on CPU and WebGPU, the neuron-level circuit).
 */
export type * from './network/types.ts';
export type * from './backends/types.ts';
export type * from './nbp/types.ts';
export { validateNetwork } from './network/validate.ts';
export { getBackend, releaseBackend, type BackendName } from './backends/index.ts';
export { acquireGpu, NoAdapterError, type GpuContext, type AdapterSummary } from './backends/webgpu/device.ts';
export * as loihi from './loihi/index.ts';
export { parseTrace, traceToNetwork, runTrace, compareResults, describeMismatch } from './trace/index.ts';
export { createCpuFusedTrainer } from './nbp/fused-cpu.ts';
export { createWebgpuFusedTrainer } from './nbp/webgpu/trainer.ts';
export { createCircuitTrainer } from './nbp/circuit/engine.ts';
export { glorotInit } from './nbp/init.ts';
export { evaluateReference } from './nbp/metrics.ts';
export { trainSampleReference, inferReference } from './nbp/algorithm.ts';
