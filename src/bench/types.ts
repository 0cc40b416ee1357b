/**
 * Benchmark definitions shared by `synfire bench` (Node) and the Chromium harness page: environment-neutral
 * (no node:* imports in a definition), each returning uniform results.
 */
import type { GpuContext } from '../backends/webgpu/device.ts';

/** One measured configuration (benchmark × sizes × backend). Fields that do not apply are omitted or null. */
export interface BenchResult {
  benchmark: string;
  /** The sizes that define the configuration, e.g. { neurons: 100000, synapsesPerNeuron: 80 }. */
  sizes: Record<string, number>;
  backend: 'cpu' | 'webgpu' | 'wasm';
  environment: 'node' | 'browser';
  /** Adapter description for WebGPU results ("vendor / architecture / device"), null for the CPU. */
  adapter: string | null;
  neuronStepsPerS?: number;
  synapticEventsPerS?: number;
  samplesPerS?: number;
  usPerStep?: number;
  dispatchesPerStep?: number;
  submitsPerStep?: number;
  /** GPU time from timestamp queries, ms per step (null when the adapter has no timestamp-query). */
  gpuMsPerStep?: number | null;
  /** Pipeline compilation time, ms. */
  compileMs?: number;
  bytesPerSynapse?: number;
  /** Further figures specific to the benchmark (ratios, dispatches per sample, ...). */
  extra?: Record<string, number | string | null>;
  version: string;
  commit: string | null;
}

/** What a definition may use from its environment. */
export interface BenchEnv {
  environment: 'node' | 'browser';
  /** Acquires (once) the WebGPU device; rejects when there is no adapter. */
  gpu(): Promise<GpuContext>;
  version: string;
  commit: string | null;
  /** Progress lines for the user. */
  log(message: string): void;
}

/** Options common to all benchmarks. */
export interface BenchOptions {
  /** Smaller sizes and fewer repetitions (for smoke runs and tests). */
  quick?: boolean;
  /** Backends to measure (default both). */
  backends?: Array<'cpu' | 'webgpu' | 'wasm'>;
  /** Benchmark-specific parameters, e.g. { sizes: '4000,100000' }. */
  params?: Record<string, string>;
}

/** A benchmark family, e.g. `core` or `nbp`. */
export interface BenchDefinition {
  name: string;
  description: string;
  run(options: BenchOptions, env: BenchEnv): Promise<BenchResult[]>;
}
