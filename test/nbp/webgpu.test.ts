// The WGSL fused nBP trainer (src/nbp/webgpu/trainer.ts) against the per-sample reference (src/nbp/algorithm.ts)
// and the CPU fused trainer, bit for bit, on real MNIST. Needs a WebGPU adapter (SwiftShader): without one the
// tests fail, they never skip. Sizes are small because SwiftShader runs WGSL on the CPU.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../src/backends/webgpu/device.ts';
import { loadDataset } from '../../src/data/load.ts';
import { cloneWeights, trainSampleReference } from '../../src/nbp/algorithm.ts';
import { createCpuFusedTrainer } from '../../src/nbp/fused-cpu.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import { evaluateReference } from '../../src/nbp/metrics.ts';
import { epochOrder, Xoshiro128 } from '../../src/nbp/prng.ts';
import type { EncodedDataset, FusedTrainerOptions, NbpShape, NbpWeights, Semantics } from '../../src/nbp/types.ts';
import { createWebgpuFusedTrainer, type WebgpuTrainerOptions } from '../../src/nbp/webgpu/trainer.ts';

const shape: NbpShape = { nIn: 400, nHid: 400, nOut: 10 };
const KEYS = ['W1', 'W2', 'P', 'M'] as const;

function head(d: EncodedDataset, n: number): EncodedDataset {
  return { name: `${d.name}[0:${n}]`, n, nIn: d.nIn, x: d.x.slice(0, n * d.nIn), labels: d.labels.slice(0, n) };
}

/** A permutation of 0..n-1 drawn from a fixed stream, so the replicas see different orders. */
function shuffled(n: number, seed: number): Uint32Array {
  return epochOrder(n, seed, 0);
}

function referenceTrain(semantics: Semantics, initial: NbpWeights, data: EncodedDataset, order: Uint32Array): NbpWeights {
  const w = cloneWeights(initial);
  for (const s of order) trainSampleReference(semantics, shape, w, data.x.subarray(s * shape.nIn, (s + 1) * shape.nIn), data.labels[s]!);
  return w;
}

function expectSameWeights(actual: NbpWeights, expected: NbpWeights, what: string): void {
  for (const k of KEYS) {
    let first = -1;
    for (let i = 0; i < expected[k].length && first < 0; i++) if (actual[k][i] !== expected[k][i]) first = i;
    expect(first, `${what}: ${k} first differs at ${first} (${actual[k][first]} vs ${expected[k][first]})`).toBe(-1);
  }
}

function changedEntries(a: Int32Array, b: Int32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

let train: EncodedDataset;
let test: EncodedDataset;
// Acquired inside each test (not in beforeAll), so that with no adapter every test FAILS instead of being skipped.
let ctxPromise: Promise<GpuContext> | undefined;
const gpu = (): Promise<GpuContext> => (ctxPromise ??= acquireGpu());

beforeAll(() => {
  train = head(loadDataset('mnist', 'train'), 1000);
  test = head(loadDataset('mnist', 'test'), 300);
});

afterAll(async () => (await ctxPromise?.catch(() => undefined))?.destroy());

/** Trains the WGSL and CPU trainers on the same orders (split into calls) and returns both, still alive. */
async function trainBoth(semantics: Semantics, initial: NbpWeights[], orders: Uint32Array[], calls: number[], gpuOptions: WebgpuTrainerOptions) {
  const opts: FusedTrainerOptions = { shape, semantics, train, initial };
  const webgpu = await createWebgpuFusedTrainer(opts, await gpu(), gpuOptions);
  const cpu = await createCpuFusedTrainer(opts, { threads: 0 });
  let at = 0;
  for (const len of calls) {
    const chunk = orders.map((o) => o.subarray(at, at + len));
    await webgpu.train(chunk);
    await cpu.train(chunk);
    at += len;
  }
  return { webgpu, cpu };
}

describe('WGSL fused nBP trainer = reference = CPU trainer (real MNIST)', () => {
  for (const [semantics, wg] of [
    ['loihi', 64],
    ['numpy', 256],
  ] as const) {
    it(`${semantics}: 2 replicas × 240 samples, two train() calls, several dispatches per call (wg ${wg})`, async () => {
      const initial = [glorotInit(shape, 11), glorotInit(shape, 12)];
      const orders = [Uint32Array.from({ length: 240 }, (_, i) => i), shuffled(train.n, 5).slice(0, 240)];
      const { webgpu, cpu } = await trainBoth(semantics, initial, orders, [140, 100], { workgroupSize: wg, samplesPerDispatch: 64 });
      try {
        for (let r = 0; r < 2; r++) {
          const got = await webgpu.getWeights(r);
          expectSameWeights(got, await cpu.getWeights(r), `${semantics} replica ${r} vs CPU`);
          expectSameWeights(got, referenceTrain(semantics, initial[r]!, train, orders[r]!), `${semantics} replica ${r} vs reference`);
          // Training really happened: both matrices moved.
          expect(changedEntries(got.W1, initial[r]!.W1)).toBeGreaterThan(1000);
          expect(changedEntries(got.W2, initial[r]!.W2)).toBeGreaterThan(100);
        }
        expect(webgpu.stats()).toMatchObject({ trainSamples: 240, trainDispatches: 3 + 2, trainSubmits: 2 });
        // Inference on a few hundred test samples: the same integer tallies as the CPU and the plain reference.
        const metrics = await webgpu.evaluate(test);
        expect(metrics).toEqual(await cpu.evaluate(test));
        for (let r = 0; r < 2; r++) expect(metrics[r]).toEqual(evaluateReference(shape, await webgpu.getWeights(r), test));
        expect(metrics[0]!.acc_membrane).toBeGreaterThan(0.3);
        expect(webgpu.stats()).toMatchObject({ evalSamples: test.n, evalDispatches: 1, evalSubmits: 1 });
      } finally {
        webgpu.dispose();
        cpu.dispose();
      }
    });
  }
});

/** Weights pushed to the 8-bit limits, with P and M already drifted from ±W2 (as asymmetric saturation does). */
function weightsAtBounds(seed: number): NbpWeights {
  const w = glorotInit(shape, seed);
  const rng = new Xoshiro128([seed, 77, 0]);
  const uniform = () => rng.nextU32() / 4294967296;
  const bound = () => (uniform() < 0.5 ? -256 : 254);
  for (let i = 0; i < w.W1.length; i++) if (uniform() < 0.15) w.W1[i] = bound();
  for (let i = 0; i < w.W2.length; i++) {
    const u = uniform();
    if (u < 0.3) w.W2[i] = bound();
    w.P[i] = w.W2[i]!;
    // −(−256) = 256 does not exist: the −W2ᵀ copy saturates at 254, the drift nbp-circuit.md §3 describes.
    w.M[i] = Math.min(254, -w.W2[i]!);
    if (u > 0.9) w.P[i] = bound();
    if (u < 0.05) w.M[i] = bound();
  }
  return w;
}

describe('saturation: weights at the bounds', () => {
  it('loihi: P and M tracked separately when they drift from ±W2; every phase saturates', async () => {
    const initial = [weightsAtBounds(21), weightsAtBounds(22)];
    const orders = [shuffled(train.n, 8).slice(0, 200), shuffled(train.n, 9).slice(0, 200)];
    const { webgpu, cpu } = await trainBoth('loihi', initial, orders, [200], { workgroupSize: 128, samplesPerDispatch: 200 });
    try {
      for (let r = 0; r < 2; r++) {
        const got = await webgpu.getWeights(r);
        const ref = referenceTrain('loihi', initial[r]!, train, orders[r]!);
        expectSameWeights(got, await cpu.getWeights(r), `replica ${r} vs CPU`);
        expectSameWeights(got, ref, `replica ${r} vs reference`);
        expect(changedEntries(got.W2, initial[r]!.W2)).toBeGreaterThan(50);
        let drift = 0;
        for (let i = 0; i < got.W2.length; i++) if (got.P[i] !== got.W2[i] || got.M[i] !== -got.W2[i]!) drift++;
        expect(drift).toBeGreaterThan(0);
        expect(got.W1.includes(-256) && got.W1.includes(254)).toBe(true);
      }
    } finally {
      webgpu.dispose();
      cpu.dispose();
    }
  });

  it('numpy: the first sample of a call clips whole matrices to ±254, as numpy_simulation.py does', async () => {
    const initial = [weightsAtBounds(31), weightsAtBounds(32)];
    const orders = [shuffled(train.n, 10).slice(0, 200), shuffled(train.n, 11).slice(0, 200)];
    // workgroupSize 32 < 34 groups of 12 hidden units: some threads own two groups.
    const { webgpu, cpu } = await trainBoth('numpy', initial, orders, [150, 50], { workgroupSize: 32, samplesPerDispatch: 1000 });
    try {
      for (let r = 0; r < 2; r++) {
        const got = await webgpu.getWeights(r);
        expectSameWeights(got, await cpu.getWeights(r), `replica ${r} vs CPU`);
        expectSameWeights(got, referenceTrain('numpy', initial[r]!, train, orders[r]!), `replica ${r} vs reference`);
        expect(got.W1.includes(-256) || got.W2.includes(-256)).toBe(false);
        expect(got.W1.includes(-254) && got.W1.includes(254)).toBe(true);
      }
    } finally {
      webgpu.dispose();
      cpu.dispose();
    }
  });
});

describe('weights, shapes, inference blocks and errors', () => {
  it('a hidden layer that is not a multiple of the 12-unit group (padding units stay out of every sum and update)', async () => {
    const odd: NbpShape = { nIn: 400, nHid: 37, nOut: 10 };
    for (const semantics of ['loihi', 'numpy'] as const) {
      const initial = [glorotInit(odd, 61)];
      const order = shuffled(train.n, 12).slice(0, 150);
      const webgpu = await createWebgpuFusedTrainer({ shape: odd, semantics, train, initial }, await gpu());
      try {
        await webgpu.train([order]);
        const w = cloneWeights(initial[0]!);
        for (const s of order) trainSampleReference(semantics, odd, w, train.x.subarray(s * 400, (s + 1) * 400), train.labels[s]!);
        const got = await webgpu.getWeights(0);
        expectSameWeights(got, w, `${semantics} 400-37-10`);
        expect(changedEntries(got.W1, initial[0]!.W1)).toBeGreaterThan(100);
        expect((await webgpu.evaluate(test))[0]).toEqual(evaluateReference(odd, got, test));
      } finally {
        webgpu.dispose();
      }
    }
  });

  it('setWeights/getWeights round-trip; odd inference block sizes give the reference tallies', async () => {
    const initial = [glorotInit(shape, 41)];
    const webgpu = await createWebgpuFusedTrainer({ shape, semantics: 'loihi', train, initial }, await gpu(), { samplesPerBlock: 7 });
    try {
      const w = weightsAtBounds(42);
      await webgpu.setWeights(0, w);
      expectSameWeights(await webgpu.getWeights(0), w, 'round trip');
      const [m] = await webgpu.evaluate(test);
      expect(m).toEqual(evaluateReference(shape, w, test));
      expect(webgpu.stats().readbacks).toBe(2);
    } finally {
      webgpu.dispose();
    }
  });

  it('rejects bad orders, weights and remedies with messages that name the problem', async () => {
    const initial = [glorotInit(shape, 51), glorotInit(shape, 52)];
    await expect(createWebgpuFusedTrainer({ shape, semantics: 'loihi', train, initial, remedies: { nope: true } }, await gpu())).rejects.toThrow(
      /remed/,
    );
    const webgpu = await createWebgpuFusedTrainer({ shape, semantics: 'loihi', train, initial }, await gpu());
    try {
      await expect(webgpu.train([new Uint32Array([1, 2])])).rejects.toThrow(/1 orders for 2 replicas/);
      await expect(webgpu.train([new Uint32Array([1, 2]), new Uint32Array([3])])).rejects.toThrow(/replica 1 has 1 samples/);
      await expect(webgpu.train([new Uint32Array([1]), new Uint32Array([train.n])])).rejects.toThrow(/order\[0\] = 1000 is outside/);
      const bad = cloneWeights(initial[0]!);
      bad.W2[3] = 300;
      await expect(webgpu.setWeights(1, bad)).rejects.toThrow(/W2\[3\] = 300/);
      await expect(webgpu.getWeights(2)).rejects.toThrow(/replica 2 is outside 0\.\.1/);
    } finally {
      webgpu.dispose();
    }
  });
});
