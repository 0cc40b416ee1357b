import { describe, expect, it } from 'vitest';
import { applyWeightExp, quantizeWeight, storedWeightRange } from '../../src/loihi/synapse.ts';
import type { SignMode } from '../../src/network/types.ts';

/** loihi-cuba.md's formulas with int32 shifts, written independently of src/loihi/synapse.ts. */
function quantizeBySpec(w: number, mode: SignMode, n: number): number {
  const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
  if (mode === 'excitatory') {
    const k = 8 - n;
    return (clamp(w, 0, 255) >> k) << k;
  }
  if (mode === 'inhibitory') {
    const k = 8 - n;
    return -((clamp(-w, 0, 255) >> k) << k) | 0;
  }
  const k = 9 - n;
  return (clamp(w, -256, 255) >> k) << k;
}

describe('weight quantization', () => {
  it('matches the edge cases spelled out in loihi-cuba.md', () => {
    const table: Array<[number, SignMode, number, number]> = [
      [-256, 'inhibitory', 8, -255],
      [-256, 'mixed', 8, -256],
      [-3, 'mixed', 8, -4],
      [-7, 'mixed', 8, -8],
      [-129, 'mixed', 8, -130],
      [3, 'mixed', 8, 2],
      [255, 'mixed', 8, 254],
      [-3, 'inhibitory', 7, -2],
      [-3, 'inhibitory', 8, -3],
      [-5, 'excitatory', 8, 0],
      [5, 'inhibitory', 8, 0],
      [255, 'excitatory', 8, 255],
      [255, 'excitatory', 1, 128],
      [127, 'excitatory', 1, 0],
      [-255, 'inhibitory', 1, -128],
      [-127, 'inhibitory', 1, 0],
      [-1, 'mixed', 1, -256],
      [255, 'mixed', 1, 0],
      [-256, 'mixed', 1, -256],
      [200, 'excitatory', 6, 200],
      [201, 'excitatory', 6, 200],
      [-201, 'inhibitory', 6, -200],
      [-201, 'mixed', 7, -204],
      [201, 'mixed', 7, 200],
    ];
    for (const [w, mode, n, want] of table) expect([w, mode, n, quantizeWeight(w, mode, n)]).toEqual([w, mode, n, want]);
  });

  it('agrees with the shift formulas for every raw weight, sign mode and precision', () => {
    for (const mode of ['mixed', 'excitatory', 'inhibitory'] as const) {
      for (let n = 1; n <= 8; n++) {
        for (let w = -256; w <= 255; w++) {
          const got = quantizeWeight(w, mode, n);
          if (!Object.is(got, quantizeBySpec(w, mode, n))) expect({ w, mode, n, got }).toEqual({ w, mode, n, got: quantizeBySpec(w, mode, n) });
        }
      }
    }
  });

  it('gives the stored weight range per mode (mixed 8-bit: -256..254)', () => {
    expect(storedWeightRange('mixed', 8)).toEqual({ min: -256, max: 254 });
    expect(storedWeightRange('excitatory', 8)).toEqual({ min: 0, max: 255 });
    expect(storedWeightRange('inhibitory', 8)).toEqual({ min: -255, max: 0 });
    expect(storedWeightRange('mixed', 5)).toEqual({ min: -256, max: 240 });
  });
});

describe('weight exponent on the group sum', () => {
  it('shifts left for e > 0 and floors for e <= 0', () => {
    expect(applyWeightExp(18, -1)).toBe(9);
    expect(applyWeightExp(-6, -1)).toBe(-3);
    expect(applyWeightExp(-5, -1)).toBe(-3);
    expect(applyWeightExp(-1, -1)).toBe(-1);
    expect(applyWeightExp(-1, -8)).toBe(-1);
    expect(applyWeightExp(255, -8)).toBe(0);
    expect(applyWeightExp(256, -8)).toBe(1);
    expect(applyWeightExp(-257, -8)).toBe(-2);
    expect(applyWeightExp(3, 7)).toBe(384);
    expect(applyWeightExp(-256, 7)).toBe(-32_768);
    expect(applyWeightExp(-7, 0)).toBe(-7);
    expect(Object.is(applyWeightExp(0, -3), 0)).toBe(true);
  });

  it('differs from per-synapse shifting for e < 0 (group sum first)', () => {
    // Two synapses of weight 1 with e = -1: sum 2 >> 1 = 1, while 1>>1 + 1>>1 = 0.
    expect(applyWeightExp(1 + 1, -1)).toBe(1);
    expect(applyWeightExp(1, -1) + applyWeightExp(1, -1)).toBe(0);
  });
});
