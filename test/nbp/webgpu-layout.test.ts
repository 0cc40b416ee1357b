// Host side of the nBP WGSL kernels (src/nbp/webgpu/kernels.ts), no device needed: the packed W1 (9-bit fields,
// 12 units per vec4) and W2 | P | M (output-major vec4s) layouts round-trip every weight, padding stays zero, and
// the packed words leave the headroom the kernels' in-place sums rely on.
import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '../../src/nbp/prng.ts';
import type { NbpShape } from '../../src/nbp/types.ts';
import {
  INFER_PARAMS,
  TRAIN_PARAMS,
  UNITS_PER_GROUP,
  W1_OFFSET,
  packW1,
  packW2,
  shapeParamValues,
  unpackW1,
  unpackW2,
  weightLayout,
} from '../../src/nbp/webgpu/kernels.ts';

/** Weights in [−256, 254], a fifth of them at a bound. */
function randomWeights(n: number, seed: number): Int32Array {
  const rng = new Xoshiro128([seed, 5, 0]);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.nextU32();
    out[i] = u % 5 === 0 ? (u & 8 ? 254 : -256) : (u % 511) - 256;
  }
  return out;
}

const SHAPES: NbpShape[] = [
  { nIn: 400, nHid: 400, nOut: 10 },
  { nIn: 7, nHid: 37, nOut: 3 },
  { nIn: 33, nHid: 12, nOut: 32 },
  { nIn: 1, nHid: 1, nOut: 1 },
];

describe('packed weight layouts of the nBP kernels', () => {
  for (const shape of SHAPES) {
    const { nIn, nHid, nOut } = shape;
    it(`W1 round-trips and keeps bits 27..31 free (${nIn}-${nHid}-${nOut})`, () => {
      const W1 = randomWeights(nIn * nHid, nHid);
      const packed = packW1(shape, W1);
      const layout = weightLayout(shape);
      expect(layout.groups).toBe(Math.ceil(nHid / UNITS_PER_GROUP));
      expect(packed.length).toBe(layout.w1Stride * 4);
      expect(unpackW1(shape, packed)).toEqual(W1);
      // Fields at bits 0, 9, 18 each below 511; bits 27..31 free: 32 rows of 510 summed in place stay below 2³².
      let bad = 0;
      for (const word of packed) {
        if (word >>> 27 !== 0) bad++;
        for (const shift of [0, 9, 18]) if (((word >>> shift) & 0x1ff) > 510) bad++;
      }
      expect(bad).toBe(0);
      expect(32 * 510).toBeLessThan(1 << 14);
      // Padding units (beyond nHid in the last group) hold weight 0.
      const pad = layout.groups * UNITS_PER_GROUP - nHid;
      if (pad > 0) {
        const wide: NbpShape = { nIn, nHid: layout.groups * UNITS_PER_GROUP, nOut };
        const all = unpackW1(wide, packed);
        let nonzero = 0;
        for (let i = 0; i < nIn; i++) for (let j = nHid; j < wide.nHid; j++) if (all[i * wide.nHid + j] !== 0) nonzero++;
        expect(nonzero).toBe(0);
      }
    });

    it(`W2 | P | M round-trip, padding units zero (${nIn}-${nHid}-${nOut})`, () => {
      const mats = [randomWeights(nHid * nOut, 1), randomWeights(nHid * nOut, 2), randomWeights(nHid * nOut, 3)] as const;
      const packed = packW2(shape, mats);
      const layout = weightLayout(shape);
      expect(packed.length).toBe(layout.w2Stride * 4);
      expect(unpackW2(shape, packed)).toEqual([...mats]);
      const nonzero = mats.reduce((t, m) => t + m.filter((v) => v !== 0).length, 0);
      expect(packed.filter((v) => v !== 0).length).toBe(nonzero);
    });
  }

  it('unpacks the padding of W1 as weight 0 (offset W1_OFFSET)', () => {
    expect(W1_OFFSET).toBe(256);
    const shape: NbpShape = { nIn: 2, nHid: 1, nOut: 1 };
    const packed = packW1(shape, Int32Array.of(-256, 254));
    // Unit 0 of each row's group is field 0 of component 0; the 11 padding units hold 256.
    expect(packed[0]! & 0x1ff).toBe(0);
    expect(packed[4]! & 0x1ff).toBe(510);
    expect((packed[0]! >>> 9) & 0x1ff).toBe(256);
    expect(packed[1]).toBe(256 | (256 << 9) | (256 << 18));
  });

  it('both params structs start with the shared shape fields, filled by shapeParamValues', () => {
    const shared = INFER_PARAMS.slice(0, -2);
    expect(TRAIN_PARAMS.slice(0, shared.length)).toEqual(shared);
    const values = shapeParamValues({ nIn: 400, nHid: 400, nOut: 10 }, 3);
    expect(Object.keys(values).sort()).toEqual(shared.map((f) => f.name).sort());
    expect(values).toMatchObject({ words: 13, dataStride: 14, replicas: 3, groups: 34, w1Stride: 400 * 34, w2Stride: 3 * 10 * 34 * 3 });
  });
});
