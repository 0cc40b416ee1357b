/**
 * GPU time from timestamp queries, for benchmarks: brackets compute passes with begin/end timestamps and sums
 * them. Only when the device was created with `timestamp-query`; otherwise every call is a no-op and the total
 * is null (BenchResult.gpuMsPerStep = null). Environment-neutral.
 */
import type { GpuContext } from './device.ts';

/** Sums the GPU duration of the compute passes it brackets. */
export interface GpuTimer {
  /** Whether timestamps are recorded (the adapter has timestamp-query and the device enabled it). */
  readonly enabled: boolean;
  /** `timestampWrites` for the next compute pass, or undefined once the query set is full or when disabled. */
  passTimestamps(): GPUComputePassTimestampWrites | undefined;
  /** Resolves the queries written since the last read into `encoder` (call before finishing it). */
  resolve(encoder: GPUCommandEncoder): void;
  /** Reads back the summed pass durations, ms, and resets for the next measurement; null when disabled. */
  read(): Promise<number | null>;
  destroy(): void;
}

/** Creates a timer holding up to `maxPasses` bracketed passes between reads. */
export function createGpuTimer(ctx: Pick<GpuContext, 'device' | 'hasTimestamps'>, maxPasses = 256): GpuTimer {
  if (!ctx.hasTimestamps) {
    return { enabled: false, passTimestamps: () => undefined, resolve: () => {}, read: async () => null, destroy: () => {} };
  }
  const device = ctx.device;
  const count = maxPasses * 2;
  const querySet = device.createQuerySet({ type: 'timestamp', count });
  const resolveBuffer = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const readBuffer = device.createBuffer({ size: count * 8, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  let written = 0;
  let resolved = 0;
  return {
    enabled: true,
    passTimestamps() {
      if (written + 2 > count) return undefined;
      const at = written;
      written += 2;
      return { querySet, beginningOfPassWriteIndex: at, endOfPassWriteIndex: at + 1 };
    },
    resolve() {
      // resolveQuerySet needs a 256-byte-aligned destination offset, which per-encoder ranges rarely have, and
      // timestamps stay in the query set after their submit, so read() resolves them all at offset 0 instead.
      resolved = written;
    },
    async read() {
      resolved = written;
      if (!resolved) return 0;
      const encoder = device.createCommandEncoder();
      encoder.resolveQuerySet(querySet, 0, resolved, resolveBuffer, 0);
      encoder.copyBufferToBuffer(resolveBuffer, 0, readBuffer, 0, resolved * 8);
      device.queue.submit([encoder.finish()]);
      await readBuffer.mapAsync(GPUMapMode.READ, 0, resolved * 8);
      const stamps = new BigInt64Array(readBuffer.getMappedRange(0, resolved * 8).slice(0));
      readBuffer.unmap();
      let ns = 0n;
      for (let i = 0; i + 1 < resolved; i += 2) {
        const d = stamps[i + 1]! - stamps[i]!;
        // Some implementations report end < begin when a pass was empty or the counter wrapped; skip those.
        if (d > 0n) ns += d;
      }
      written = resolved = 0;
      return Number(ns) / 1e6;
    },
    destroy() {
      querySet.destroy();
      resolveBuffer.destroy();
      readBuffer.destroy();
    },
  };
}
