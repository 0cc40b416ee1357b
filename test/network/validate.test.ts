import { describe, expect, it } from 'vitest';
import { NetworkError, validateNetwork } from '../../src/network/validate.ts';
import type { Network } from '../../src/network/types.ts';

/** A small valid network touching every feature: dense, sparse, per-synapse delays, learning with reward. */
function makeNetwork(): Network {
  return {
    groups: [
      { name: 'h', size: 3, du: 4095, dv: 4096, vth: 1024, biasMant: [0, -4096, 4095], biasExp: 7, refractory: 1 },
      {
        name: 'o',
        size: 2,
        du: 0,
        dv: 0,
        vth: 0,
        biasMant: [0, 0],
        biasExp: 0,
        refractory: 63,
        uInit: [8388608, -8388607],
        vInit: [8388607, -8388607],
      },
    ],
    sources: [
      {
        name: 'x',
        size: 4,
        spikes: [
          [0, 1],
          [0, 3],
          [5, 0],
        ],
      },
      { name: 'reward', size: 1, spikes: [[5, 0]] },
    ],
    projections: [
      {
        name: 'x_h',
        from: 'x',
        to: 'h',
        weightExp: 0,
        numWeightBits: 8,
        signMode: 'mixed',
        synapses: { kind: 'dense', weights: new Array(12).fill(2), delays: 0 },
        learning: { dw: '4*x0*y0*r1 - 2*x0*y0', reward: 'reward' },
      },
      {
        name: 'h_o',
        from: 'h',
        to: 'o',
        weightExp: -8,
        numWeightBits: 1,
        signMode: 'inhibitory',
        synapses: { kind: 'sparse', pre: [0, 1, 2], post: [0, 1, 1], weights: [-256, 0, 255], delays: [0, 63, 6] },
      },
    ],
  };
}

function errorOf(mutate: (n: Network) => void): NetworkError {
  const network = makeNetwork();
  mutate(network);
  try {
    validateNetwork(network);
  } catch (err) {
    expect(err).toBeInstanceOf(NetworkError);
    return err as NetworkError;
  }
  throw new Error('validateNetwork accepted an invalid network');
}

describe('validateNetwork', () => {
  it('accepts a valid network', () => {
    expect(() => validateNetwork(makeNetwork())).not.toThrow();
  });

  it('names the field, index and valid range', () => {
    const cases: Array<[(n: Network) => void, string, RegExp]> = [
      [
        (n) => {
          n.groups[1]!.name = 'h';
        },
        'groups[1].name',
        /groups\[1\] 'h': name = 'h' is already used by groups\[0\]; names must be unique across groups and sources/,
      ],
      [
        (n) => {
          n.sources[0]!.name = 'h';
        },
        'sources[0].name',
        /sources\[0\] 'h': name = 'h' is already used by groups\[0\]/,
      ],
      [
        (n) => {
          n.groups[0]!.size = 0;
        },
        'groups[0].size',
        /groups\[0\] 'h': size = 0 is out of range 1\.\./,
      ],
      [
        (n) => {
          n.groups[0]!.du = 4096;
        },
        'groups[0].du',
        /du = 4096 is out of range 0\.\.4095/,
      ],
      [
        (n) => {
          n.groups[0]!.dv = 4097;
        },
        'groups[0].dv',
        /dv = 4097 is out of range 0\.\.4096/,
      ],
      [
        (n) => {
          n.groups[0]!.vth = 131072;
        },
        'groups[0].vth',
        /vth = 131072 is out of range 0\.\.131071/,
      ],
      [
        (n) => {
          n.groups[0]!.biasExp = 8;
        },
        'groups[0].biasExp',
        /biasExp = 8 is out of range 0\.\.7/,
      ],
      [
        (n) => {
          n.groups[0]!.refractory = 1.5;
        },
        'groups[0].refractory',
        /refractory = 1\.5 is not an integer \(expected 0\.\.63\)/,
      ],
      [
        (n) => {
          n.groups[0]!.biasMant = [0, 0];
        },
        'groups[0].biasMant',
        /biasMant has length 2, expected 3/,
      ],
      [
        (n) => {
          n.groups[0]!.biasMant = [0, -4097, 0];
        },
        'groups[0].biasMant[1]',
        /biasMant\[1\] = -4097 is out of range -4096\.\.4095/,
      ],
      [
        (n) => {
          n.groups[1]!.uInit = [8388609, 0];
        },
        'groups[1].uInit[0]',
        /uInit\[0\] = 8388609 is out of range -8388607\.\.8388608/,
      ],
      [
        (n) => {
          n.groups[1]!.vInit = [0, 8388608];
        },
        'groups[1].vInit[1]',
        /vInit\[1\] = 8388608 is out of range -8388607\.\.8388607/,
      ],
      [
        (n) => {
          n.sources[0]!.spikes = [[0, 4]];
        },
        'sources[0].spikes[0][1] (index)',
        /sources\[0\] 'x': spikes\[0\]\[1\] \(index\) = 4 is out of range 0\.\.3/,
      ],
      [
        (n) => {
          n.sources[0]!.spikes = [[-1, 0]];
        },
        'sources[0].spikes[0][0] (step)',
        /= -1 is out of range 0\.\./,
      ],
      [
        (n) => {
          n.sources[0]!.spikes = [
            [2, 1],
            [2, 1],
          ];
        },
        'sources[0].spikes[1]',
        /spikes\[1\] = \[2, 1\] duplicates spikes\[0\]/,
      ],
      [
        (n) => {
          n.projections[0]!.from = 'nope';
        },
        'projections[0].from',
        /projections\[0\] 'x_h': from = 'nope' names no group or source/,
      ],
      [
        (n) => {
          n.projections[0]!.to = 'x';
        },
        'projections[0].to',
        /to = 'x' is a source; projections must end at a group/,
      ],
      [
        (n) => {
          n.projections[1]!.name = 'x_h';
        },
        'projections[1].name',
        /already used by projections\[0\]/,
      ],
      [
        (n) => {
          n.projections[0]!.weightExp = 8;
        },
        'projections[0].weightExp',
        /weightExp = 8 is out of range -8\.\.7/,
      ],
      [
        (n) => {
          n.projections[0]!.numWeightBits = 0;
        },
        'projections[0].numWeightBits',
        /numWeightBits = 0 is out of range 1\.\.8/,
      ],
      [
        (n) => {
          (n.projections[0] as { signMode: string }).signMode = 'both';
        },
        'projections[0].signMode',
        /signMode = 'both' is not one of/,
      ],
      [
        (n) => {
          n.projections[0]!.synapses = { kind: 'dense', weights: new Array(11).fill(0), delays: 0 };
        },
        'projections[0].synapses.weights',
        /synapses\.weights has length 11, expected 12/,
      ],
      [
        (n) => {
          const w = new Array(12).fill(0);
          w[7] = 256;
          n.projections[0]!.synapses = { kind: 'dense', weights: w, delays: 0 };
        },
        'projections[0].synapses.weights[7] (post 1, pre 3)',
        /synapses\.weights\[7\] \(post 1, pre 3\) = 256 is out of range -256\.\.255/,
      ],
      [
        (n) => {
          const d = new Array(12).fill(0);
          d[5] = 64;
          n.projections[0]!.synapses = { kind: 'dense', weights: new Array(12).fill(0), delays: d };
        },
        'projections[0].synapses.delays[5] (post 1, pre 1)',
        /projections\[0\] 'x_h': synapses\.delays\[5\] \(post 1, pre 1\) = 64 is out of range 0\.\.63/,
      ],
      [
        (n) => {
          n.projections[1]!.synapses = { kind: 'sparse', pre: [0, 3], post: [0, 0], weights: [0, 0], delays: 0 };
        },
        'projections[1].synapses.pre[1]',
        /synapses\.pre\[1\] = 3 is out of range 0\.\.2/,
      ],
      [
        (n) => {
          n.projections[1]!.synapses = { kind: 'sparse', pre: [0, 1], post: [0, 2], weights: [0, 0], delays: 0 };
        },
        'projections[1].synapses.post[1]',
        /synapses\.post\[1\] = 2 is out of range 0\.\.1/,
      ],
      [
        (n) => {
          n.projections[1]!.synapses = { kind: 'sparse', pre: [0, 1], post: [0], weights: [0, 0], delays: 0 };
        },
        'projections[1].synapses.post',
        /synapses\.post has length 1, expected 2/,
      ],
      [
        (n) => {
          n.projections[1]!.synapses = { kind: 'sparse', pre: [0, 1], post: [0, 1], weights: [0, 0], delays: [1] };
        },
        'projections[1].synapses.delays',
        /synapses\.delays has length 1, expected 2/,
      ],
      [
        (n) => {
          n.projections[1]!.synapses = { kind: 'sparse', pre: [2, 0, 2], post: [1, 1, 1], weights: [0, 0, 0], delays: 0 };
        },
        'projections[1].synapses',
        /two synapses from pre 2 to post 1 \(indices 0 and 2\)/,
      ],
      [
        (n) => {
          n.projections[0]!.learning = { dw: '4*x0*q', reward: 'reward' };
        },
        'projections[0].learning.dw',
        /learning\.dw is invalid: .*unknown factor 'q'.*at position 5/,
      ],
      [
        (n) => {
          n.projections[0]!.learning = { dw: '2*x0*y0*r1', reward: 'h' };
        },
        'projections[0].learning.reward',
        /learning\.reward = 'h' names no spike source \(sources: x, reward\)/,
      ],
      [
        (n) => {
          n.projections[0]!.learning = { dw: '2*x0*y0*r1' };
        },
        'projections[0].learning.reward',
        /uses r1/,
      ],
      [
        (n) => {
          n.projections[0]!.learning = { dw: 'x0', wMin: 10, wMax: 0 };
        },
        'projections[0].learning',
        /wMin = 10 exceeds wMax = 0/,
      ],
      [
        (n) => {
          n.projections[0]!.learning = { dw: 'x0', wMax: 256 };
        },
        'projections[0].learning.wMax',
        /wMax = 256 is out of range -256\.\.255/,
      ],
    ];
    for (const [mutate, path, message] of cases) {
      const err = errorOf(mutate);
      expect(err.message, path).toMatch(message);
      expect(err.path, err.message).toBe(path);
    }
  });

  it('rejects non-arrays and missing names', () => {
    expect(
      errorOf((n) => {
        (n as { groups: unknown }).groups = {};
      }).message,
    ).toMatch(/network: groups must be an array/);
    expect(
      errorOf((n) => {
        n.groups[0]!.name = '';
      }).message,
    ).toMatch(/groups\[0\]: name must be a non-empty string/);
  });
});
