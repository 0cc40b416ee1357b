// The delivery kernel on its own: deliverPacked (rows taken in prefetch batches) against a plain JavaScript
// reference, on spike lists longer than one batch, with empty rows, repeated rows and wrapping sums.
import { describe, expect, it } from 'vitest';
import { instantiateKernels, PACK_WEIGHT_BIAS, PACK_WEIGHT_BITS } from '../../src/backends/wasm/kernels.ts';
import { mulberry32 } from '../../src/util/random.ts';

describe('wasm kernels: delivery', () => {
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

  it('deliver (offsets and i16 weights) and deliverShift (group sums, floored shift) match a JS reference past one batch', () => {
    const next = mulberry32(11);
    const pre = 200;
    const cells = 3000;
    const rowStart = new Int32Array(pre + 1);
    for (let i = 0; i < pre; i++) rowStart[i + 1] = rowStart[i]! + (i % 13 === 0 ? 0 : next() % 70);
    const synapses = rowStart[pre]!;
    const off = Int32Array.from({ length: synapses }, () => next() % cells);
    const w = Int16Array.from({ length: synapses }, () => (next() % 511) - 255);
    const k = instantiateKernels(1 << 22);
    const i32 = new Int32Array(k.memory.buffer);
    const i16 = new Int16Array(k.memory.buffer);
    let top = 16;
    const alloc = (bytes: number) => {
      const at = top;
      top = (top + bytes + 15) & ~15;
      return at;
    };
    const [rowPtr, offPtr, wPtr, listPtr, ringPtr, sumPtr, touchedPtr, cellRingPtr] = [
      alloc(4 * (pre + 1)),
      alloc(4 * synapses),
      alloc(2 * synapses),
      alloc(4 * 3 * pre),
      alloc(4 * 2 * cells),
      alloc(4 * cells),
      alloc(4 * cells),
      alloc(4 * cells),
    ];
    i32.set(rowStart, rowPtr >> 2);
    i32.set(off, offPtr >> 2);
    i16.set(w, wPtr >> 1);
    const cellRing = Int32Array.from({ length: cells }, (_, c) => (c * 7) % (2 * cells));
    i32.set(cellRing, cellRingPtr >> 2);
    for (const count of [0, 5, 32, 33, 97, 3 * pre]) {
      const list = Int32Array.from({ length: count }, () => next() % pre);
      i32.set(list, listPtr >> 2);
      const start = Int32Array.from({ length: 2 * cells }, () => next() | 0);
      let events = 0;
      // deliver: ring[off] += w << 3.
      const ring = start.slice();
      const sums = new Int32Array(cells);
      for (const p of list) {
        for (let j = rowStart[p]!; j < rowStart[p + 1]!; j++) {
          ring[off[j]!] = (ring[off[j]!]! + (w[j]! << 3)) | 0;
          sums[off[j]!] = (sums[off[j]!]! + w[j]!) | 0;
          events++;
        }
      }
      i32.set(start, ringPtr >> 2);
      expect(k.deliver(rowPtr, offPtr, wPtr, 3, listPtr, count, ringPtr)).toBe(events);
      expect(i32.slice(ringPtr >> 2, (ringPtr >> 2) + 2 * cells)).toEqual(ring);
      // deliverShift: ring[cellRing[c]] += floor(sum_c / 2^4) per cell with a nonzero sum.
      const shifted = start.slice();
      for (let c = 0; c < cells; c++) if (sums[c] !== 0) shifted[cellRing[c]!] = (shifted[cellRing[c]!]! + (sums[c]! >> 4)) | 0;
      i32.set(start, ringPtr >> 2);
      expect(k.deliverShift(rowPtr, offPtr, wPtr, listPtr, count, sumPtr, touchedPtr, cells, cellRingPtr, ringPtr, 4)).toBe(events);
      expect(i32.slice(ringPtr >> 2, (ringPtr >> 2) + 2 * cells)).toEqual(shifted);
      expect(i32.slice(sumPtr >> 2, (sumPtr >> 2) + cells).every((x) => x === 0)).toBe(true);
    }
  });
});
