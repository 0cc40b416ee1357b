import { describe, expect, it } from 'vitest';
import { encodeWeight, effectiveWeight } from '../../src/gating/encoding.ts';
import { GATING_WEIGHTS, gatedGroup, gateGroup, oneToAll, oneToOne } from '../../src/gating/connections.ts';

describe('gating weight encodings (nbp-circuit.md §4)', () => {
  it.each([
    [520, 130, 2, 'excitatory'],
    [-520, -130, 2, 'inhibitory'],
    [8704, 136, 6, 'excitatory'],
    [512, 128, 2, 'excitatory'],
    [8192, 128, 6, 'excitatory'],
    [-8128, -254, 5, 'inhibitory'],
    [9280, 145, 6, 'excitatory'],
  ])('%i = mant %i << %i (%s)', (weight, mant, exp, signMode) => {
    const enc = encodeWeight(weight);
    expect(enc).toEqual({ mant, exp, signMode, numWeightBits: 8 });
    expect(effectiveWeight(enc)).toBe(weight);
  });

  it('rejects weights with no exact encoding and zero', () => {
    expect(() => encodeWeight(8705)).toThrow(/no exact/);
    expect(() => encodeWeight(0)).toThrow(/non-zero/);
    expect(() => encodeWeight(1.5)).toThrow(/integer/);
  });

  it('gating levels are the authors’ values', () => {
    expect(GATING_WEIGHTS).toEqual({
      gate: 8704,
      halfGate: 512,
      biasCancel: 8192,
      inhibit: -8128,
      ring: 9280,
      relay: 520,
      relayInhibit: -520,
    });
  });

  it('gated units sit at −8192·64 with threshold 1024·64; gates have no bias', () => {
    const g = gatedGroup('h', 3, 1);
    expect(Array.from(g.biasMant).map((b) => b * 2 ** g.biasExp)).toEqual([-8192 * 64, -8192 * 64, -8192 * 64]);
    expect([g.du, g.dv, g.vth, g.refractory]).toEqual([4095, 4096, 1024, 1]);
    const gate = gateGroup('g00');
    expect([gate.size, gate.biasMant[0], gate.refractory, gate.vth]).toEqual([1, 0, 0, 1024]);
  });

  it('1:all is a dense column, 1:1 a sparse diagonal', () => {
    const a = oneToAll('a', 'g01', 'x', 5, 8704, 0);
    expect(a.synapses.kind).toBe('dense');
    expect(Array.from(a.synapses.weights)).toEqual([136, 136, 136, 136, 136]);
    expect([a.weightExp, a.signMode]).toEqual([6, 'excitatory']);
    const o = oneToOne('o', 'x', 'm', 4, -520, 3);
    if (o.synapses.kind !== 'sparse') throw new Error('expected sparse');
    expect(Array.from(o.synapses.pre)).toEqual([0, 1, 2, 3]);
    expect(Array.from(o.synapses.post)).toEqual([0, 1, 2, 3]);
    expect(Array.from(o.synapses.weights)).toEqual([-130, -130, -130, -130]);
    expect([o.weightExp, o.signMode, o.synapses.delays]).toEqual([2, 'inhibitory', 3]);
  });
});
