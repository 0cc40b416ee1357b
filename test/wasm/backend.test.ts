/**
 * The wasm backend beyond the random networks: inputs outside the 32-bit SIMD domain (the scalar lanes), weight
 * writes that rebuild a dense structure across worker threads, argument errors equal to the oracle's, and the
 * automatic backend choice.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import { createWasmBackend, type WasmBackendOptions, type WasmSimulation } from '../../src/backends/wasm/index.ts';
import { getBackend, selectSimulationBackend } from '../../src/backends/index.ts';
import type { Simulation } from '../../src/backends/types.ts';
import type { Network } from '../../src/network/types.ts';
import { ACTIVATION_LIMIT } from '../../src/loihi/constants.ts';
import { diffSimulations } from '../webgpu/helpers.ts';

const cpu = createCpuBackend();

async function runBoth(
  network: Network,
  replicas: number,
  steps: number,
  threads: number | WasmBackendOptions,
  between?: (sim: Simulation) => Promise<void>,
) {
  const stateSteps = Array.from({ length: steps }, (_, t) => t);
  const options = { replicas, recording: { spikes: 'all' as const, state: 'all' as const, stateSteps } };
  const expected = await cpu.create(network, options);
  const actual = await createWasmBackend(typeof threads === 'number' ? { threads } : threads).create(network, options);
  try {
    for (const sim of [expected, actual]) {
      await sim.run(steps >> 1);
      await between?.(sim);
      await sim.run(steps - (steps >> 1));
    }
    const diff = await diffSimulations(
      expected,
      actual,
      network.groups.map((g) => g.name),
      network.projections.map((p) => p.name),
    );
    return { diff, expected: expected.stats().synapticEvents, actual: actual.stats().synapticEvents, recording: await actual.readRecording() };
  } finally {
    expected.dispose();
    actual.dispose();
  }
}

function group(name: string, size: number, extra: Partial<Network['groups'][number]> = {}): Network['groups'][number] {
  return { name, size, du: 410, dv: 300, vth: 200, biasMant: new Array(size).fill(100), biasExp: 2, refractory: 2, ...extra };
}

describe('wasm backend: exact outside the SIMD domain', () => {
  it('inputs far above 2^18 (u wraps, v clips, u leaves 24 bits) match the oracle on every step', async () => {
    const pre = 700;
    const size = 6;
    // Compartments 0 and 5 get 700 * 255 << 7 per step (|A| >> 2^18), 1 gets a large negative input, 2..4 none.
    const weights = new Array(size * pre).fill(0);
    for (let j = 0; j < pre; j++) {
      weights[0 * pre + j] = 255;
      weights[5 * pre + j] = 255;
      weights[1 * pre + j] = -256;
    }
    const spikes: Array<[number, number]> = [];
    for (let t = 0; t < 40; t += 3) for (let j = 0; j < pre; j++) spikes.push([t, j]);
    const network: Network = {
      groups: [group('g', size, { du: 100, vth: 5000 })],
      sources: [{ name: 'in', size: pre, spikes }],
      projections: [
        { name: 'big', from: 'in', to: 'g', weightExp: 7, numWeightBits: 8, signMode: 'mixed', synapses: { kind: 'dense', weights, delays: 0 } },
      ],
    };
    expect(pre * 255 * 128).toBeGreaterThan(ACTIVATION_LIMIT);
    const r = await runBoth(network, 2, 60, 1);
    expect(r.diff).toBeNull();
    expect(r.actual).toBe(r.expected);
  });
});

describe('wasm backend: weights', () => {
  const dense = (): Network => {
    const pre = 9;
    const post = 7;
    const weights = Array.from({ length: pre * post }, (_, i) => (i % 3 === 0 ? 40 + (i % 50) : 0));
    return {
      groups: [group('a', pre, { biasMant: new Array(pre).fill(300) }), group('b', post)],
      sources: [],
      projections: [
        { name: 'ab', from: 'a', to: 'b', weightExp: 1, numWeightBits: 7, signMode: 'mixed', synapses: { kind: 'dense', weights, delays: 2 } },
      ],
    };
  };

  it('a write that adds synapses to one replica rebuilds the structure on every worker, as the oracle does', { timeout: 60_000 }, async () => {
    const network = dense();
    const n = 9 * 7;
    const one = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -70 + i : 0));
    const all = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)); // raw 1 quantizes to 0 with 7 bits
    const r = await runBoth(network, 3, 80, 2, async (sim) => {
      await sim.writeWeights('ab', one, 2);
      await sim.writeWeights('ab', all);
      await sim.writeWeights('ab', one, 0);
    });
    expect(r.diff).toBeNull();
    expect(r.actual).toBe(r.expected);
    expect(r.recording.length).toBe(3);
  });

  it('the same writes on one replica split by compartments over 3 threads', { timeout: 60_000 }, async () => {
    const network = dense();
    const n = 9 * 7;
    const one = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -70 + i : 0));
    const all = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const options = { threads: 3, partitionMinCompartments: 0 };
    const sim = (await createWasmBackend(options).create(network)) as WasmSimulation;
    expect(sim.layout()).toEqual({ threads: 3, split: 'compartments' });
    sim.dispose();
    const r = await runBoth(network, 1, 80, options, async (s) => {
      await s.writeWeights('ab', one, 0);
      await s.writeWeights('ab', all);
    });
    expect(r.diff).toBeNull();
    expect(r.actual).toBe(r.expected);
  });

  it('readWeights returns the stored (quantized) weights in the description layout', async () => {
    const network = dense();
    const sim = await createWasmBackend().create(network);
    const oracle = await cpu.create(network);
    expect(await sim.readWeights('ab')).toEqual(await oracle.readWeights('ab'));
    sim.dispose();
  });
});

describe("wasm backend: contract errors are the oracle's", () => {
  const network = (): Network => ({
    groups: [group('g', 5)],
    sources: [{ name: 's', size: 3 }],
    projections: [
      {
        name: 'p',
        from: 's',
        to: 'g',
        weightExp: 0,
        numWeightBits: 8,
        signMode: 'mixed',
        synapses: { kind: 'sparse', pre: [0, 1], post: [1, 2], weights: [10, 20], delays: 1 },
      },
    ],
  });

  async function errorOf(f: () => unknown): Promise<string> {
    try {
      await f();
    } catch (err) {
      return (err as Error).message;
    }
    return 'no error';
  }

  it('refuses the same calls with the same messages', async () => {
    const a = await cpu.create(network(), { replicas: 2 });
    const b = await createWasmBackend({ threads: 1 }).create(network(), { replicas: 2 });
    const calls: Array<(s: Simulation) => unknown> = [
      (s) => s.injectSpikes('nope', [[0, 0]]),
      (s) => s.injectSpikes('s', [[0, 3]]),
      (s) => s.injectSpikes('s', [[0, 0]], 2),
      (s) => s.run(-1),
      (s) => s.readWeights('q'),
      (s) => s.readWeights('p', 5),
      (s) => s.writeWeights('p', [1]),
      (s) => s.writeWeights('p', [1, 999]),
      (s) => s.readState('h'),
    ];
    for (const call of calls) {
      const expected = await errorOf(() => call(a));
      expect(expected).not.toBe('no error');
      expect(await errorOf(() => call(b))).toBe(expected);
    }
    for (const options of [{ replicas: 0 }, { recording: { spikes: ['x'] } }, { recording: { stateSteps: [3, 2] } }]) {
      const expected = await errorOf(() => cpu.create(network(), options));
      expect(await errorOf(() => createWasmBackend().create(network(), options))).toBe(expected);
    }
    const bad = network();
    bad.projections[0]!.weightExp = 9;
    expect(await errorOf(() => createWasmBackend().create(bad))).toBe(await errorOf(() => cpu.create(bad)));
    a.dispose();
    b.dispose();
  });
});

describe('backend selection', () => {
  it("getBackend('wasm') is the wasm backend", async () => {
    expect((await getBackend('wasm')).name).toBe('wasm');
  });

  it("'auto' picks webgpu only on a hardware adapter, else wasm, and says why", async () => {
    const { backend, reason } = await selectSimulationBackend('auto');
    if (backend.name === 'wasm') expect(reason).toMatch(/software fallback|no WebGPU adapter/);
    else {
      expect(backend.name).toBe('webgpu');
      expect(reason).toMatch(/hardware WebGPU adapter/);
    }
    (backend as { ctx?: { destroy(): void } }).ctx?.destroy();
    expect((await selectSimulationBackend('cpu')).backend.name).toBe('cpu');
  });
});
