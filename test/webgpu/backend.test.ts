/**
 * The WebGPU backend beyond random networks: every golden trace under each forced strategy and one step per
 * submit, the work counters, weights in and out per replica, clearRecording, more spikes in one step than a
 * dispatch dimension holds, and the errors people see.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import { createWebgpuBackend, type WebgpuBackend, type StrategyChoice } from '../../src/backends/webgpu/index.ts';
import type { Backend, SimulationOptions } from '../../src/backends/types.ts';
import type { Network } from '../../src/network/types.ts';
import { compareResults, describeMismatch, readTraceFile, runTrace, traceToNetwork } from '../../src/trace/index.ts';
import { diffSimulations, releaseGpu, testGpu } from './helpers.ts';

afterAll(releaseGpu);

import { TRACES_DIR as TRACES } from '../paths.ts';
const cpu = createCpuBackend();
const gpuBackends = new Map<string, Promise<WebgpuBackend>>();

function webgpu(strategy?: StrategyChoice): Promise<WebgpuBackend> {
  const key = JSON.stringify(strategy ?? 'auto');
  if (!gpuBackends.has(key))
    gpuBackends.set(
      key,
      testGpu().then((ctx) => createWebgpuBackend(ctx, strategy ? { strategy } : {})),
    );
  return gpuBackends.get(key)!;
}

/** A backend that adds fixed simulation options (e.g. one step per submit) to every create. */
function withOptions(backend: Backend, extra: SimulationOptions): Backend {
  return { name: backend.name, create: (network, options) => backend.create(network, { ...options, ...extra }) };
}

function denseWherePossible(network: Network): StrategyChoice {
  return Object.fromEntries(network.projections.map((p) => [p.name, p.synapses.kind === 'sparse' && p.learning ? 'csr' : 'dense']));
}

/** Two groups driven by a source: a dense and a sparse plastic projection, delays, a negative weight exponent. */
function smallNetwork(): Network {
  return {
    groups: [
      { name: 'a', size: 6, du: 3000, dv: 2000, vth: 20, biasMant: [100, 200, 300, 0, -50, 400], biasExp: 2, refractory: 1 },
      { name: 'b', size: 5, du: 4095, dv: 4096, vth: 50, biasMant: [0, 0, 10, 20, 30], biasExp: 3, refractory: 0 },
    ],
    sources: [
      {
        name: 'in',
        size: 4,
        spikes: [
          [0, 0],
          [1, 1],
          [2, 2],
          [3, 3],
          [5, 0],
          [8, 2],
        ],
      },
      { name: 'reward', size: 1 },
    ],
    projections: [
      {
        name: 'in_a',
        from: 'in',
        to: 'a',
        weightExp: 2,
        numWeightBits: 8,
        signMode: 'mixed',
        synapses: { kind: 'dense', weights: Array.from({ length: 24 }, (_, i) => ((i * 37) % 200) - 40), delays: 1 },
      },
      {
        name: 'a_b',
        from: 'a',
        to: 'b',
        weightExp: -1,
        numWeightBits: 7,
        signMode: 'mixed',
        synapses: {
          kind: 'sparse',
          pre: [0, 1, 2, 3, 4, 5, 0, 2],
          post: [0, 1, 2, 3, 4, 0, 4, 1],
          weights: [90, -40, 120, 60, 30, 200, -7, 15],
          delays: [0, 1, 2, 3, 0, 5, 6, 2],
        },
        learning: { dw: '4*x0*y0*r1 - 2*x0*y0', reward: 'reward', wMin: -256, wMax: 254 },
      },
      {
        name: 'b_a',
        from: 'b',
        to: 'a',
        weightExp: 0,
        numWeightBits: 8,
        signMode: 'inhibitory',
        synapses: { kind: 'dense', weights: Array.from({ length: 30 }, (_, i) => -((i * 13) % 90)), delays: 0 },
        learning: { dw: '1*y0 - 1*x0' },
      },
    ],
  };
}

describe('golden traces on every strategy and submit size', () => {
  const files = readdirSync(TRACES)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it.each([
    ['csr everywhere, 1 step per submit', 'csr' as const, 1],
    ['dense wherever exact, 5 steps per submit', 'dense-where-possible' as const, 5],
    ['automatic, 1000 steps per submit', undefined, 1000],
  ])('%s', async (_label, strategy, stepsPerSubmit) => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) {
      const trace = await readTraceFile(join(TRACES, file));
      const choice = strategy === 'dense-where-possible' ? denseWherePossible(traceToNetwork(trace)) : strategy;
      // A per-projection choice is specific to one trace, so make a backend for it.
      const backend = typeof choice === 'object' ? await createWebgpuBackend(await testGpu(), { strategy: choice }) : await webgpu(choice);
      const result = await runTrace(trace, withOptions(backend, { stepsPerSubmit }));
      const mismatch = compareResults(trace, trace.expected!, result);
      expect(mismatch && `${file}: ${describeMismatch(mismatch)}`).toBeUndefined();
    }
  });
});

describe('work counters', () => {
  it('counts 2 dispatches per step (3 with full-scan learning) and one submit per chunk', async () => {
    const net = smallNetwork();
    const plain: Network = { ...net, projections: net.projections.slice(0, 1) };
    const sim = await (await webgpu()).create(plain, { stepsPerSubmit: 16 });
    await sim.run(40);
    expect(sim.stats()).toMatchObject({ steps: 40, dispatches: 80, submits: 3, readbacks: 1 });
    sim.dispose();
    const learning = await (await webgpu()).create(net, { stepsPerSubmit: 64 });
    await learning.run(10);
    await learning.run(10);
    expect(learning.stats()).toMatchObject({ steps: 20, dispatches: 60, submits: 2, readbacks: 2 });
    learning.dispose();
  });
});

describe('weights, replicas and recording against the CPU', () => {
  it('per-replica writeWeights, injected inputs, learning and clearRecording agree with the oracle', async () => {
    const net = smallNetwork();
    const options: SimulationOptions = {
      replicas: 3,
      recording: { spikes: 'all', state: ['a', 'b'], stateSteps: [0, 3, 7, 20, 33, 49, 60] },
      stepsPerSubmit: 8,
    };
    const gpu = await (await webgpu()).create(net, options);
    const ref = await cpu.create(net, options);
    const inW = Array.from({ length: 24 }, (_, i) => ((i * 53) % 255) - 100);
    const abW = [255, 254, -256, -255, 3, -3, 1, -1];
    for (const sim of [gpu, ref]) {
      await sim.writeWeights('in_a', inW, 1);
      await sim.writeWeights('a_b', abW, 2);
      sim.injectSpikes(
        'in',
        [
          [10, 3],
          [11, 2],
          [12, 1],
        ],
        1,
      );
      sim.injectSpikes('in', [
        [15, 0],
        [16, 0],
        [17, 0],
        [25, 1],
      ]);
      sim.injectSpikes(
        'reward',
        [
          [4, 0],
          [9, 0],
          [18, 0],
          [30, 0],
        ],
        2,
      );
      sim.injectSpikes('reward', [
        [6, 0],
        [21, 0],
      ]);
      await sim.run(21);
      sim.clearRecording();
      await sim.run(29);
    }
    expect(await gpu.readWeights('in_a', 1)).toEqual(await ref.readWeights('in_a', 1));
    expect(Array.from(await gpu.readWeights('in_a', 0))).not.toEqual(Array.from(await gpu.readWeights('in_a', 1)));
    expect(await diffSimulations(ref, gpu, ['a', 'b'], ['in_a', 'a_b', 'b_a'])).toBeNull();
    const rec = await gpu.readRecording();
    // After the clear only steps >= 21 remain: state rows of 33 and 49.
    expect(rec[0]!.u.a!.length).toBe(2);
    expect(rec[0]!.spikes.a!.every(([t]) => t >= 21)).toBe(true);
    expect(gpu.stats().synapticEvents).toBe(ref.stats().synapticEvents);
    expect(gpu.stats().synapticEvents).toBeGreaterThan(0);
    gpu.dispose();
    ref.dispose();
  });
});

describe('large steps', () => {
  it('delivers more spikes in one step than one dispatch dimension has workgroups (65,535)', async () => {
    const size = 70_000;
    const pre = Array.from({ length: size }, (_, i) => i);
    const net: Network = {
      groups: [{ name: 'sum', size: 7, du: 4095, dv: 4096, vth: 131071, biasMant: new Array(7).fill(0), biasExp: 0, refractory: 0 }],
      sources: [
        {
          name: 'burst',
          size,
          spikes: [...pre.map((i): [number, number] => [0, i]), ...pre.filter((i) => i % 3 === 0).map((i): [number, number] => [1, i])],
        },
      ],
      projections: [
        {
          name: 'p',
          from: 'burst',
          to: 'sum',
          weightExp: 0,
          numWeightBits: 8,
          signMode: 'mixed',
          synapses: { kind: 'sparse', pre, post: pre.map((i) => i % 7), weights: pre.map((i) => (i % 2 ? 2 : -4)), delays: 0 },
        },
      ],
    };
    const options: SimulationOptions = { recording: { state: 'all', stateSteps: [1, 2] } };
    // One spike per workgroup, so 70,000 spikes need more than 65,535 workgroups; workgroups of 4 threads keep
    // that cheap on a software adapter (rows have one synapse).
    const small = await createWebgpuBackend(await testGpu(), { workgroupSize: 4, spikeLanes: 4 });
    const [gpu, ref] = [await small.create(net, options), await cpu.create(net, options)];
    await gpu.run(3);
    await ref.run(3);
    expect(await diffSimulations(ref, gpu, ['sum'], ['p'])).toBeNull();
    expect(gpu.stats().synapticEvents).toBe(size + Math.ceil(size / 3));
    gpu.dispose();
    ref.dispose();
  });
});

describe('errors name what is wrong', () => {
  it('rejects bad options, injections and names', async () => {
    const backend = await webgpu();
    const net = smallNetwork();
    await expect(backend.create(net, { stepsPerSubmit: 0 })).rejects.toThrow(/stepsPerSubmit = 0/);
    await expect(backend.create(net, { recording: { spikes: ['nope'] } })).rejects.toThrow(/recording.spikes\[0\] = 'nope' names no group/);
    await expect(createWebgpuBackend(await testGpu(), { strategy: 'dense' }).then((b) => b.create(net))).rejects.toThrow(
      /projection 'a_b': the dense strategy cannot represent it/,
    );
    await expect(createWebgpuBackend(await testGpu(), { spikeLanes: 3 }).then((b) => b.create(net))).rejects.toThrow(
      /spikeLanes = 3 must be a power of two from 1 to the workgroup size 64/,
    );
    // 400,000 replicas of 1,000 compartments need gigabytes: refused before any buffer is made.
    const big: Network = {
      groups: [{ name: 'g', size: 1000, du: 0, dv: 0, vth: 0, biasMant: new Array(1000).fill(0), biasExp: 0, refractory: 0 }],
      sources: [],
      projections: [],
    };
    await expect(backend.create(big, { replicas: 400_000 })).rejects.toThrow(
      /WebGPU buffer '\w+' needs \d+ bytes, more than this device binds \(\d+\)/,
    );
    const sim = await backend.create(net, { replicas: 2 });
    expect(() => sim.injectSpikes('in', [[0, 4]])).toThrow(/index 4 is out of range 0..3/);
    expect(() => sim.injectSpikes('nope', [])).toThrow(/no source named 'nope'/);
    await sim.run(2);
    expect(() => sim.injectSpikes('in', [[1, 0]])).toThrow(/step 1 must be an integer >= the current step 2/);
    await expect(sim.readWeights('a_b', 2)).rejects.toThrow(/replica 2 is out of range 0..1/);
    await expect(sim.writeWeights('in_a', [1, 2])).rejects.toThrow(/got 2 weights, expected 24/);
    await expect(sim.readState('in')).rejects.toThrow(/no group named 'in'/);
    sim.dispose();
  });
});
