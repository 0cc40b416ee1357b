/** Small helpers shared by the kernel families' host modules: bind group layout entries and grid folding. */

/** A compute-stage buffer binding of a bind group layout. */
export function bufferEntry(binding: number, type: GPUBufferBindingType): GPUBindGroupLayoutEntry {
  return { binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } };
}

/** Largest number of workgroups per grid dimension that WebGPU guarantees. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/**
 * The workgroup grid for `threads` threads of `workgroupSize`: 1-D up to 65 535 workgroups, then folded into 2-D
 * (kernels rebuild the linear index as (wid.x + wid.y * nwg.x) * WG + lid and guard against the count).
 */
export function workgroupGrid(threads: number, workgroupSize: number): [number, number] {
  const groups = Math.ceil(threads / workgroupSize);
  if (groups <= MAX_WORKGROUPS_PER_DIMENSION) return [groups, 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIMENSION);
  return [Math.ceil(groups / y), y];
}

/** Bind group layout of the step clock (group 1 of every simulation kernel): clock_in, clock_out. */
export function createClockLayout(device: GPUDevice): GPUBindGroupLayout {
  return device.createBindGroupLayout({ label: 'clock', entries: [bufferEntry(0, 'read-only-storage'), bufferEntry(1, 'storage')] });
}
