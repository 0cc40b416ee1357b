/**
 * Reading GPU buffers back to the host, written once: copy every region into one staging buffer with one submit,
 * map it once, and return the regions' bytes in order. Used by the simulation (recordings, weights, state,
 * counters) and the fused nBP trainer (weights).
 */

/** A byte range of a GPU buffer (offset and size multiples of 4, as copyBufferToBuffer requires). */
export interface ReadbackRegion {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/** Copies `regions` into one staging buffer (one submit, one map) and returns a copy of each region's bytes. */
export async function readBuffers(device: GPUDevice, regions: ReadonlyArray<ReadbackRegion>, label = 'readback'): Promise<ArrayBuffer[]> {
  const total = regions.reduce((n, r) => n + r.size, 0);
  const staging = device.createBuffer({ label, size: Math.max(16, total), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder({ label });
    let at = 0;
    for (const r of regions) {
      if (r.size > 0) encoder.copyBufferToBuffer(r.buffer, r.offset, staging, at, r.size);
      at += r.size;
    }
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const mapped = staging.getMappedRange();
    at = 0;
    const parts = regions.map((r) => {
      const part = mapped.slice(at, at + r.size);
      at += r.size;
      return part;
    });
    staging.unmap();
    return parts;
  } finally {
    staging.destroy();
  }
}
