import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNir, writeNir } from '../../src/nir/graph.ts';
import { importNir, type NirNetwork } from '../../src/nir/import.ts';
import { exportNir } from '../../src/nir/export.ts';
import { FIXTURE_NAMES, fixture, plain } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'synfire-nir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A description using everything the extension must keep: sparse synapses, per-synapse delays, refractory,
 * initial state, built-in source spikes, a learning rule, every sign mode, dv = 0, du = 4095 and vth = 0. */
function richNetwork(): NirNetwork {
  return {
    groups: [
      {
        name: 'h',
        size: 3,
        du: 100,
        dv: 0,
        vth: 12,
        biasMant: [5, -7, 0],
        biasExp: 3,
        refractory: 2,
        uInit: [1, -2, 8388608],
        vInit: [0, -8388607, 3],
      },
      { name: 'o', size: 2, du: 4095, dv: 4096, vth: 0, biasMant: [0, 4095], biasExp: 7, refractory: 0 },
      { name: 'z', size: 1, du: 0, dv: 1, vth: 131071, biasMant: [-4096], biasExp: 0, refractory: 63 },
    ],
    sources: [
      {
        name: 'x',
        size: 4,
        spikes: [
          [0, 1],
          [3, 3],
          [7, 0],
        ],
      },
      { name: 'reward', size: 1 },
    ],
    projections: [
      {
        name: 'x_h',
        from: 'x',
        to: 'h',
        weightExp: -3,
        numWeightBits: 6,
        signMode: 'mixed',
        synapses: { kind: 'dense', weights: [1, -256, 255, 0, 3, 4, 5, 6, -1, -2, -3, -4], delays: [0, 1, 2, 3, 63, 0, 0, 0, 1, 1, 1, 1] },
      },
      {
        name: 'h_o',
        from: 'h',
        to: 'o',
        weightExp: 7,
        numWeightBits: 8,
        signMode: 'excitatory',
        synapses: { kind: 'sparse', pre: [0, 2, 1], post: [1, 0, 0], weights: [255, 1, 17], delays: 4 },
      },
      {
        name: 'h_h',
        from: 'h',
        to: 'h',
        weightExp: 0,
        numWeightBits: 3,
        signMode: 'inhibitory',
        synapses: { kind: 'dense', weights: [0, -5, -255, -1, 0, -9, -100, -200, 0], delays: 0 },
      },
      {
        name: 'x_o',
        from: 'x',
        to: 'o',
        weightExp: 2,
        numWeightBits: 8,
        signMode: 'mixed',
        synapses: { kind: 'dense', weights: [2, 4, 6, 8, -2, -4, -6, -8], delays: 2 },
        learning: { dw: '4*x0*y0*r1 - 2*x0*y0', reward: 'reward', wMin: -100, wMax: 100 },
      },
      {
        name: 'o_z',
        from: 'o',
        to: 'z',
        weightExp: 0,
        numWeightBits: 8,
        signMode: 'mixed',
        synapses: { kind: 'dense', weights: [10, 20], delays: 0 },
      },
    ],
    meta: { dt: 0.001 },
  };
}

function withoutMeta(n: NirNetwork): unknown {
  const { meta: _meta, ...rest } = plain(n);
  return rest;
}

describe('NIR round trips', () => {
  it('description -> export-nir -> import-nir gives the identical description (integer extension)', async () => {
    const network = richNetwork();
    const { graph, notes } = exportNir(network);
    // What NIR cannot express is named.
    for (const what of ['refractory = 2', 'learning rule', 'built-in spikes', 'initial u/v', 'dv = 0', 'vth = 0', 'vary across targets']) {
      expect(
        notes.some((n) => n.includes(what)),
        what,
      ).toBe(true);
    }
    const file = join(dir, 'rich.nir');
    await writeNir(file, graph);
    const back = importNir(await readNir(file), { file });
    expect(back.report.exact).toBe(true);
    expect(back.report.errors).toEqual([]);
    expect(withoutMeta(back.network)).toEqual(withoutMeta(network));
    expect(back.network.meta?.dt).toBe(0.001);
  });

  it('round-trips a description without groups or edges', async () => {
    const network: NirNetwork = { groups: [], sources: [{ name: 's', size: 2 }], projections: [] };
    const file = join(dir, 'empty.nir');
    await writeNir(file, exportNir(network).graph);
    const g = await readNir(file);
    expect(g.edges).toEqual([]);
    expect(withoutMeta(importNir(g).network)).toEqual(network);
  });

  it('writes standard NIR nodes beside the extension', async () => {
    const file = join(dir, 'rich2.nir');
    await writeNir(file, exportNir(richNetwork()).graph);
    const g = await readNir(file);
    expect(g.nodes.get('h')!.type).toBe('CubaLIF');
    expect(g.nodes.get('o')!.type).toBe('LIF'); // du = 4095: no synaptic filter
    expect(g.nodes.get('x')!.type).toBe('Input');
    expect(g.nodes.get('h_o')!.type).toBe('Linear');
    expect((g.nodes.get('h_o')!.params.get('weight') as { shape: number[] }).shape).toEqual([2, 3]);
    // A delay uniform per source neuron becomes a Delay node (4 steps of 1 ms).
    expect(g.nodes.get('h_o.delay')!.type).toBe('Delay');
    expect(Array.from((g.nodes.get('h_o.delay')!.params.get('delay') as { data: Float64Array }).data)).toEqual([0.004, 0.004, 0.004]);
    expect(g.edges).toEqual(
      expect.arrayContaining([
        ['h', 'h_o.delay'],
        ['h_o.delay', 'h_o'],
        ['h_o', 'o'],
        ['z', 'z.output'],
      ]),
    );
    const tauSyn = (g.nodes.get('h')!.params.get('tau_syn') as { data: Float64Array }).data[0]!;
    expect(tauSyn).toBeCloseTo((0.001 * 4096) / 101, 12);
  });

  for (const name of FIXTURE_NAMES.filter((n) => n !== 'cnn_sinabs.nir')) {
    it(`${name}: import -> export -> import is stable, with and without the extension`, async () => {
      const first = importNir(await readNir(fixture(name)), { dt: 1e-4, file: name });
      const file = join(dir, `rt-${name}`);
      await writeNir(file, exportNir(first.network).graph);
      const exact = importNir(await readNir(file), { file });
      expect(withoutMeta(exact.network)).toEqual(withoutMeta(first.network));
      // The float parameters alone (the inverse mapping) quantize back to the same integers.
      const floats = importNir(await readNir(file), { file, dt: 1e-4, useExtension: false });
      expect(withoutMeta(floats.network)).toEqual(withoutMeta(first.network));
      // And once more through a second export.
      const file2 = join(dir, `rt2-${name}`);
      await writeNir(file2, exportNir(floats.network).graph);
      expect(withoutMeta(importNir(await readNir(file2)).network)).toEqual(withoutMeta(first.network));
    });
  }
});
