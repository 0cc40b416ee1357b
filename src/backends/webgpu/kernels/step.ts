/** Host side of shaders/cuba_step.wgsl: variant, bind group layout and dispatch size of the neuron step. */
import { bufferEntry, workgroupGrid } from './common.ts';
import { PARAMS_WGSL } from './params.ts';
import type { Variant } from '../wgsl.ts';

/** Shader family name. */
export const STEP_FAMILY = 'cuba_step';

/** The variant: whether recording code is compiled in. */
export function stepVariant(record: boolean): Variant {
  return { PARAMS: PARAMS_WGSL, record };
}

/** Group 0 layout: params, tables, state, acc, control, indirect, chunk, rec. */
export function createStepLayout(device: GPUDevice): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    label: 'cuba_step',
    entries: [
      bufferEntry(0, 'uniform'),
      bufferEntry(1, 'read-only-storage'),
      bufferEntry(2, 'storage'),
      bufferEntry(3, 'storage'),
      bufferEntry(4, 'storage'),
      bufferEntry(5, 'storage'),
      bufferEntry(6, 'read-only-storage'),
      bufferEntry(7, 'storage'),
    ],
  });
}

/** Grid: one thread per (replica, neuron or source neuron). */
export function stepGrid(replicas: number, preNeurons: number, workgroupSize: number): [number, number] {
  return workgroupGrid(replicas * preNeurons, workgroupSize);
}
