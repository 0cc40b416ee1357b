import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildInferenceCircuit, buildTrainingCircuit, synapseCount, TRAINING_PLASTIC, NBP_LEARNING_RULE } from '../../src/nbp/circuit/network.ts';
import {
  CONNECTION_TYPES,
  INFERENCE_CONNECTIONS,
  TRAINING_CONNECTIONS,
  TRAINING_POPULATIONS,
  INFERENCE_POPULATIONS,
} from '../../src/nbp/circuit/topology.ts';
import { MARGIN_WINDOWS, gateInputAt } from '../../src/nbp/circuit/margins.ts';
import { w1FromCircuit, w2FromCircuit } from '../../src/nbp/circuit/weights.ts';
import type { NbpWeights } from '../../src/nbp/types.ts';
import type { Projection } from '../../src/network/types.ts';
import { intStream } from '../../src/util/random.ts';

const authors = JSON.parse(readFileSync(new URL('./fixtures/authors-topology.json', import.meta.url), 'utf8')) as {
  training: [string, string, string][];
  inference: [string, string, string][];
  layers: Record<string, [string, string]>;
};
const shape = { nIn: 400, nHid: 400, nOut: 10 };

/** Deterministic even weights in [-256, 254], zeros included. */
function weights(seed: number): NbpWeights {
  const int = intStream(seed);
  const next = (): number => int(0, 255) * 2 - 256;
  const m = (n: number) => Int32Array.from({ length: n }, next);
  const W2 = m(4000);
  return { W1: m(160000), W2, P: W2.slice(), M: W2.map((w) => Math.min(254, -w)) };
}

const sorted = (list: readonly (readonly string[])[]) => list.map((c) => c.join(' ')).sort();

describe('nBP circuit tables', () => {
  it('the 102 training and 11 inference connections are exactly the authors’ (as multisets)', () => {
    expect(TRAINING_CONNECTIONS).toHaveLength(102);
    expect(sorted(TRAINING_CONNECTIONS)).toEqual(sorted(authors.training));
    expect(sorted(INFERENCE_CONNECTIONS)).toEqual(sorted(authors.inference));
  });

  it('the 27 populations and their neuron kinds match the authors’ layers', () => {
    const kind = { plain: 'n_sfc', learning: 'n_sfl', learningNoRefractory: 'n_sfl_nr', gate: 'n_gat' } as const;
    const layer = { in: 'in', hid: 'hid', out: 'out', gate: 'gat' } as const;
    const ours = Object.fromEntries(TRAINING_POPULATIONS.map((p) => [p.name, [layer[p.layer], kind[p.neuron]]]));
    const theirs = Object.fromEntries(Object.entries(authors.layers).filter(([, v]) => v[1] !== 'n_inp'));
    expect(ours).toEqual(theirs);
  });

  it('duplicate pairs exist with different types (nbp-circuit.md §3)', () => {
    const pairs = new Map<string, string[]>();
    for (const [a, b, t] of TRAINING_CONNECTIONS) pairs.set(`${a}>${b}`, [...(pairs.get(`${a}>${b}`) ?? []), t]);
    const dup = Object.fromEntries([...pairs].filter(([, t]) => t.length > 1).map(([k, t]) => [k, t.sort()]));
    expect(dup).toEqual({
      'g02>h1_copy': ['g', 'gm05'],
      'g03>o_copy': ['g', 'gm05'],
      'g06>h1T': ['g', 'gm05'],
      'g10>h1T': ['g', 'gm05'],
      'm_h1>h1': ['1e_d1', '1e_d5'],
      'm_h1>h1T': ['1e_d1', '1e_d5'],
      'm_x6>x': ['1e', '1e_d4'],
      'c_h1>h1': ['g1', 'g1_d4'],
      'c_h1>h1_copy': ['g1', 'g1_d4'],
      'c_h1>h1_copy2': ['g1', 'g1_d4'],
    });
    const delays = new Set(TRAINING_CONNECTIONS.map(([, , t]) => CONNECTION_TYPES[t]!.delay));
    expect([...delays].sort()).toEqual([0, 1, 3, 4, 5]);
  });
});

describe('training circuit (400-400-10)', () => {
  const w = weights(7);
  const { network, clock } = buildTrainingCircuit(shape, w);
  const byName = new Map(network.projections.map((p) => [p.name, p]));

  it('has 27 groups, 3,282 neurons, 4 sources, 102 projections, 517,203 synapses of which 500,000 plastic', () => {
    expect(network.groups).toHaveLength(27);
    expect(network.groups.reduce((a, g) => a + g.size, 0)).toBe(3282);
    expect(network.sources.map((s) => [s.name, s.size])).toEqual([
      ['input', 400],
      ['in_tgt', 10],
      ['in_g', 1],
      ['reward', 1],
    ]);
    expect(network.projections).toHaveLength(102);
    expect(new Set(network.projections.map((p) => p.name)).size).toBe(102);
    expect(network.projections.reduce((a, p) => a + synapseCount(p), 0)).toBe(517203);
    const plastic = network.projections.filter((p) => p.learning);
    expect(plastic).toHaveLength(8);
    expect(plastic.reduce((a, p) => a + synapseCount(p), 0)).toBe(500000);
    expect(clock.period).toBe(12);
    expect(network.sources.find((s) => s.name === 'in_g')!.spikes).toEqual([[10, 0]]);
  });

  it('plastic matrices are dense mixed 8-bit exp 0, zeros kept, with the reward rule', () => {
    const zeroW = { W1: new Int32Array(160000), W2: new Int32Array(4000), P: new Int32Array(4000), M: new Int32Array(4000) };
    const zero = buildTrainingCircuit(shape, zeroW).network;
    const plastic = zero.projections.filter((p) => p.learning);
    expect(plastic.map((p) => p.name).sort()).toEqual(
      [...TRAINING_PLASTIC.W1, ...TRAINING_PLASTIC.W2, TRAINING_PLASTIC.P, TRAINING_PLASTIC.M].sort(),
    );
    for (const p of plastic) {
      expect(p.synapses.kind).toBe('dense');
      expect([p.weightExp, p.numWeightBits, p.signMode, p.synapses.delays]).toEqual([0, 8, 'mixed', 0]);
      expect(p.learning).toEqual(NBP_LEARNING_RULE);
      expect(p.learning!.dw).toBe('4*x0*y0*r1 - 2*x0*y0');
      expect([p.learning!.wMin, p.learning!.wMax, p.learning!.reward]).toEqual([-256, 254, 'reward']);
    }
    expect(plastic.reduce((a, p) => a + synapseCount(p), 0)).toBe(500000);
  });

  it('stores W1ᵀ, W2ᵀ (post, pre) in every copy and P, M in their own layout', () => {
    for (const name of TRAINING_PLASTIC.W1) expect(w1FromCircuit(shape, byName.get(name)!.synapses.weights)).toEqual(w.W1);
    for (const name of TRAINING_PLASTIC.W2) expect(w2FromCircuit(shape, byName.get(name)!.synapses.weights)).toEqual(w.W2);
    const xh = byName.get('x->h1:p')!.synapses.weights;
    expect(xh[5 * 400 + 3]).toBe(w.W1[3 * 400 + 5]); // post h=5, pre x=3
    expect(Array.from(byName.get('o->h1T:p')!.synapses.weights)).toEqual(Array.from(w.P));
    expect(Array.from(byName.get('oT-->h1T:p')!.synapses.weights)).toEqual(Array.from(w.M));
    expect(byName.get('x->h1:p')!.synapses.weights).not.toBe(byName.get('x->h1_copy:p')!.synapses.weights);
  });

  it('non-plastic projections use the encodings and connectivity of the connection table', () => {
    const expectEnc = (p: Projection, mant: number, exp: number, mode: string, delay: number, kind: string, n: number) => {
      expect([p.weightExp, p.signMode, p.synapses.kind, p.synapses.delays, p.synapses.weights.length]).toEqual([exp, mode, kind, delay, n]);
      expect(new Set(Array.from(p.synapses.weights))).toEqual(new Set([mant]));
    };
    expectEnc(byName.get('input->x:1e')!, 130, 2, 'excitatory', 0, 'sparse', 400);
    expectEnc(byName.get('o->d+:1i')!, -130, 2, 'inhibitory', 0, 'sparse', 10);
    expectEnc(byName.get('h1_copy2->c_h1:1i_d3')!, -130, 2, 'inhibitory', 3, 'sparse', 400);
    expectEnc(byName.get('g01->x:g')!, 136, 6, 'excitatory', 0, 'dense', 400);
    expectEnc(byName.get('c_h1->h1:g1_d4')!, 136, 6, 'excitatory', 4, 'sparse', 400);
    expectEnc(byName.get('o_copy->d+:g1s')!, 136, 6, 'excitatory', 0, 'sparse', 10);
    expectEnc(byName.get('g02->h1_copy:gm05')!, 128, 2, 'excitatory', 0, 'dense', 400);
    expectEnc(byName.get('g02->h1_copy2:gp05')!, 128, 6, 'excitatory', 0, 'dense', 400);
    expectEnc(byName.get('g06->o:gi')!, -254, 5, 'inhibitory', 0, 'dense', 10);
    expectEnc(byName.get('g11->g00:1ge')!, 145, 6, 'excitatory', 0, 'sparse', 1);
    expectEnc(byName.get('m_h1->h1T:1e_d5')!, 130, 2, 'excitatory', 5, 'sparse', 400);
  });

  it('refractory counts: 1 for plain and learning units, 0 for gates and h1T', () => {
    const ref = Object.fromEntries(network.groups.map((g) => [g.name, g.refractory]));
    expect(ref).toMatchObject({ x: 1, m_x6: 1, h1: 1, h1_copy2: 1, c_h1: 1, o: 1, 'oT-': 1, t: 1, 'd-': 1, h1T: 0, g00: 0, g11: 0 });
    for (const g of network.groups) expect([g.du, g.dv, g.vth]).toEqual([4095, 4096, 1024]);
  });

  it('rejects weights outside the circuit’s range, naming the matrix', () => {
    const bad = { ...w, W2: w.W2.slice() };
    bad.W2[17] = 255;
    expect(() => buildTrainingCircuit(shape, bad)).toThrow(/weights\.W2\[17\] = 255/);
    expect(() => buildTrainingCircuit(shape, { ...w, W1: new Int32Array(3) })).toThrow(/weights\.W1: expected 160000/);
  });
});

describe('inference circuit (400-400-10)', () => {
  it('has 814 neurons in 7 groups, 2 sources, 11 projections, 165,215 synapses', () => {
    const w = weights(3);
    const { network, clock } = buildInferenceCircuit(shape, w);
    expect(network.groups.map((g) => g.name)).toEqual(INFERENCE_POPULATIONS.map((p) => p.name));
    expect(network.groups.reduce((a, g) => a + g.size, 0)).toBe(814);
    expect(network.sources.map((s) => s.name)).toEqual(['input', 'in_g']);
    expect(network.sources[1]!.spikes).toEqual([[2, 0]]);
    expect(network.projections).toHaveLength(11);
    expect(network.projections.reduce((a, p) => a + synapseCount(p), 0)).toBe(165215);
    expect(network.projections.some((p) => p.learning)).toBe(false);
    expect(clock.step(0, 1)).toBe(5);
    const byName = new Map(network.projections.map((p) => [p.name, p]));
    expect(w1FromCircuit(shape, byName.get('x->h1:f')!.synapses.weights)).toEqual(w.W1);
    expect(w2FromCircuit(shape, byName.get('h1->o:f')!.synapses.weights)).toEqual(w.W2);
  });

  it('builds the Fashion-MNIST shape 784-400-10', () => {
    const W1 = new Int32Array(784 * 400);
    const W2 = new Int32Array(4000);
    const n = buildTrainingCircuit({ nIn: 784, nHid: 400, nOut: 10 }, { W1, W2, P: W2, M: W2 }).network;
    expect(n.groups.reduce((a, g) => a + g.size, 0)).toBe(3282 + 2 * 384);
    expect(n.projections.filter((p) => p.learning).reduce((a, p) => a + synapseCount(p), 0)).toBe(3 * 784 * 400 + 20000);
  });
});

describe('bias-margin windows', () => {
  it('limits are 9216 where ungated and 17344 where inhibited', () => {
    expect(MARGIN_WINDOWS.map((w) => [w.group, w.phase, w.limit])).toEqual([
      ['h1', 0, 9216],
      ['o', 8, 9216],
      ['o', 0, 17344],
      ['o', 6, 17344],
      ['o', 10, 17344],
      ['h1T', 4, 17344],
      ['h1', 8, 17344],
    ]);
    // Designed gating levels, read back from the table: o at threshold/2 in 3, h1T at threshold in 6.
    expect(gateInputAt('o', 3)).toBe(8704);
    expect(gateInputAt('o_copy', 3)).toBe(9216);
    expect(gateInputAt('o_copy2', 3)).toBe(8192);
    expect(gateInputAt('h1T', 6)).toBe(9216);
    expect(gateInputAt('h1T', 10)).toBe(9216);
    expect(gateInputAt('x', 7)).toBe(8704);
  });
});
