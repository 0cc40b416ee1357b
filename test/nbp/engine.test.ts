import { beforeAll, describe, expect, it } from 'vitest';
import { cloneWeights, trainSampleReference, weightsFrom } from '../../src/nbp/algorithm.ts';
import { CpuReplicaEngine } from '../../src/nbp/cpu-engine.ts';
import { createCpuFusedTrainer } from '../../src/nbp/fused-cpu.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import { evaluateReference, metricsFromCounts } from '../../src/nbp/metrics.ts';
import { epochOrder, Xoshiro128 } from '../../src/nbp/prng.ts';
import { activeLists } from '../../src/data/preprocess.ts';
import { loadDataset } from '../../src/data/load.ts';
import type { EncodedDataset, NbpShape, NbpWeights, Semantics } from '../../src/nbp/types.ts';

const SEMANTICS: Semantics[] = ['loihi', 'numpy'];

/** Trains with the per-sample reference; returns the final weights. */
function reference(semantics: Semantics, shape: NbpShape, w0: NbpWeights, data: EncodedDataset, order: ArrayLike<number>): NbpWeights {
  const w = cloneWeights(w0);
  for (let n = 0; n < order.length; n++) {
    const s = order[n]!;
    trainSampleReference(semantics, shape, w, data.x.subarray(s * data.nIn, (s + 1) * data.nIn), data.labels[s]!);
  }
  return w;
}

function fast(semantics: Semantics, shape: NbpShape, w0: NbpWeights, data: EncodedDataset, order: Uint32Array, chunks = 1): NbpWeights {
  const e = new CpuReplicaEngine(shape, semantics);
  e.setWeights(w0);
  const lists = activeLists(data);
  const step = Math.ceil(order.length / chunks);
  for (let i = 0; i < order.length; i += step) e.train(order.subarray(i, i + step), lists, data.labels);
  return e.getWeights();
}

function expectSameWeights(got: NbpWeights, want: NbpWeights, semantics: Semantics) {
  for (const k of semantics === 'loihi' ? (['W1', 'W2', 'P', 'M'] as const) : (['W1', 'W2'] as const)) {
    const diff = got[k].findIndex((v, i) => v !== want[k][i]);
    expect(diff, `${k} first differs at ${diff}: ${got[k][diff]} vs ${want[k][diff]}`).toBe(-1);
  }
}

/** A small random network whose weights sit near the 8-bit limits, with drifted P/M, and random binary data. */
function saturatingCase(seed: number, semantics: Semantics) {
  const rng = new Xoshiro128([seed]);
  const shape: NbpShape = { nIn: 24, nHid: 13, nOut: 4 };
  const pick = () => {
    const r = rng.below(10);
    return r < 3 ? 254 - 2 * rng.below(3) : r < 6 ? -256 + 2 * rng.below(3) : -60 + 2 * rng.below(80);
  };
  const W1 = Int32Array.from({ length: shape.nIn * shape.nHid }, () => Math.trunc(pick() / 4) * 2);
  const W2 = Int32Array.from({ length: shape.nHid * shape.nOut }, pick);
  const w = weightsFrom(W1, W2);
  if (semantics === 'loihi') for (let i = 0; i < w.M.length; i++) if (rng.below(4) === 0) w.M[i] = pick();
  const n = 60;
  const x = Uint8Array.from({ length: n * shape.nIn }, () => (rng.below(3) === 0 ? 1 : 0));
  const labels = Uint8Array.from({ length: n }, () => rng.below(shape.nOut));
  const data: EncodedDataset = { name: 'random', n, nIn: shape.nIn, x, labels };
  const order = Uint32Array.from({ length: 400 }, () => rng.below(n));
  return { shape, w, data, order };
}

describe('fast CPU engine = per-sample reference', () => {
  for (const semantics of SEMANTICS) {
    it(`${semantics}: random networks near saturation (drifted P/M, −256 weights)`, () => {
      for (let seed = 1; seed <= 12; seed++) {
        const { shape, w, data, order } = saturatingCase(seed, semantics);
        expectSameWeights(fast(semantics, shape, w, data, order, 3), reference(semantics, shape, w, data, order), semantics);
      }
    });
  }

  it('numpy: a −256 initial weight is clipped to −254 after the W2 update, before the backprop', () => {
    // a1 = (600, 300, 600, 600): h = (1, 0, 1, 1). a2 = (300, 762): o = (0, 1); label 0: d2p = (1, 0), d2m = (0, 1).
    // Unit 1 backprops W2[1,0] − W2[1,1]: −256 + 254 = −2 unclipped, but 0 after numpy's whole-matrix clip.
    const shape: NbpShape = { nIn: 3, nHid: 4, nOut: 2 };
    const row = [200, 100, 200, 200];
    const w0 = weightsFrom(Int32Array.from([...row, ...row, ...row]), Int32Array.from([100, 254, -256, -254, 100, 254, 100, 254]));
    const data: EncodedDataset = { name: 'hand', n: 1, nIn: 3, x: Uint8Array.of(1, 1, 1), labels: Uint8Array.of(0) };
    const ref = reference('numpy', shape, w0, data, [0]);
    expect(Array.from(ref.W2)).toEqual([102, 252, -254, -254, 102, 252, 102, 252]);
    expect(Array.from(ref.W1)).toEqual([198, 100, 198, 198, 198, 100, 198, 198, 198, 100, 198, 198]);
    expectSameWeights(fast('numpy', shape, w0, data, Uint32Array.of(0)), ref, 'numpy');
  });

  let train: EncodedDataset;
  let test: EncodedDataset;
  beforeAll(() => {
    train = loadDataset('mnist', 'train');
    test = loadDataset('mnist', 'test');
  });
  const shape: NbpShape = { nIn: 400, nHid: 400, nOut: 10 };

  for (const semantics of SEMANTICS) {
    it(`${semantics}: 2,000 real MNIST samples, weights and test metrics`, () => {
      const w0 = glorotInit(shape, 5);
      const order = epochOrder(train.n, 5, 0).subarray(0, 2000);
      const ref = reference(semantics, shape, w0, train, order);
      const got = fast(semantics, shape, w0, train, order);
      expectSameWeights(got, ref, semantics);
      const e = new CpuReplicaEngine(shape, semantics);
      e.setWeights(got);
      const sub: EncodedDataset = { ...test, n: 1500, x: test.x.subarray(0, 1500 * 400), labels: test.labels.subarray(0, 1500) };
      expect(metricsFromCounts(e.evaluate(activeLists(sub), sub.labels))).toEqual(evaluateReference(shape, ref, sub));
    });
  }
});

describe('fast CPU engine = reference on Fashion-MNIST (784 inputs, up to 663 active: several i16 chunks)', () => {
  for (const semantics of SEMANTICS) {
    it(semantics, () => {
      const train = loadDataset('fashion', 'train');
      const shape: NbpShape = { nIn: 784, nHid: 400, nOut: 10 };
      const w0 = glorotInit(shape, 8);
      const order = epochOrder(train.n, 8, 0).subarray(0, 300);
      expectSameWeights(fast(semantics, shape, w0, train, order, 2), reference(semantics, shape, w0, train, order), semantics);
    });
  }
});

describe('createCpuFusedTrainer', () => {
  const { shape, w, data } = saturatingCase(3, 'loihi');

  it('gives the same weights and metrics with worker threads as in-thread, for every replica', async () => {
    const initial = [w, glorotInit(shape, 9), glorotInit(shape, 10)];
    const orders = [0, 1, 2].map((r) => epochOrder(data.n, r, 0));
    const results: Array<{ weights: NbpWeights[]; metrics: unknown }> = [];
    for (const threads of [0, 2]) {
      const t = await createCpuFusedTrainer({ shape, semantics: 'loihi', train: data, initial }, { threads });
      try {
        expect(t.threads).toBe(threads);
        await t.train(orders.map((o) => o.subarray(0, 30)));
        await t.train(orders.map((o) => o.subarray(30)));
        results.push({ weights: await Promise.all([0, 1, 2].map((r) => t.getWeights(r))), metrics: await t.evaluate(data) });
      } finally {
        t.dispose();
      }
    }
    expect(results[1]).toEqual(results[0]);
    results[0]!.weights.forEach((got, r) => expectSameWeights(got, reference('loihi', shape, initial[r]!, data, orders[r]!), 'loihi'));
  });

  it('rejects bad inputs with clear errors', async () => {
    const bad = cloneWeights(w);
    bad.W2[5] = 256;
    await expect(createCpuFusedTrainer({ shape, semantics: 'loihi', train: data, initial: [bad] })).rejects.toThrow(
      /replica 0 initial weights: W2\[5\] = 256 is outside the 8-bit weight range \[-256, 254\]/,
    );
    await expect(createCpuFusedTrainer({ shape, semantics: 'loihi', train: data, initial: [w], remedies: { nope: true } })).rejects.toThrow(
      /unknown remedy 'nope'/,
    );
    const t = await createCpuFusedTrainer({ shape, semantics: 'numpy', train: data, initial: [w, w] });
    await expect(t.train([Uint32Array.of(1, 2), Uint32Array.of(1)])).rejects.toThrow(/replica 1 has 1 samples, replica 0 has 2/);
    await expect(t.train([Uint32Array.of(1), Uint32Array.of(data.n)])).rejects.toThrow(
      /replica 1 order\[0\] = 60 is outside the training set \(0\.\.59\)/,
    );
    await expect(t.getWeights(2)).rejects.toThrow(/replica 2 is outside 0\.\.1/);
    t.dispose();
    await expect(t.evaluate(data)).rejects.toThrow(/after dispose/);
  });
});
