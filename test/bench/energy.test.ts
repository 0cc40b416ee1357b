import { describe, expect, it } from 'vitest';
import { countEvents, DAVIES_2018, energyNetworkFrom, estimateLoihi, PAPER_NBP, type EnergyNetwork } from '../../src/bench/energy.ts';
import type { Network } from '../../src/network/types.ts';

// A source 'in' (2) densely onto 'a' (3); 'a' onto 'b' (2) through three plastic synapses.
const net: EnergyNetwork = {
  populations: [
    { name: 'in', size: 2, compartments: false },
    { name: 'a', size: 3, compartments: true },
    { name: 'b', size: 2, compartments: true },
  ],
  projections: [
    { name: 'in-a', from: 'in', to: 'a', pre: [0, 1, 0, 1, 0, 1], post: [0, 0, 1, 1, 2, 2], plastic: false },
    { name: 'a-b', from: 'a', to: 'b', pre: [0, 1, 2], post: [0, 0, 1], plastic: true },
  ],
};
const spikes = {
  in: [
    [0, 0],
    [0, 1],
  ],
  a: [
    [1, 0],
    [1, 2],
  ],
} as Record<string, Array<[number, number]>>;
const mapping = { neuronsPerCore: 2, coresPerTile: 4, hopsEw: 2, hopsNs: 2 };

describe('countEvents', () => {
  const c = countEvents(net, spikes, 2, DAVIES_2018, mapping);

  it('counts synaptic ops, messages and learning updates per step', () => {
    expect(c.cores).toBe(3);
    expect(c.perStep).toEqual([
      { synOps: 6, messages: 4, learnVisited: 0, spikes: 2 },
      { synOps: 2, messages: 2, learnVisited: 2, spikes: 2 },
    ]);
    expect([c.synOps, c.messages, c.learnVisited, c.learnFullSweep, c.neuronUpdates]).toEqual([8, 6, 2, 6, 10]);
  });

  it('takes the busiest core per step for time', () => {
    expect(c.busiest.spikingNsLow).toBeCloseTo(24.6 + 33.9, 9);
    expect(c.busiest.spikingNsHigh).toBeCloseTo(30.8 + 40.1, 9);
    expect(c.busiest.learningNsLow).toBeCloseTo(12.2, 9);
    expect(c.busiest.learningNsHigh).toBeCloseTo(2 * 3 * 6.1, 9);
    expect(c.busiest.barrierNs).toBeCloseTo(2 * 113, 9);
  });

  it('names an unknown population and an index out of range', () => {
    expect(() => countEvents(net, { c: [[0, 0]] }, 1)).toThrow(/unknown population 'c'/);
    expect(() => countEvents(net, { a: [[0, 3]] }, 1)).toThrow(/index 3 outside population 'a' of size 3/);
  });
});

describe('estimateLoihi', () => {
  it('turns counts into energy and time with Table 2 costs', () => {
    const e = estimateLoihi(countEvents(net, spikes, 2, DAVIES_2018, mapping), 1, 'train', DAVIES_2018, mapping);
    const pJ = 1e-12;
    expect(e.energyJ.synOps / pJ).toBeCloseTo(8 * 23.6, 6);
    expect(e.energyJ.neurons.map((x) => x / pJ)).toEqual([expect.closeTo(520, 6), expect.closeTo(810, 6)]);
    expect(e.energyJ.messages / pJ).toBeCloseTo(6 * 15.7, 6);
    expect(e.energyJ.learning.map((x) => x / pJ)).toEqual([expect.closeTo(240, 6), expect.closeTo(720, 6)]);
    expect(e.energyJ.total.map((x) => x / pJ)).toEqual([expect.closeTo(1043, 6), expect.closeTo(1813, 6)]);
    expect(e.timeS.low * 1e9).toBeCloseTo(58.5 + 12.2 + 226, 6);
    expect(e.timeS.high * 1e9).toBeCloseTo(70.9 + 36.6 + 226, 6);
    expect(e.timeS.withOverhead[0]).toBeCloseTo(e.timeS.low + 2 * 41e-6, 12);
    expect(e.paper).toEqual({ energyJ: PAPER_NBP.train.energyJ, timeS: PAPER_NBP.train.timeS });
  });

  it('divides by the number of samples', () => {
    const counts = countEvents(net, spikes, 2, DAVIES_2018, mapping);
    const one = estimateLoihi(counts, 1, 'infer');
    const two = estimateLoihi(counts, 2, 'infer');
    expect(two.energyJ.total[1]).toBeCloseTo(one.energyJ.total[1] / 2, 18);
    expect(two.stepsPerSample).toBe(1);
    expect(() => estimateLoihi(counts, 0, 'infer')).toThrow(/samples must be positive/);
  });
});

describe('energyNetworkFrom', () => {
  it('keeps non-zero dense weights, and every weight of a plastic projection', () => {
    const network: Network = {
      groups: [{ name: 'g', size: 2, du: 0, dv: 0, vth: 1, biasMant: [0, 0], biasExp: 0, refractory: 0 }],
      sources: [{ name: 's', size: 2 }],
      projections: [
        {
          name: 'fixed',
          from: 's',
          to: 'g',
          weightExp: 0,
          numWeightBits: 8,
          signMode: 'mixed',
          synapses: { kind: 'dense', weights: [1, 0, 0, 5], delays: 0 },
        },
        {
          name: 'learn',
          from: 's',
          to: 'g',
          weightExp: 0,
          numWeightBits: 8,
          signMode: 'mixed',
          synapses: { kind: 'dense', weights: [0, 0, 0, 2], delays: 0 },
          learning: { dw: '2*x0*y0' },
        },
      ],
    };
    const e = energyNetworkFrom(network);
    expect(e.projections.map((p) => [p.name, Array.from(p.pre), Array.from(p.post), p.plastic])).toEqual([
      ['fixed', [0, 1], [0, 1], false],
      ['learn', [0, 1, 0, 1], [0, 0, 1, 1], true],
    ]);
    expect(e.populations).toEqual([
      { name: 'g', size: 2, compartments: true },
      { name: 's', size: 2, compartments: false },
    ]);
  });
});
