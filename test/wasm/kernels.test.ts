// The delivery kernel on its own: deliverPacked (rows taken in prefetch batches) against a plain JavaScript
// reference, on spike lists longer than one batch, with empty rows, repeated rows and wrapping sums.
import { describe, expect, it } from 'vitest';
import { instantiateKernels, PACK_WEIGHT_BIAS, PACK_WEIGHT_BITS } from '../../src/backends/wasm/kernels.ts';
import { mulberry32 } from '../../src/util/random.ts';

describe('wasm kernels: deliverPacked', () => {
  it('adds every synapse of every listed row exactly once, for any list length', () => {
    const next = mulberry32(7);
    const pre = 300;
    const cells = 5000;
    const rowStart = new Int32Array(pre + 1);
    for (let i = 0; i < pre; i++) rowStart[i + 1] = rowStart[i]! + (i % 17 === 0 ? 0 : next() % 90);
    const synapses = rowStart[pre]!;
    const packed = new Int32Array(synapses);
    for (let j = 0; j < synapses; j++) packed[j] = ((next() % cells) << PACK_WEIGHT_BITS) | ((next() % 511) - 255 + PACK_WEIGHT_BIAS);
    const k = instantiateKernels(1 << 22);
    const i32 = new Int32Array(k.memory.buffer);
    const [rowPtr, packedPtr, listPtr, ringPtr] = [16, 16 + 4 * (pre + 1), 16 + 4 * (pre + 1 + synapses), 16 + 4 * (pre + 1 + synapses + 4 * pre)];
    i32.set(rowStart, rowPtr >> 2);
    i32.set(packed, packedPtr >> 2);
    for (const count of [0, 1, 31, 32, 33, 64, 100, 4 * pre]) {
      for (const shift of [0, 6]) {
        const list = Int32Array.from({ length: count }, (_, q) => (q < pre ? (q * 7) % pre : next() % pre));
        i32.set(list, listPtr >> 2);
        const ring = Int32Array.from({ length: cells }, () => (next() | 0) >> (next() % 2 ? 0 : 20));
        i32.set(ring, ringPtr >> 2);
        let events = 0;
        for (const p of list) {
          for (let j = rowStart[p]!; j < rowStart[p + 1]!; j++) {
            const x = packed[j]!;
            ring[x >>> PACK_WEIGHT_BITS]! = (ring[x >>> PACK_WEIGHT_BITS]! + (((x & ((1 << PACK_WEIGHT_BITS) - 1)) - PACK_WEIGHT_BIAS) << shift)) | 0;
            events++;
          }
        }
        expect(k.deliverPacked(rowPtr, packedPtr, shift, listPtr, count, ringPtr)).toBe(events);
        expect(i32.slice(ringPtr >> 2, (ringPtr >> 2) + cells)).toEqual(ring);
      }
    }
  });
});
