import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import type { Network } from '../../src/network/types.ts';
import { randomNetwork } from './naive.ts';
import { readTraceFile, traceToNetwork } from '../../src/trace/index.ts';
import { TRACES_DIR } from '../paths.ts';

const backend = createCpuBackend();

/**
 * pre (source) → post (2 memoryless compartments) through a plastic mixed 8-bit projection with nBP's rule;
 * `drive` makes post[i] spike one step after drive[i]; `reward` sets r1.
 */
function learningNetwork(plasticWeights: number[] = [10, 20]): Network {
  return {
    groups: [{ name: 'post', size: 2, du: 4095, dv: 4096, vth: 100, biasMant: [0, 0], biasExp: 0, refractory: 0 }],
    sources: [
      { name: 'pre', size: 1 },
      { name: 'drive', size: 2 },
      { name: 'reward', size: 2 },
    ],
    projections: [
      {
        name: 'drive_post',
        from: 'drive',
        to: 'post',
        weightExp: 0,
        numWeightBits: 8,
        signMode: 'excitatory',
        synapses: { kind: 'dense', weights: [200, 0, 0, 200], delays: 0 },
      },
      {
        name: 'plastic',
        from: 'pre',
        to: 'post',
        weightExp: 0,
        numWeightBits: 8,
        signMode: 'mixed',
        synapses: { kind: 'dense', weights: plasticWeights, delays: 0 },
        learning: { dw: '4*x0*y0*r1 - 2*x0*y0', reward: 'reward' },
      },
    ],
  };
}

describe('learning timing (spike-then-learn, nbp-circuit.md §2)', () => {
  it('learns from same-step coincidences, delivers with the weights before LEARN, rewards only in its own step', async () => {
    const sim = await backend.create(learningNetwork(), { recording: { spikes: 'all', state: 'all', stateSteps: [4] } });
    sim.injectSpikes('drive', [[2, 0]]);
    sim.injectSpikes('pre', [[3, 0]]); // post[0] spikes at 3 too: x0 = y0 = 1, r1 = 0 → -2 on (pre, post0)
    await sim.run(4);
    expect(Array.from(await sim.readWeights('plastic'))).toEqual([8, 20]);
    await sim.run(1);
    const rec = (await sim.readRecording())[0]!;
    expect(rec.spikes.post).toEqual([[3, 0]]);
    // The spike of step 3 reached u at step 4 with the weight from before LEARN(3): 10·64, not 8·64.
    expect(Array.from(rec.u.post![0]!)).toEqual([640, 1280]);

    // Rewarded coincidence on post[1] at step 6 (reward index 1 counts as well): +2.
    sim.injectSpikes('drive', [[5, 1]]);
    sim.injectSpikes('pre', [[6, 0]]);
    sim.injectSpikes('reward', [
      [5, 0],
      [6, 1],
    ]);
    await sim.run(3);
    expect(Array.from(await sim.readWeights('plastic'))).toEqual([8, 22]);

    // Reward in the steps before and after the coincidence (8 and 10), not in it (9): depression.
    sim.injectSpikes('drive', [[8, 0]]);
    sim.injectSpikes('pre', [[9, 0]]);
    sim.injectSpikes('reward', [
      [8, 0],
      [10, 0],
    ]);
    await sim.run(3);
    expect(Array.from(await sim.readWeights('plastic'))).toEqual([6, 22]);

    // Post alone (12) and pre alone (14, with reward) change nothing.
    sim.injectSpikes('drive', [[11, 1]]);
    sim.injectSpikes('pre', [[14, 0]]);
    sim.injectSpikes('reward', [[14, 0]]);
    await sim.run(5);
    expect(Array.from(await sim.readWeights('plastic'))).toEqual([6, 22]);
    expect((await sim.readRecording())[0]!.spikes.post).toEqual([
      [3, 0],
      [6, 1],
      [9, 0],
      [12, 1],
    ]);
    // Synaptic events: 4 drive spikes × 1 synapse + 4 pre spikes × 2 synapses (plastic keeps all).
    expect(sim.stats()).toEqual({ steps: 16, dispatches: 0, submits: 0, readbacks: 0, synapticEvents: 4 + 8 });
    sim.dispose();
  });

  it('saturates at [-256, 254] and keeps zero-weight plastic synapses', async () => {
    const sim = await backend.create(learningNetwork([254, -255]));
    expect(Array.from(await sim.readWeights('plastic'))).toEqual([254, -256]); // stored weights are quantized
    sim.injectSpikes('drive', [
      [0, 0],
      [0, 1],
      [3, 0],
      [3, 1],
    ]);
    sim.injectSpikes('pre', [
      [1, 0],
      [4, 0],
    ]);
    sim.injectSpikes('reward', [[1, 0]]);
    await sim.run(6);
    // step 1 rewarded: 254 → 254 (saturated), -256 → -254; step 4 unrewarded: 252, -256.
    expect(Array.from(await sim.readWeights('plastic'))).toEqual([252, -256]);

    const zero = await backend.create(learningNetwork([0, 1]));
    expect(Array.from(await zero.readWeights('plastic'))).toEqual([0, 0]);
    zero.injectSpikes('drive', [
      [0, 0],
      [0, 1],
    ]);
    zero.injectSpikes('pre', [[1, 0]]);
    await zero.run(2);
    expect(Array.from(await zero.readWeights('plastic'))).toEqual([-2, -2]);
  });

  it('applies rules that change synapses whose pre did not spike', async () => {
    const network = learningNetwork([0, 0]);
    network.projections[1]!.learning = { dw: '2*y0 - 1', wMin: -10, wMax: 10 };
    const sim = await backend.create(network);
    sim.injectSpikes('drive', [[0, 0]]);
    await sim.run(3);
    // post[0] spiked at 1: +2 - 1 there; every step -1 otherwise: post0: -1 +1 -1 = -1, post1: -3.
    expect(Array.from(await sim.readWeights('plastic'))).toEqual([-1, -3]);
  });
});

describe('replicas', () => {
  it('give the same results as separate runs with their own inputs and weights', async () => {
    const network = randomNetwork(7, 30);
    network.projections[0]!.learning = { dw: '4*x0*y0*r1 - 2*x0*y0 - x0 + y0', reward: 's0' };
    const source = network.sources[0]!;
    const extra: Array<[number, number]> = [
      [3, 0],
      [11, source.size - 1],
      [20, 0],
    ];
    const p0 = network.projections[0]!;
    const altWeights = Array.from(p0.synapses.weights, (w, i) => (i % 3 === 0 ? -w : w + (w < 255 ? 1 : 0)));
    const recording = { spikes: 'all' as const, state: 'all' as const, stateSteps: [0, 9, 10, 29] };

    const together = await backend.create(network, { replicas: 3, recording });
    together.injectSpikes(source.name, extra, 1);
    await together.writeWeights(p0.name, altWeights, 2);
    await together.run(30);
    const recs = await together.readRecording();

    const separate = async (setup: (sim: Awaited<ReturnType<typeof backend.create>>) => Promise<void>) => {
      const sim = await backend.create(network, { recording });
      await setup(sim);
      await sim.run(30);
      return { rec: (await sim.readRecording())[0]!, weights: Array.from(await sim.readWeights(p0.name)) };
    };
    const alone = [
      await separate(async () => {}),
      await separate(async (sim) => sim.injectSpikes(source.name, extra)),
      await separate(async (sim) => sim.writeWeights(p0.name, altWeights)),
    ];
    for (let r = 0; r < 3; r++) {
      expect(recs[r], `replica ${r}`).toEqual(alone[r]!.rec);
      expect(Array.from(await together.readWeights(p0.name, r)), `replica ${r} weights`).toEqual(alone[r]!.weights);
    }
    // The replicas really differ.
    expect(recs[1]).not.toEqual(recs[0]);
    expect(Array.from(await together.readWeights(p0.name, 2))).not.toEqual(Array.from(await together.readWeights(p0.name, 0)));
    expect(together.stats().steps).toBe(30);
  });
});

describe('simulation API', () => {
  it('writes dense weights where there was no synapse, for one replica only', async () => {
    const sim = await backend.create(learningNetwork(), { replicas: 2, recording: { spikes: ['post'] } });
    await sim.writeWeights('drive_post', [0, 200, 200, 0], 1);
    expect(Array.from(await sim.readWeights('drive_post', 0))).toEqual([200, 0, 0, 200]);
    expect(Array.from(await sim.readWeights('drive_post', 1))).toEqual([0, 200, 200, 0]);
    sim.injectSpikes('drive', [[0, 0]]);
    await sim.run(2);
    const recs = await sim.readRecording();
    expect(recs.map((r) => r.spikes.post)).toEqual([[[1, 0]], [[1, 1]]]);
    expect(recs[0]!.u).toEqual({});
  });

  it('records u/v only at stateSteps, and clears recordings', async () => {
    const sim = await backend.create(learningNetwork(), { recording: { spikes: 'all', state: ['post'], stateSteps: [1, 3] } });
    sim.injectSpikes('drive', [
      [0, 0],
      [2, 1],
    ]);
    await sim.run(2);
    let rec = (await sim.readRecording())[0]!;
    expect(rec.u.post!.map((row) => Array.from(row))).toEqual([[12800, 0]]);
    sim.clearRecording();
    await sim.run(2);
    rec = (await sim.readRecording())[0]!;
    expect(rec.spikes.post).toEqual([[3, 1]]);
    expect(rec.u.post!.map((row) => Array.from(row))).toEqual([[0, 12800]]);
    expect(await sim.readState('post')).toEqual({ u: new Int32Array([0, 12800]), v: new Int32Array([0, 0]) });
  });

  it('rejects bad calls with messages naming what was wrong', async () => {
    const sim = await backend.create(learningNetwork(), { replicas: 2 });
    await sim.run(3);
    expect(() => sim.injectSpikes('pre', [[2, 0]])).toThrow(/injectSpikes 'pre': spikes\[0\] step 2 must be an integer >= the current step 3/);
    expect(() => sim.injectSpikes('pre', [[5, 1]])).toThrow(/spikes\[0\] index 1 is out of range 0\.\.0/);
    expect(() => sim.injectSpikes('post', [[5, 0]])).toThrow(/no source named 'post'/);
    expect(() => sim.injectSpikes('pre', [[5, 0]], 2)).toThrow(/replica 2 is out of range 0\.\.1/);
    await expect(sim.readWeights('nope')).rejects.toThrow(/no projection named 'nope' \(projections: drive_post, plastic\)/);
    await expect(sim.writeWeights('plastic', [1, 2, 3])).rejects.toThrow(/got 3 weights, expected 2/);
    await expect(sim.writeWeights('plastic', [1, 256])).rejects.toThrow(/weights\[1\] = 256 is out of range -256\.\.255/);
    await expect(sim.readState('pre')).rejects.toThrow(/no group named 'pre'/);
    await expect(backend.create(learningNetwork(), { recording: { spikes: ['nope'] } })).rejects.toThrow(
      /recording\.spikes\[0\] = 'nope' names no group/,
    );
    await expect(backend.create(learningNetwork(), { recording: { stateSteps: [3, 3] } })).rejects.toThrow(/stateSteps\[1\] = 3 must be greater/);
    const bad = learningNetwork();
    bad.groups[0]!.du = 5000;
    await expect(backend.create(bad)).rejects.toThrow(/groups\[0\] 'post': du = 5000 is out of range 0\.\.4095/);
  });
});

describe('weight exponent on group sums', () => {
  it('floors each (target, delay, step) sum once, also when a partial sum returns to 0', async () => {
    const u1 = async (weights: number[], delays: number | number[]): Promise<number[]> => {
      const sim = await backend.create(
        {
          groups: [{ name: 'n', size: 1, du: 4095, dv: 0, vth: 131071, biasMant: [0], biasExp: 0, refractory: 0 }],
          sources: [
            {
              name: 's',
              size: 3,
              spikes: [
                [0, 0],
                [0, 1],
                [0, 2],
              ],
            },
          ],
          projections: [
            { name: 'p', from: 's', to: 'n', weightExp: -1, numWeightBits: 8, signMode: 'mixed', synapses: { kind: 'dense', weights, delays } },
          ],
        },
        { recording: { state: 'all', stateSteps: [1, 2] } },
      );
      await sim.run(3);
      return (await sim.readRecording())[0]!.u.n!.map((row) => row[0]!);
    };
    // Quantized 2, -2, -4: the sum passes 0 and then -4, so -4 >> 1 = -2 (not 1 + -1 + -2 per synapse).
    expect(await u1([2, -2, -3], 0)).toEqual([-128, 0]);
    expect(await u1([2, -2, 3], 0)).toEqual([64, 0]);
    expect(await u1([3, 3, 3], 0)).toEqual([192, 0]); // quantized 2 each: 6 >> 1 = 3
    // Different delays are different groups: (2 - 2) >> 1 = 0 at step 1, -4 >> 1 = -2 at step 2.
    expect(await u1([2, -2, -3], [0, 0, 1])).toEqual([0, -128]);
    expect(await u1([-1, -1, 0], [0, 1, 1])).toEqual([-64, -64]); // quantized -2: -2 >> 1 = -1 in each group
  });
});

describe('trace networks', () => {
  it('count synaptic events exactly', async () => {
    const trace = await readTraceFile(`${TRACES_DIR}/fanin-dense.json`);
    const network = traceToNetwork(trace);
    const sim = await backend.create(network, { replicas: 2 });
    await sim.run(trace.steps);
    // Every source spike reaches the nonzero entries of its dense column, in both projections, for both replicas.
    let expected = 0;
    for (const p of network.projections) {
      const w = p.synapses.weights;
      const preSize = network.sources[0]!.size;
      for (const [step, pre] of network.sources[0]!.spikes!) {
        if (step >= trace.steps) continue;
        for (let i = pre; i < w.length; i += preSize) if (w[i] !== 0) expected++;
      }
    }
    expect(sim.stats().synapticEvents).toBe(2 * expected);
  });
});
