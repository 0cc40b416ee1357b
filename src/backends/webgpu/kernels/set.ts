/**
 * The simulation kernels of one device: explicit bind group layouts (made once) and their pipelines through the
 * device's PipelineCache, keyed by variant.
 */
import type { CachedPipeline, PipelineCache } from '../pipelines.ts';
import { createClockLayout } from './common.ts';
import { createDeliverLayout, deliverVariant, DELIVER_FAMILY } from './deliver.ts';
import { createLearnLayout, learnVariant, LEARN_FAMILY } from './learn.ts';
import { createStepLayout, stepVariant, STEP_FAMILY } from './step.ts';

/** Which code paths a network needs. */
export interface KernelNeeds {
  record: boolean;
  deliver: boolean;
  eventLearning: boolean;
  fullLearning: boolean;
}

/** The pipelines one simulation dispatches. */
export interface SimPipelines {
  step: GPUComputePipeline;
  deliver: GPUComputePipeline | null;
  learn: GPUComputePipeline | null;
  /** Cache keys, for labels and debugging. */
  keys: string[];
}

/** Layouts and pipelines of the simulation kernels on one device. */
export class SimKernels {
  readonly stepLayout: GPUBindGroupLayout;
  readonly deliverLayout: GPUBindGroupLayout;
  readonly learnLayout: GPUBindGroupLayout;
  readonly clockLayout: GPUBindGroupLayout;
  private readonly pipelineLayouts: { step: GPUPipelineLayout; deliver: GPUPipelineLayout; learn: GPUPipelineLayout };

  constructor(
    readonly device: GPUDevice,
    readonly cache: PipelineCache,
    readonly workgroupSize = 64,
    /** Whether the adapter is a software one (SwiftShader), which changes automatic choices. */
    readonly software = false,
  ) {
    this.stepLayout = createStepLayout(device);
    this.deliverLayout = createDeliverLayout(device);
    this.learnLayout = createLearnLayout(device);
    this.clockLayout = createClockLayout(device);
    const layout = (label: string, group0: GPUBindGroupLayout): GPUPipelineLayout =>
      device.createPipelineLayout({ label, bindGroupLayouts: [group0, this.clockLayout] });
    this.pipelineLayouts = {
      step: layout('cuba_step', this.stepLayout),
      deliver: layout('deliver', this.deliverLayout),
      learn: layout('learn', this.learnLayout),
    };
  }

  /** Compiles (or takes from the cache) the pipelines a network needs. */
  async pipelines(needs: KernelNeeds): Promise<SimPipelines> {
    const wg = this.workgroupSize;
    const pending: Array<Promise<CachedPipeline> | null> = [
      this.cache.get(STEP_FAMILY, stepVariant(needs.record), this.pipelineLayouts.step, wg),
      needs.deliver ? this.cache.get(DELIVER_FAMILY, deliverVariant(needs.eventLearning), this.pipelineLayouts.deliver, wg) : null,
      needs.fullLearning ? this.cache.get(LEARN_FAMILY, learnVariant(), this.pipelineLayouts.learn, wg) : null,
    ];
    const [step, deliver, learn] = await Promise.all(pending.map((p) => p ?? Promise.resolve(null)));
    return {
      step: step!.pipeline,
      deliver: deliver?.pipeline ?? null,
      learn: learn?.pipeline ?? null,
      keys: [step, deliver, learn].filter((p): p is CachedPipeline => p !== null).map((p) => p.key),
    };
  }
}
