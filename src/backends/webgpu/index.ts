/**
 * The WebGPU backend: the same contract as the CPU oracle (bit-exact Loihi CUBA, delays, weight exponents,
 * learning), on a GPUDevice. Environment-neutral: in a page, pass the context from acquireGpu({ gpu }).
 */
import type { Backend } from '../types.ts';
import type { Network } from '../../network/types.ts';
import type { SimulationOptions } from '../types.ts';
import { acquireGpu, type GpuContext } from './device.ts';
import { PipelineCache } from './pipelines.ts';
import { SimKernels } from './kernels/set.ts';
import { WebgpuSimulation, type WebgpuSimOptions } from './simulation.ts';

export { WebgpuSimulation, DEFAULT_STEPS_PER_SUBMIT, type WebgpuSimOptions } from './simulation.ts';
export type { StrategyName } from './strategies.ts';
export type { StrategyChoice } from './layout.ts';

/** Options of the WebGPU backend. */
export interface WebgpuBackendOptions extends WebgpuSimOptions {
  /** Workgroup size of the simulation kernels (default 64). */
  workgroupSize?: number;
}

/** The WebGPU backend, with its device context and pipeline cache (compile time for benchmarks). */
export interface WebgpuBackend extends Backend {
  readonly name: 'webgpu';
  readonly ctx: GpuContext;
  readonly pipelines: PipelineCache;
  create(network: Network, options?: SimulationOptions): Promise<WebgpuSimulation>;
}

/** Creates the WebGPU backend on `ctx`, or on a newly acquired device (which then fails without an adapter). */
export async function createWebgpuBackend(ctx?: GpuContext, options: WebgpuBackendOptions = {}): Promise<WebgpuBackend> {
  const context = ctx ?? (await acquireGpu());
  const pipelines = new PipelineCache(context.device);
  const kernels = new SimKernels(context.device, pipelines, options.workgroupSize ?? 64, context.summary.isFallbackAdapter);
  return {
    name: 'webgpu',
    ctx: context,
    pipelines,
    create: (network, simOptions) => WebgpuSimulation.create(kernels, network, simOptions, options),
  };
}
