/**
 * synfire's environment-neutral API (what a browser page can bundle): network descriptions, both backends,
 * golden-trace replay, the nBP trainers (fused CPU and WebGPU, the circuit), rasters and the Loihi cost estimate.
 * Node adds file-based dataset loading (src/index.ts).
 */
// The API names WebGPU types (GPUDevice, ...): keep the reference in the published .d.ts for consumers.
/// <reference types="@webgpu/types" preserve="true" />
export type * from './network/types.ts';
export type * from './backends/types.ts';
export type * from './nbp/types.ts';
export { validateNetwork } from './network/validate.ts';
export { getBackend, releaseBackend, selectSimulationBackend, type BackendName, type SimulationBackendChoice } from './backends/index.ts';
export { createCpuBackend } from './backends/cpu/index.ts';
export { createWasmBackend, type WasmBackendOptions } from './backends/wasm/index.ts';
export { createWebgpuBackend } from './backends/webgpu/index.ts';
export { acquireGpu, NoAdapterError, type GpuContext, type AdapterSummary } from './backends/webgpu/device.ts';
export * as loihi from './loihi/index.ts';
export { parseTrace, traceToNetwork, runTrace, compareResults, describeMismatch } from './trace/index.ts';
export { fetchDataset } from './data/fetch.ts';
export { createCpuFusedTrainer } from './nbp/fused-cpu.ts';
export { createWebgpuFusedTrainer } from './nbp/webgpu/trainer.ts';
export { createCircuitTrainer } from './nbp/circuit/engine.ts';
export { recordRaster } from './nbp/circuit/raster.ts';
export { glorotInit } from './nbp/init.ts';
export { epochOrder } from './nbp/prng.ts';
export { evaluateReference } from './nbp/metrics.ts';
export { trainSampleReference, inferReference } from './nbp/algorithm.ts';
export { estimateTrainingSample } from './bench/energy-nbp.ts';
export { estimateLoihi, countEvents, DAVIES_2018, SANAFE_2025, PAPER_NBP } from './bench/energy.ts';
export { browserBenchEnv } from './bench/env-browser.ts';
export { runSuite, BENCHMARKS } from './bench/suite.ts';
export type { BenchResult, BenchDefinition, BenchEnv } from './bench/types.ts';
