/** Host side of shaders/learn.wgsl: variant, bind group layout and dispatch size of full-scan learning. */
import { bufferEntry, workgroupGrid } from './common.ts';
import { PARAMS_WGSL } from './params.ts';
import type { Variant } from '../wgsl.ts';

/** Shader family name. */
export const LEARN_FAMILY = 'learn';

/** The variant (no flags). */
export function learnVariant(): Variant {
  return { PARAMS: PARAMS_WGSL };
}

/** Group 0 layout: params, tables, weights, control. */
export function createLearnLayout(device: GPUDevice): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    label: 'learn',
    entries: [bufferEntry(0, 'uniform'), bufferEntry(1, 'read-only-storage'), bufferEntry(2, 'storage'), bufferEntry(3, 'storage')],
  });
}

/** Grid: one thread per (replica, pre neuron of a full-scan plastic projection). */
export function learnGrid(replicas: number, items: number, workgroupSize: number): [number, number] {
  return workgroupGrid(replicas * items, workgroupSize);
}
