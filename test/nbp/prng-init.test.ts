import { describe, expect, it } from 'vitest';
import { epochOrder, replicaSeed, Xoshiro128 } from '../../src/nbp/prng.ts';
import { glorotInit, INIT_CLIP } from '../../src/nbp/init.ts';

describe('xoshiro128**', () => {
  it('matches the reference implementation from state (1, 2, 3, 4)', () => {
    const g = Xoshiro128.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => g.nextU32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('names streams by (seed, purpose, epoch): same name, same numbers; different names differ', () => {
    const a = new Xoshiro128([1, 2, 3]);
    const b = new Xoshiro128([1, 2, 3]);
    const c = new Xoshiro128([1, 2, 4]);
    const take = (g: Xoshiro128) => Array.from({ length: 8 }, () => g.nextU32());
    const ta = take(a);
    expect(take(b)).toEqual(ta);
    expect(take(c)).not.toEqual(ta);
  });

  it('draws unbiased-range integers and standard normals', () => {
    const g = new Xoshiro128([42]);
    const ints = Array.from({ length: 20000 }, () => g.below(7));
    expect(Math.min(...ints)).toBe(0);
    expect(Math.max(...ints)).toBe(6);
    const z = Array.from({ length: 20000 }, () => g.normal());
    const mean = z.reduce((s, v) => s + v, 0) / z.length;
    const sd = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});

describe('epoch orders', () => {
  it('are permutations, reproducible, and differ between epochs and seeds', () => {
    const o = epochOrder(1000, 3, 0);
    expect(Array.from(o).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochOrder(1000, 3, 0)).toEqual(o);
    expect(epochOrder(1000, 3, 1)).not.toEqual(o);
    expect(epochOrder(1000, 4, 0)).not.toEqual(o);
  });
  it('replica r of seed S uses seed S + r', () => {
    expect(replicaSeed(10, 2)).toBe(12);
    expect(replicaSeed(0xffffffff, 1)).toBe(0);
  });
});

describe('Glorot init', () => {
  it("is even, inside ±240, with the authors' spread (std ≈ 51 for W1, ≈ 72 for W2 at 400-400-10)", () => {
    const shape = { nIn: 400, nHid: 400, nOut: 10 };
    const w = glorotInit(shape, 1);
    const std = (a: Int32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    for (const a of [w.W1, w.W2]) {
      expect(a.every((v) => v % 2 === 0 && Math.abs(v) <= INIT_CLIP)).toBe(true);
    }
    expect(std(w.W1)).toBeGreaterThan(49);
    expect(std(w.W1)).toBeLessThan(53);
    expect(std(w.W2)).toBeGreaterThan(66);
    expect(std(w.W2)).toBeLessThan(76);
    expect(Array.from(w.P)).toEqual(Array.from(w.W2));
    expect(Array.from(w.M)).toEqual(Array.from(w.W2, (v) => 0 - v || 0));
    expect(glorotInit(shape, 1)).toEqual(w);
    expect(glorotInit(shape, 2).W1).not.toEqual(w.W1);
  });
});
