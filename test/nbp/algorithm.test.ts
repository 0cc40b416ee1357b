import { describe, expect, it } from 'vitest';
import { inferReference, trainSampleLoihi, trainSampleNumpy, weightsFrom } from '../../src/nbp/algorithm.ts';
import type { NbpShape, NbpWeights } from '../../src/nbp/types.ts';

/** Weights from row-major W1 (nIn×nHid) and W2 (nHid×nOut), with P = W2 and M = −W2. */
const net = (W1: number[], W2: number[]) => weightsFrom(Int32Array.from(W1), Int32Array.from(W2));
const arr = (a: Int32Array | Uint8Array) => Array.from(a);

describe('reference, case 1: the a = 1024 derivative edge and saturation at 254 / −256 vs −254', () => {
  // x = 1,1,1,1,1. a1 = (1024, 454): h = (1, 0). a2 = W2 row 0 = (100, 200): o = (0, 0); label 0 gives d2p = (1, 0).
  const shape: NbpShape = { nIn: 5, nHid: 2, nOut: 2 };
  const W1 = [254, -254, 254, 254, 254, 254, 254, 100, 8, 100];
  const W2 = [100, 200, -50, 30];
  const x = [1, 1, 1, 1, 1];

  it('loihi: 0 < 1024 ≤ 1024 is inside the box; W1 saturates at 254 and −256', () => {
    const w = net(W1, W2);
    const t = trainSampleLoihi(shape, w, x, 0);
    expect(arr(t.a1)).toEqual([1024, 454]);
    expect(arr(t.d2p)).toEqual([1, 0]);
    expect(arr(t.d1p)).toEqual([1, 0]); // s6 = P[:,0] = (100, −50)
    expect(arr(t.d1m)).toEqual([0, 1]); // s10 = M[:,0] = (−100, 50)
    expect(arr(w.W1)).toEqual([254, -256, 254, 252, 254, 252, 254, 98, 10, 98]);
    expect(arr(w.W2)).toEqual([102, 200, -50, 30]);
    expect(arr(w.P)).toEqual([102, 200, -50, 30]);
    expect(arr(w.M)).toEqual([-102, -200, 50, -30]);
  });

  it('numpy: a1 = 1024 > 1023 is outside the box; W1 clips at −254', () => {
    const w = net(W1, W2);
    const t = trainSampleNumpy(shape, w, x, 0);
    expect(arr(t.d1p)).toEqual([0, 0]);
    expect(arr(t.d1m)).toEqual([0, 1]);
    expect(arr(w.W1)).toEqual([254, -254, 254, 252, 254, 252, 254, 98, 8, 98]);
    expect(arr(w.W2)).toEqual([102, 200, -50, 30]);
    expect(arr(w.M)).toEqual([-102, -200, 50, -30]);
  });
});

describe('reference, case 2: backprop through W2 before (loihi) or after (numpy) the sample', () => {
  // x = 1,1,1; a1 = (600, 600, 300, 600): h = (1, 1, 0, 1), all four inside the box.
  // a2 = W2[0] + W2[1] + W2[3] = (8, 0): o = (0, 0); label 0 gives d2p = (1, 0).
  const shape: NbpShape = { nIn: 3, nHid: 4, nOut: 2 };
  const row = [200, 200, 100, 200];
  const W1 = [...row, ...row, ...row];
  const W2 = [0, 0, 10, 0, -2, 0, -2, 0];
  const x = [1, 1, 1];

  it('loihi uses W2[:,0] = (0, 10, −2, −2) from before the update', () => {
    const w = net(W1, W2);
    const t = trainSampleLoihi(shape, w, x, 0);
    expect(arr(t.d1p)).toEqual([0, 1, 0, 0]);
    expect(arr(t.d1m)).toEqual([0, 0, 1, 1]);
    expect(arr(w.W1)).toEqual([200, 202, 98, 198, 200, 202, 98, 198, 200, 202, 98, 198]);
    expect(arr(w.W2)).toEqual([2, 0, 12, 0, -2, 0, 0, 0]);
  });

  it('numpy uses the updated W2[:,0] = (2, 12, −2, 0)', () => {
    const w = net(W1, W2);
    const t = trainSampleNumpy(shape, w, x, 0);
    expect(arr(t.d1p)).toEqual([1, 1, 0, 0]);
    expect(arr(t.d1m)).toEqual([0, 0, 1, 0]);
    expect(arr(w.W1)).toEqual([202, 202, 98, 200, 202, 202, 98, 200, 202, 202, 98, 200]);
    expect(arr(w.W2)).toEqual([2, 0, 12, 0, -2, 0, 0, 0]);
  });
});

describe('reference, case 3: the output box edge a2 = 1024', () => {
  // Five active hidden units; W2[:,1] sums to exactly 1024, so o1 = 1 with label 0: d2m iff 1024 is inside the box.
  const shape: NbpShape = { nIn: 3, nHid: 5, nOut: 2 };
  const W1 = Array.from({ length: 15 }, () => 200);
  const W2 = [10, 254, 10, 254, 10, 254, 10, 254, 10, 8];
  it('loihi: d2m (1024 ≤ 1024); numpy: none (1024 > 1023)', () => {
    expect(arr(trainSampleLoihi(shape, net(W1, W2), [1, 1, 1], 0).d2m)).toEqual([0, 1]);
    expect(arr(trainSampleNumpy(shape, net(W1, W2), [1, 1, 1], 0).d2m)).toEqual([0, 0]);
  });
});

describe('reference, case 4: P and M tracked separately', () => {
  it('saturation makes M drift from −W2', () => {
    // a1 = 600: h = 1; a2 = (254, −256): label 0 gives d2p = (1, 0); W2 and P stay at 254, M goes to −256.
    const shape: NbpShape = { nIn: 3, nHid: 1, nOut: 2 };
    const w = net([200, 200, 200], [254, -256]);
    expect(arr(w.M)).toEqual([-254, 254]); // −(−256) saturates at 254
    trainSampleLoihi(shape, w, [1, 1, 1], 0);
    expect(arr(w.W2)).toEqual([254, -256]);
    expect(arr(w.P)).toEqual([254, -256]);
    expect(arr(w.M)).toEqual([-256, 254]);
  });

  it('with drifted copies d1p and d1m can both fire; phase 7 then 11 saturate in order (254 → 254 → 252)', () => {
    // a1 = (800, 554, 800): all active and inside the box. a2 = (200, 600): o = (0, 1); label 0: d2p = (1, 0), d2m = (0, 1).
    const shape: NbpShape = { nIn: 4, nHid: 3, nOut: 2 };
    const W2 = [100, 250, 100, 250, 0, 100];
    const w: NbpWeights = {
      W1: Int32Array.from([200, 254, 200, 200, 100, 200, 200, 100, 200, 200, 100, 200]),
      W2: Int32Array.from(W2),
      P: Int32Array.from(W2),
      M: Int32Array.from([-100, -250, -240, -40, 0, -100]), // row 1 drifted from −W2
    };
    const t = trainSampleLoihi(shape, w, [1, 1, 1, 1], 0);
    expect(arr(t.d2p)).toEqual([1, 0]);
    expect(arr(t.d2m)).toEqual([0, 1]);
    expect(arr(t.d1p)).toEqual([0, 1, 0]); // s6 = P[:,0] + M[:,1] = (−150, 60, −100)
    expect(arr(t.d1m)).toEqual([1, 1, 1]); // s10 = P[:,1] + M[:,0] = (150, 10, 100)
    expect(arr(w.W1)).toEqual([198, 252, 198, 198, 100, 198, 198, 100, 198, 198, 100, 198]);
    expect(arr(w.W2)).toEqual([102, 248, 102, 248, 2, 98]);
    expect(arr(w.P)).toEqual([102, 248, 102, 248, 2, 98]);
    expect(arr(w.M)).toEqual([-102, -248, -242, -38, -2, -98]);
  });
});

describe('inferReference', () => {
  it('thresholds at 512 strictly', () => {
    const f = inferReference({ nIn: 2, nHid: 2, nOut: 2 }, Int32Array.from([256, 200, 256, 200]), Int32Array.from([254, 100, 0, 254]), [1, 1]);
    expect(arr(f.a1)).toEqual([512, 400]);
    expect(arr(f.h)).toEqual([0, 0]);
    expect(arr(f.a2)).toEqual([0, 0]);
  });
});
