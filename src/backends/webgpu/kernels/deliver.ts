/** Host side of shaders/deliver.wgsl: variant and bind group layout; dispatched indirectly (one workgroup per spike). */
import { bufferEntry } from './common.ts';
import { PARAMS_WGSL } from './params.ts';
import type { Variant } from '../wgsl.ts';

/** Shader family name. */
export const DELIVER_FAMILY = 'deliver';

/** The variant: whether event-driven learning code is compiled in. */
export function deliverVariant(learning: boolean): Variant {
  return { PARAMS: PARAMS_WGSL, learning };
}

/** Group 0 layout: params, tables, weights, acc, control. */
export function createDeliverLayout(device: GPUDevice): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    label: 'deliver',
    entries: [
      bufferEntry(0, 'uniform'),
      bufferEntry(1, 'read-only-storage'),
      bufferEntry(2, 'storage'),
      bufferEntry(3, 'storage'),
      bufferEntry(4, 'storage'),
    ],
  });
}

/** Byte offset of the indirect dispatch arguments of step parity p (written by cuba_step). */
export function indirectOffset(parity: number): number {
  return parity * 16;
}

/** Initial content of the indirect buffer: x = 0 workgroups, y = z = 1, for both parities. */
export const INDIRECT_INIT = new Uint32Array([0, 1, 1, 0, 0, 1, 1, 0]);
