import { describe, expect, it } from 'vitest';
import { readNir } from '../../src/nir/graph.ts';
import { importNir, type NirNetwork, REFUSED_NIR_TYPES, SUPPORTED_NIR_TYPES } from '../../src/nir/import.ts';
import { NirError } from '../../src/nir/graph.ts';
import { validateNetwork } from '../../src/network/validate.ts';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import { arr, fixture, graph, node } from './helpers.ts';

/** Spike times of every group of a network on the CPU oracle, with `inputs` injected. */
async function cpuSpikes(
  network: NirNetwork,
  steps: number,
  inputs: Record<string, Array<[number, number]>> = {},
): Promise<Record<string, Array<[number, number]>>> {
  const sim = await createCpuBackend().create(network, { recording: { spikes: 'all' } });
  for (const [s, list] of Object.entries(inputs)) sim.injectSpikes(s, list);
  await sim.run(steps);
  const [rec] = await sim.readRecording();
  sim.dispose();
  return rec!.spikes;
}

/** NIR's LIF in forward Euler (float64): v += dt/tau (v_leak - v + r I); spike when v > v_threshold; reset to 0. */
function eulerLif(tau: number, r: number, vLeak: number, vTh: number, dt: number, current: (t: number) => number, steps: number): number[] {
  const times: number[] = [];
  let v = 0;
  for (let t = 0; t < steps; t++) {
    v += (dt / tau) * (vLeak - v + r * current(t));
    if (v > vTh) {
      times.push(t);
      v = 0;
    }
  }
  return times;
}

describe('import-nir on published NIR graphs', () => {
  it('imports the Norse LIF example and spikes like NIR forward Euler, one step later', async () => {
    const g = await readNir(fixture('lif_norse.nir'));
    expect(g.version).toBe('0.1.1');
    const { network, report } = importNir(g, { dt: 1e-4, file: 'lif_norse.nir' });
    expect(network.sources).toEqual([{ name: 'input', size: 1 }]);
    expect(network.groups).toHaveLength(1);
    const lif = network.groups[0]!;
    // tau = 0.0025 s: dv = round(4096 * 1e-4 / 0.0025) = 164; LIF has no synaptic filter (du = 4095).
    expect(lif).toMatchObject({ name: '1', size: 1, du: 4095, dv: 164, vth: 8192, refractory: 0 });
    expect(network.projections.map((p) => [p.name, p.from, p.to])).toEqual([['0', 'input', '1']]);
    expect(network.meta?.outputs).toEqual({ output: '1' });
    // Every parameter is reported; the weight error is below 1/127 of the weight.
    const params = report.errors.map((e) => `${e.node}:${e.param.split(' ')[0]}`);
    expect(params).toEqual(expect.arrayContaining(['1:dt/tau', '1:v_threshold', '0:weight', '1:bias']));
    for (const e of report.errors) expect(e.maxRel).toBeLessThan(1 / 127);

    const steps = 400;
    const input = Array.from({ length: 200 }, (_, t) => [t, 0] as [number, number]);
    const spikes = await cpuSpikes(network, steps, { input });
    const expected = eulerLif(0.0025, 1, 0, 0.1, 1e-4, (t) => (t < 200 ? 1 : 0), steps).map((t) => t + 1);
    expect(expected.length).toBeGreaterThan(10);
    expect(spikes['1']!.map(([t]) => t)).toEqual(expected);
  });

  it('imports the two-LIF debug graph: the bias-driven neuron fires with the Euler period', async () => {
    const { network, report } = importNir(await readNir(fixture('two_lif_neurons.nir')), { dt: 1e-4 });
    expect(network.groups.map((g) => [g.name, g.dv])).toEqual([
      ['lif1', 41],
      ['lif2', 41],
    ]);
    expect(network.projections.map((p) => `${p.from}->${p.to}`)).toEqual(['in->lif1', 'lif1->lif2']);
    expect(report.errors.find((e) => e.node === 'lif1' && e.param.startsWith('bias'))!.maxRel).toBeLessThan(1e-3);
    const steps = 3000;
    const got = (await cpuSpikes(network, steps)).lif1!.map(([t]) => t);
    const expected = eulerLif(0.01, 1, 1.2, 1, 1e-4, () => 0, steps);
    expect(expected.length).toBeGreaterThan(10);
    // dv = 41 stands for dt/tau = 0.01001 and Loihi truncates v toward zero: the period may differ by one step.
    expect(got.length).toBeGreaterThanOrEqual(expected.length - 1);
    expect(got.length).toBeLessThanOrEqual(expected.length + 1);
    for (let k = 1; k < Math.min(got.length, expected.length); k++)
      expect(Math.abs(got[k]! - got[k - 1]! - (expected[k]! - expected[k - 1]!))).toBeLessThanOrEqual(1);
  });

  it('imports the Rockpool LIF example', async () => {
    const { network } = importNir(await readNir(fixture('lif_rockpool.nir')), { dt: 1e-4 });
    expect(network.groups.map((g) => g.name)).toEqual(['1_LIFNeuronTorch']);
    expect(network.projections[0]).toMatchObject({ name: '0_LinearTorch', from: 'input', to: '1_LIFNeuronTorch' });
  });

  for (const [file, hidden] of [
    ['braille_noDelay_bias_zero.nir', 38],
    ['braille_noDelay_noBias_subtract.nir', 40],
  ] as const) {
    it(`imports the recurrent CubaLIF Braille network ${file}`, async () => {
      const g = await readNir(fixture(file));
      const { network, report } = importNir(g, { dt: 1e-4, file });
      validateNetwork(network);
      expect(network.sources).toEqual([{ name: 'input', size: 12 }]);
      expect(network.groups.map((x) => [x.name, x.size])).toEqual([
        ['lif1.lif', hidden],
        ['lif2', 7],
      ]);
      expect(network.projections.map((p) => `${p.name}:${p.from}->${p.to}`).sort()).toEqual(
        ['fc1:input->lif1.lif', 'fc2:lif1.lif->lif2', 'lif1.w_rec:lif1.lif->lif1.lif'].sort(),
      );
      // du and dv from the file's own time constants.
      for (const group of network.groups) {
        const n = g.nodes.get(group.name)!;
        const tauSyn = (n.params.get('tau_syn') as { data: Float64Array }).data[0]!;
        const tauMem = (n.params.get('tau_mem') as { data: Float64Array }).data[0]!;
        expect(group.du).toBe(Math.round((4096 * 1e-4) / tauSyn) - 1);
        expect(group.dv).toBe(Math.round((4096 * 1e-4) / tauMem));
      }
      const weights = report.errors.filter((e) => e.param.startsWith('weight'));
      expect(weights).toHaveLength(3);
      for (const e of report.errors) expect(e.maxRel, `${e.node} ${e.param}`).toBeLessThan(1 / 127);
      // It runs and spikes when driven.
      const input = Array.from({ length: 100 }, (_, t) => [t, t % 12] as [number, number]);
      const spikes = await cpuSpikes(network, 100, { input });
      expect(spikes['lif1.lif']!.length).toBeGreaterThan(0);
    });
  }

  it('refuses the sinabs CNN, naming the node and its type', async () => {
    const g = await readNir(fixture('cnn_sinabs.nir'));
    expect(() => importNir(g, { file: 'cnn_sinabs.nir' })).toThrow(/node '0' has NIR type 'Conv2d', which synfire does not support/);
  });
});

describe('import-nir refuses what it cannot map', () => {
  const lif = (n: number, extra: Record<string, ReturnType<typeof arr>> = {}) =>
    node('LIF', {
      tau: arr(Array(n).fill(0.01)),
      r: arr(Array(n).fill(1)),
      v_leak: arr(Array(n).fill(0)),
      v_threshold: arr(Array(n).fill(1)),
      ...extra,
    });
  const base = (n: ReturnType<typeof node>) =>
    graph({ in: node('Input', { shape: arr([2]) }), w: node('Linear', { weight: arr([1, 0, 0, 1], [2, 2]) }), l: n }, [
      ['in', 'w'],
      ['w', 'l'],
    ]);

  it('lists the supported and refused primitives', () => {
    expect(SUPPORTED_NIR_TYPES).toEqual(['Input', 'Output', 'CubaLIF', 'LIF', 'Affine', 'Linear', 'Delay']);
    for (const t of ['Conv1d', 'Conv2d', 'SumPool2d', 'Flatten', 'Scale', 'Threshold', 'IF', 'I', 'LI', 'CubaLI', 'NIRGraph'])
      expect(REFUSED_NIR_TYPES[t]).toBeTruthy();
  });

  for (const type of ['IF', 'Scale', 'Flatten', 'LI', 'CubaLI', 'Threshold', 'SumPool2d', 'NIRGraph', 'Mystery']) {
    it(`refuses ${type} with the node name`, () => {
      const g = graph({ in: node('Input', { shape: arr([2]) }), x: node(type, {}), l: lif(2) }, [
        ['in', 'x'],
        ['x', 'l'],
      ]);
      expect(() => importNir(g)).toThrow(new RegExp(`node 'x' has NIR type '${type}'`));
    });
  }

  it('refuses a nonzero v_reset, a non-positive threshold, mixed time constants and bad shapes', () => {
    expect(() => importNir(base(lif(2, { v_reset: arr([0, 0.5]) })))).toThrow(/node 'l' \(LIF\): v_reset\[1\] = 0.5/);
    expect(() => importNir(base(lif(2, { v_threshold: arr([1, 0]) })))).toThrow(/v_threshold\[1\] = 0 must be > 0/);
    expect(() => importNir(base(lif(2, { tau: arr([0.01, 0.02]) })), { dt: 1e-3 })).toThrow(/node 'l' \(LIF\): tau differs across neurons/);
    const badW = graph({ in: node('Input', { shape: arr([3]) }), w: node('Linear', { weight: arr([1, 0, 0, 1], [2, 2]) }), l: lif(2) }, [
      ['in', 'w'],
      ['w', 'l'],
    ]);
    expect(() => importNir(badW)).toThrow(/node 'w' \(Linear\): weight has shape \[2,2\], expected \[2, 3\]/);
    const chain = graph(
      {
        in: node('Input', { shape: arr([2]) }),
        a: node('Linear', { weight: arr([1, 0, 0, 1], [2, 2]) }),
        b: node('Linear', { weight: arr([1, 0, 0, 1], [2, 2]) }),
        l: lif(2),
      },
      [
        ['in', 'a'],
        ['a', 'b'],
        ['b', 'l'],
      ],
    );
    expect(() => importNir(chain)).toThrow(/node 'b' \(Linear\) follows weight node 'a'/);
    const missing = graph(
      {
        in: node('Input', { shape: arr([2]) }),
        w: node('Linear', { weight: arr([1, 0, 0, 1], [2, 2]) }),
        l: node('LIF', { tau: arr([1, 1]), r: arr([1, 1]), v_leak: arr([0, 0]) }),
      },
      [
        ['in', 'w'],
        ['w', 'l'],
      ],
    );
    expect(() => importNir(missing)).toThrow(/node 'l' \(LIF\): missing parameter 'v_threshold'/);
    expect(() => importNir(graph({ in: node('Input', { shape: arr([2]) }) }, []))).toThrow(/no CubaLIF or LIF node/);
    expect(() => importNir(base(lif(2)), { dt: 0 })).toThrow(NirError);
  });

  it('refuses an Output fed by a weight node and an HDF5 file that is not NIR', async () => {
    const g = graph(
      {
        in: node('Input', { shape: arr([2]) }),
        w: node('Linear', { weight: arr([1, 0, 0, 1], [2, 2]) }),
        l: lif(2),
        out: node('Output', { shape: arr([2]) }),
      },
      [
        ['in', 'w'],
        ['w', 'l'],
        ['w', 'out'],
      ],
    );
    expect(() => importNir(g)).toThrow(/node 'out' \(Output\) is fed by 'w' \(Linear\)/);
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { writeHdf5, group, str } = await import('../../src/nir/hdf5.ts');
    const dir = mkdtempSync(join(tmpdir(), 'synfire-nir-h5-'));
    try {
      await writeHdf5(join(dir, 'plain.h5'), group([['version', str('x')]]));
      await expect(readNir(join(dir, 'plain.h5'))).rejects.toThrow(/plain.h5: not a NIR file \(no root group 'node'\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps Delay nodes to synaptic delays and reports their rounding', () => {
    const g = graph(
      {
        in: node('Input', { shape: arr([2]) }),
        d: node('Delay', { delay: arr([0.003, 0.0051]) }),
        w: node('Linear', { weight: arr([1, 0, 0, 1], [2, 2]) }),
        l: lif(2),
      },
      [
        ['in', 'd'],
        ['d', 'w'],
        ['w', 'l'],
      ],
    );
    const { network, report } = importNir(g, { dt: 1e-3 });
    expect(network.projections[0]!.synapses.delays).toEqual([3, 5, 3, 5]);
    const d = report.errors.find((e) => e.param === 'delay (s)')!;
    expect(d.maxAbs).toBeCloseTo(1e-4, 10);
    const tooLong = graph({ ...Object.fromEntries(g.nodes), d: node('Delay', { delay: arr([0.1, 0.1]) }) }, g.edges);
    expect(() => importNir(tooLong, { dt: 1e-3 })).toThrow(/is 0.1 s = 100 steps; synfire delays are 0..63 steps/);
  });

  it('clamps dt/tau > 1 with a note and lowers vth when weights would clip', () => {
    const { network, report } = importNir(base(lif(2)), { dt: 1 });
    expect(network.groups[0]!.dv).toBe(4096);
    expect(report.notes.some((n) => n.includes('dt/tau = 100 > 1'))).toBe(true);
    const strong = graph({ in: node('Input', { shape: arr([2]) }), w: node('Linear', { weight: arr([50, 0, 0, -50], [2, 2]) }), l: lif(2) }, [
      ['in', 'w'],
      ['w', 'l'],
    ]);
    const { network: n2, report: r2 } = importNir(strong, { dt: 1e-3 });
    expect(n2.groups[0]!.vth).toBeLessThan(8192);
    expect(r2.errors.find((e) => e.param.startsWith('weight'))!.maxRel).toBeLessThan(1 / 127);
  });
});
