import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneWeights, trainSampleLoihi, trainSampleNumpy, trainSampleReference, weightsFrom } from '../../src/nbp/algorithm.ts';
import { CpuReplicaEngine } from '../../src/nbp/cpu-engine.ts';
import { createCpuFusedTrainer } from '../../src/nbp/fused-cpu.ts';
import { readCheckpoint, writeCheckpoint } from '../../src/app/checkpoint.ts';
import { Xoshiro128 } from '../../src/nbp/prng.ts';
import { activeLists } from '../../src/data/preprocess.ts';
import { FAITHFUL_PARAMS, keepUpdate, lrLevel, parseRemedyArgs, remedyParams, remedyStrategy, type RemedySettings } from '../../src/nbp/remedies.ts';
import type { EncodedDataset, NbpShape, NbpWeights, Semantics } from '../../src/nbp/types.ts';
import { cli as runCli } from '../cli.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';
import { testCheckpoint } from '../checkpoint-fixture.ts';

const arr = (a: ArrayLike<number>) => Array.from(a);

/** Five hidden units, each driven to a1 = 600 (> 512, inside the box) by 3 inputs of 200, whose W2 columns sum to a2. */
function oneHidden(a2: number[]) {
  const shape: NbpShape = { nIn: 3, nHid: 5, nOut: a2.length };
  const W2 = Int32Array.from({ length: 5 * a2.length }, (_, e) => a2[e % a2.length]! / 5);
  return {
    shape,
    w: weightsFrom(new Int32Array(15).fill(200), W2),
    col: (m: NbpWeights, k: number) => arr(m.W2.filter((_, e) => e % a2.length === k)),
  };
}
const X = [1, 1, 1];

/** A small random case (random binary data, weights spread over the whole range). */
function randomCase(seed: number) {
  const rng = new Xoshiro128([seed]);
  const shape: NbpShape = { nIn: 24, nHid: 13, nOut: 4 };
  const W1 = Int32Array.from({ length: shape.nIn * shape.nHid }, () => -120 + 2 * rng.below(150));
  const W2 = Int32Array.from({ length: shape.nHid * shape.nOut }, () => -256 + 2 * rng.below(256));
  const n = 60;
  const x = Uint8Array.from({ length: n * shape.nIn }, () => (rng.below(3) === 0 ? 1 : 0));
  const labels = Uint8Array.from({ length: n }, () => rng.below(shape.nOut));
  const data: EncodedDataset = { name: 'random', n, nIn: shape.nIn, x, labels };
  const order = Uint32Array.from({ length: 600 }, () => rng.below(n));
  return { shape, w: weightsFrom(W1, W2), data, order };
}

function referenceRun(
  semantics: Semantics,
  shape: NbpShape,
  w0: NbpWeights,
  data: EncodedDataset,
  order: Uint32Array,
  settings: RemedySettings | undefined,
  start = 0,
): NbpWeights {
  const w = cloneWeights(w0);
  const strategy = settings ? remedyStrategy({ params: remedyParams(settings), samplesDone: start, trainSize: data.n }) : undefined;
  for (let n = 0; n < order.length; n++) {
    const s = order[n]!;
    trainSampleReference(semantics, shape, w, data.x.subarray(s * data.nIn, (s + 1) * data.nIn), data.labels[s]!, strategy?.nextSample());
  }
  return w;
}

function engineRun(
  semantics: Semantics,
  shape: NbpShape,
  w0: NbpWeights,
  data: EncodedDataset,
  order: Uint32Array,
  settings: RemedySettings | undefined,
): NbpWeights {
  const e = new CpuReplicaEngine(
    shape,
    semantics,
    settings ? remedyStrategy({ params: remedyParams(settings), samplesDone: 0, trainSize: data.n }) : undefined,
  );
  e.setWeights(w0);
  const lists = activeLists(data);
  for (let i = 0; i < order.length; i += 97) e.train(order.subarray(i, i + 97), lists, data.labels);
  return e.getWeights();
}

describe('remedy registry', () => {
  it('parses, validates and names the bad value', () => {
    expect(parseRemedyArgs([])).toBeUndefined();
    expect(parseRemedyArgs(['margin=256', 'output-floor=2048', 'lr-halve=10'])).toEqual({ 'lr-halve': 10, margin: 256, 'output-floor': 2048 });
    expect(() => parseRemedyArgs(['margin=600'])).toThrow(/margin' = 600 is outside \[0, 512\]/);
    expect(() => parseRemedyArgs(['margin'])).toThrow(/needs a value/);
    expect(() => parseRemedyArgs(['lr-halve=1.5'])).toThrow(/integer/);
    expect(() => parseRemedyArgs(['nope=1'])).toThrow(/unknown remedy 'nope'/);
    expect(remedyParams(undefined)).toEqual(FAITHFUL_PARAMS);
  });
  it('lr-halve halves the share of applied updates every VALUE epochs, down to 1/32', () => {
    const p = remedyParams({ 'lr-halve': 2 });
    expect([0, 199, 200, 399, 400, 5000].map((n) => lrLevel(p, n, 100))).toEqual([0, 0, 1, 1, 2, 5]);
    for (const level of [0, 1, 3]) {
      let kept = 0;
      for (let i = 0; i < 40000; i++) if (keepUpdate(level, 12345, i)) kept++;
      expect(kept / 40000).toBeCloseTo(2 ** -level, 2);
    }
  });
});

describe('remedies change the per-sample algorithm as documented', () => {
  it('output-floor: a target output with negative potential gets d2p only with the remedy (a dead class can learn)', () => {
    const { shape, w, col } = oneHidden([-300, 0]); // a2 = −300 for the target class 0
    for (const train of [trainSampleLoihi, trainSampleNumpy]) {
      const faithful = cloneWeights(w);
      expect(arr(train(shape, faithful, X, 0).d2p)).toEqual([0, 0]);
      expect(col(faithful, 0)).toEqual([-60, -60, -60, -60, -60]);
      const fixed = cloneWeights(w);
      const p = remedyParams({ 'output-floor': 512 });
      expect(arr(train(shape, fixed, X, 0, { box: p, keep: null }).d2p)).toEqual([1, 0]);
      expect(col(fixed, 0)).toEqual([-58, -58, -58, -58, -58]);
      // Below the floor it stays dead.
      expect(arr(train(shape, cloneWeights(w), X, 0, { box: remedyParams({ 'output-floor': 200 }), keep: null }).d2p)).toEqual([0, 0]);
    }
  });
  it('margin: a correct but weak target (a2 = 600) and a weak non-target (a2 = 400) learn only with a margin', () => {
    const { shape, w, col } = oneHidden([600, 400]);
    const faithful = cloneWeights(w);
    const t0 = trainSampleLoihi(shape, faithful, X, 0);
    expect([arr(t0.d2p), arr(t0.d2m)]).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const m = cloneWeights(w);
    const t1 = trainSampleLoihi(shape, m, X, 0, { box: remedyParams({ margin: 256 }), keep: null });
    expect([arr(t1.d2p), arr(t1.d2m)]).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect([col(m, 0), col(m, 1)]).toEqual([
      [122, 122, 122, 122, 122],
      [78, 78, 78, 78, 78],
    ]);
  });
  it('target-margin: a target at a2 = 1100 still learns with target-margin=1024 but not with margin=512', () => {
    const { shape, w } = oneHidden([1100, 0]);
    const r = (settings: RemedySettings) => arr(trainSampleLoihi(shape, cloneWeights(w), X, 0, { box: remedyParams(settings), keep: null }).d2p);
    expect(r({ margin: 512 })).toEqual([0, 0]);
    expect(r({ margin: 512, 'target-margin': 1024 })).toEqual([1, 0]);
  });
  it('nontarget-margin: a non-target at a2 = -100 learns with nontarget-margin=768 but not with margin=512', () => {
    const { shape, w } = oneHidden([2000 / 2, -100]);
    const r = (settings: RemedySettings) => arr(trainSampleLoihi(shape, cloneWeights(w), X, 0, { box: remedyParams(settings), keep: null }).d2m);
    expect(r({ margin: 512 })).toEqual([0, 0]);
    expect(r({ margin: 512, 'nontarget-margin': 768 })).toEqual([0, 1]);
  });
  it('margin respects the box: a non-target above 1024 and a target above 512+margin get no error', () => {
    const { shape, w } = oneHidden([900, 1100]);
    const t = trainSampleLoihi(shape, cloneWeights(w), X, 0, { box: remedyParams({ margin: 256 }), keep: null });
    expect([arr(t.d2p), arr(t.d2m)]).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
  it('hidden-box: a hidden unit with a1 = -100 (outside the box) learns only when the box is widened', () => {
    const shape: NbpShape = { nIn: 2, nHid: 1, nOut: 2 };
    const w = weightsFrom(Int32Array.from([-50, -50]), Int32Array.from([100, 0])); // a1 = -100, h = 0, a2 = 0
    // h = 0 gives a2 = 0, so the target (class 0) needs a small output floor to get d2p; s6 = P[0,0] = 100 > 0.
    const p = remedyParams({ 'output-floor': 10 });
    const t0 = trainSampleLoihi(shape, cloneWeights(w), [1, 1], 0, { box: p, keep: null });
    expect(arr(t0.d2p)).toEqual([1, 0]);
    expect(arr(t0.d1p)).toEqual([0]);
    const wide = cloneWeights(w);
    const t1 = trainSampleLoihi(shape, wide, [1, 1], 0, { box: remedyParams({ 'output-floor': 10, 'hidden-box': 200 }), keep: null });
    expect(arr(t1.d1p)).toEqual([1]);
    expect(arr(wide.W1)).toEqual([-48, -48]);
  });
  it('lr-halve: at level 2 about a quarter of the W1 updates apply, and W2 and its copies P, M stay in sync', () => {
    const { shape, w, data, order } = randomCase(3);
    const settings = { 'lr-halve': 1 };
    // Start two epochs in (level 2) so every sample uses p = 1/4.
    const slow = referenceRun('loihi', shape, w, data, order.subarray(0, 60), settings, 2 * data.n);
    const full = referenceRun('loihi', shape, w, data, order.subarray(0, 60), undefined);
    const moved = (a: Int32Array) => a.reduce((n, v, i) => n + Math.abs(v - w.W1[i]!), 0);
    const ratio = moved(slow.W1) / moved(full.W1);
    expect(ratio).toBeGreaterThan(0.1);
    expect(ratio).toBeLessThan(0.5);
    for (let i = 0; i < slow.W2.length; i++) {
      expect(slow.P[i]).toBe(slow.W2[i]);
      expect(slow.M[i]).toBe(Math.min(254, -slow.W2[i]!));
    }
  });
});

describe('fast CPU engine = reference with remedies; bit-identical without', () => {
  const sets: Array<RemedySettings | undefined> = [
    undefined,
    { margin: 256 },
    { 'output-floor': 4096 },
    { 'lr-halve': 3 },
    { 'hidden-box': 300 },
    { 'target-margin': 900, margin: 100 },
    { 'nontarget-margin': 700, 'output-floor': 500 },
    { margin: 128, 'output-floor': 1024, 'lr-halve': 2, 'hidden-box': 100 },
  ];
  for (const semantics of ['loihi', 'numpy'] as const) {
    for (const settings of sets) {
      it(`${semantics} ${JSON.stringify(settings ?? 'faithful')}`, () => {
        const { shape, w, data, order } = randomCase(semantics === 'loihi' ? 11 : 12);
        const want = referenceRun(semantics, shape, w, data, order, settings);
        const got = engineRun(semantics, shape, w, data, order, settings);
        for (const k of semantics === 'loihi' ? (['W1', 'W2', 'P', 'M'] as const) : (['W1', 'W2'] as const)) {
          const diff = got[k].findIndex((v, i) => v !== want[k][i]);
          expect(diff, `${k} first differs at ${diff}`).toBe(-1);
        }
        // The remedy really changed something (no vacuous pass).
        if (settings) expect(arr(want.W1)).not.toEqual(arr(referenceRun(semantics, shape, w, data, order, undefined).W1));
      });
    }
  }
  it('the fused trainer applies remedies and continues the lr-halve clock from samplesDone', async () => {
    const { shape, w, data, order } = randomCase(5);
    const settings = { 'lr-halve': 1, margin: 64 };
    const want = referenceRun('loihi', shape, w, data, order.subarray(0, 300), settings, 150);
    const t = await createCpuFusedTrainer({ shape, semantics: 'loihi', train: data, initial: [w], remedies: settings, samplesDone: 150 });
    try {
      await t.train([order.subarray(0, 300)]);
      const got = await t.getWeights(0);
      expect(arr(got.W1)).toEqual(arr(want.W1));
      expect(arr(got.W2)).toEqual(arr(want.W2));
    } finally {
      t.dispose();
    }
  });
});

describe('remedies in checkpoints', () => {
  it('round-trip through checkpoint.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synfire-remedy-'));
    const shape: NbpShape = { nIn: 3, nHid: 2, nOut: 2 };
    const w = weightsFrom(new Int32Array(6), new Int32Array(4));
    const remedies = parseRemedyArgs(['margin=256', 'output-floor=4096', 'lr-halve=10'])!;
    writeCheckpoint(dir, testCheckpoint({ samples: 5, shape, trainSize: 10, weights: w, remedies }));
    expect(readCheckpoint(dir).config.remedies).toEqual(remedies);
  });
});

describe('synfire train --remedy', () => {
  const cli = async (...args: string[]) => (await runCli(...args)).rc;
  it('records remedies, resumes bit-identically across an lr-halve level change (remedies taken from the checkpoint), refuses others', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const base = ['train', '--dataset', 'mnist', '--data-dir', data, '--backend', 'cpu', '--threads', '0', '--epochs', '3', '--seed', '2'];
    const remedy = ['--remedy', 'lr-halve=1', '--remedy', 'margin=128', '--remedy', 'output-floor=2048'];
    const dir = (name: string) => join(mkdtempSync(join(tmpdir(), 'synfire-remedy-cli-')), name);
    const full = dir('full');
    expect(await cli(...base, ...remedy, '--out', full)).toBe(0);
    expect(readCheckpoint(full).config.remedies).toEqual({ 'lr-halve': 1, margin: 128, 'output-floor': 2048 });
    const faithful = dir('faithful');
    expect(await cli(...base, '--out', faithful)).toBe(0);
    expect(readCheckpoint(faithful).config.remedies).toBeNull();
    expect(readCheckpoint(faithful).replicas[0]!.weights.W1).not.toEqual(readCheckpoint(full).replicas[0]!.weights.W1);
    // Stop inside epoch 1 (level 1 began at sample 40), then resume without repeating --remedy.
    const part = dir('part');
    expect(await cli(...base, ...remedy, '--out', part, '--samples', '57')).toBe(0);
    expect(await cli('train', '--out', part, '--resume', '--remedy', 'margin=64', '--backend', 'cpu', '--threads', '0', '--data-dir', data)).toBe(1);
    expect(await cli('train', '--out', part, '--resume', '--backend', 'cpu', '--threads', '0', '--data-dir', data)).toBe(0);
    expect(readCheckpoint(part).replicas).toEqual(readCheckpoint(full).replicas);
  });
});
