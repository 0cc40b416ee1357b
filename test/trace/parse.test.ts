import { describe, expect, it } from 'vitest';
import { parseTrace, TraceError, traceToNetwork } from '../../src/trace/index.ts';
import { TINY } from './fixtures.ts';

/** A second trace with two groups, COO synapses and per-synapse delays. */
function richTrace(): Record<string, unknown> {
  return {
    format: 'synfire-loihi-trace/1',
    name: 'rich',
    steps: 6,
    groups: [
      { name: 'a', size: 2, du: 0, dv: 0, vth: 10, bias_mant: [1, 2], bias_exp: 0, refractory: 0, u_init: [5, 6] },
      { name: 'b', size: 3, du: 100, dv: 4096, vth: 10, bias_mant: [0, 0, 0], bias_exp: 0, refractory: 0 },
    ],
    sources: [
      {
        name: 'in',
        size: 2,
        spikes: [
          [0, 0],
          [0, 1],
          [3, 1],
        ],
      },
    ],
    projections: [
      {
        name: 'in_a',
        from: 'in',
        to: 'a',
        weight_exp: 0,
        num_weight_bits: 8,
        sign_mode: 'mixed',
        dense: {
          weights: [
            [1, 2],
            [3, 4],
          ],
          delays: [
            [0, 1],
            [2, 3],
          ],
        },
      },
      {
        name: 'a_b',
        from: 'a',
        to: 'b',
        weight_exp: -1,
        num_weight_bits: 8,
        sign_mode: 'mixed',
        coo: { pre: [0, 1, 1], post: [2, 0, 2], weights: [5, -6, 7], delays: [0, 4, 6] },
      },
    ],
    record_steps: [1, 3, 5],
  };
}

function errorOf(text: string, file = 'traces/bad.json'): TraceError {
  try {
    parseTrace(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(TraceError);
    return err as TraceError;
  }
  throw new Error('parseTrace accepted an invalid trace');
}

function mutated(mutate: (t: Record<string, any>) => void): string {
  const trace = richTrace();
  mutate(trace);
  return JSON.stringify(trace);
}

describe('parseTrace', () => {
  it('parses the tiny example and the optional fields', () => {
    const trace = parseTrace(TINY, 'tiny.json');
    expect(trace.steps).toBe(5);
    expect(trace.groups[0]!.bias_mant).toEqual([0]);
    expect(trace.expected!.u.n).toEqual([[0], [0], [12800], [0], [0]]);
    const rich = parseTrace(JSON.stringify(richTrace()), 'rich.json');
    expect(rich.expected).toBeUndefined();
    expect(rich.groups[0]!.u_init).toEqual([5, 6]);
    expect(rich.projections[1]!.coo!.delays).toEqual([0, 4, 6]);
  });

  it('reports malformed JSON with the file, line and column', () => {
    const err = errorOf('{\n  "format": "synfire-loihi-trace/1",\n  "steps": 5,,\n}', 'x/broken.json');
    expect(err.message).toMatch(/^x\/broken\.json: malformed JSON at line 3 column 14 \(position 52\)/);
    expect(errorOf('{"format": ', 'cut.json').message).toMatch(/^cut\.json: malformed JSON at line 1/);
  });

  it('names the file, JSON path, index and what was expected', () => {
    const cases: Array<[(t: Record<string, any>) => void, RegExp]> = [
      [
        (t) => {
          t.format = 'other/1';
        },
        /\$\.format: expected "synfire-loihi-trace\/1", got "other\/1"/,
      ],
      [
        (t) => {
          t.extra = 1;
        },
        /\$\.extra: unknown field 'extra' \(expected 'format', 'steps'/,
      ],
      [
        (t) => {
          t.groups[1].tau = 1;
        },
        /\$\.groups\[1\]\.tau: unknown field 'tau'/,
      ],
      [
        (t) => {
          delete t.groups[0].vth;
        },
        /\$\.groups\[0\]\.vth: missing required field 'vth'/,
      ],
      [
        (t) => {
          t.steps = '6';
        },
        /\$\.steps: expected an integer in 1\.\.\d+, got the string "6"/,
      ],
      [
        (t) => {
          t.steps = 0;
        },
        /\$\.steps: 0 is out of range 1\.\./,
      ],
      [
        (t) => {
          t.groups[0].du = 4096;
        },
        /\$\.groups\[0\]\.du \(group 'a'\): 4096 is out of range 0\.\.4095/,
      ],
      [
        (t) => {
          t.groups[1].dv = 1.5;
        },
        /\$\.groups\[1\]\.dv \(group 'b'\): expected an integer in 0\.\.4096, got number 1\.5/,
      ],
      [
        (t) => {
          t.groups[0].bias_mant = [1];
        },
        /\$\.groups\[0\]\.bias_mant \(group 'a'\): expected 2 integers, got 1/,
      ],
      [
        (t) => {
          t.groups[0].u_init = [0, 8388609];
        },
        /\$\.groups\[0\]\.u_init\[1\] \(group 'a'\): 8388609 is out of range -8388607\.\.8388608/,
      ],
      [
        (t) => {
          t.sources[0].name = 'a';
        },
        /\$\.sources\[0\]\.name: name 'a' is already used at \$\.groups\[0\]\.name/,
      ],
      [
        (t) => {
          t.sources[0].spikes = [[0, 2]];
        },
        /\$\.sources\[0\]\.spikes\[0\]\[1\] \(source 'in', index\): 2 is out of range 0\.\.1/,
      ],
      [
        (t) => {
          t.sources[0].spikes = [
            [1, 0],
            [0, 1],
          ];
        },
        /\$\.sources\[0\]\.spikes\[1\] \(source 'in'\): \[0, 1\] does not follow \[1, 0\] \(expected sorted by step, then index, without duplicates\)/,
      ],
      [
        (t) => {
          t.sources[0].spikes = [
            [1, 0],
            [1, 0],
          ];
        },
        /\$\.sources\[0\]\.spikes\[1\] .*does not follow/,
      ],
      [
        (t) => {
          t.sources[0].spikes = [[1, 0, 3]];
        },
        /\$\.sources\[0\]\.spikes\[0\] \(source 'in'\): expected a \[step, index\] pair/,
      ],
      [
        (t) => {
          t.projections[0].from = 'zz';
        },
        /\$\.projections\[0\]\.from \(projection 'in_a'\): 'zz' names no group or source \(known: a, b, in\)/,
      ],
      [
        (t) => {
          t.projections[0].to = 'in';
        },
        /\$\.projections\[0\]\.to \(projection 'in_a'\): 'in' is a source; projections must end at a group/,
      ],
      [
        (t) => {
          t.projections[0].sign_mode = 'signed';
        },
        /\$\.projections\[0\]\.sign_mode .*"signed" is not one of "mixed", "excitatory", "inhibitory"/,
      ],
      [
        (t) => {
          t.projections[0].weight_exp = -9;
        },
        /\$\.projections\[0\]\.weight_exp .*-9 is out of range -8\.\.7/,
      ],
      [
        (t) => {
          t.projections[0].num_weight_bits = 9;
        },
        /\$\.projections\[0\]\.num_weight_bits .*9 is out of range 1\.\.8/,
      ],
      [
        (t) => {
          t.projections[0].dense.weights[1][0] = 256;
        },
        /\$\.projections\[0\]\.dense\.weights\[1\]\[0\] \(projection 'in_a'\): 256 is out of range -256\.\.255/,
      ],
      [
        (t) => {
          t.projections[0].dense.weights[1] = [1, 2, 3];
        },
        /\$\.projections\[0\]\.dense\.weights\[1\] \(projection 'in_a'\): expected 2 integers, got 3/,
      ],
      [
        (t) => {
          t.projections[0].dense.weights.pop();
        },
        /\$\.projections\[0\]\.dense\.weights \(projection 'in_a'\): expected 2 rows \(one per target, 2\), got 1/,
      ],
      [
        (t) => {
          t.projections[0].dense.delays[0][1] = 64;
        },
        /\$\.projections\[0\]\.dense\.delays\[0\]\[1\] \(projection 'in_a'\): 64 is out of range 0\.\.63/,
      ],
      [
        (t) => {
          t.projections[0].coo = { pre: [], post: [], weights: [], delays: 0 };
        },
        /\$\.projections\[0\] \(projection 'in_a'\): expected exactly one of 'dense' and 'coo'/,
      ],
      [
        (t) => {
          t.projections[1].coo.post[2] = 3;
        },
        /\$\.projections\[1\]\.coo\.post\[2\] \(projection 'a_b'\): 3 is out of range 0\.\.2/,
      ],
      [
        (t) => {
          t.projections[1].coo.pre[0] = 2;
        },
        /\$\.projections\[1\]\.coo\.pre\[0\] \(projection 'a_b'\): 2 is out of range 0\.\.1/,
      ],
      [
        (t) => {
          t.projections[1].coo.weights = [1, 2];
        },
        /\$\.projections\[1\]\.coo\.weights \(projection 'a_b'\): expected 3 integers, got 2/,
      ],
      [
        (t) => {
          t.projections[1].coo.post[2] = 0;
        },
        /\$\.projections\[1\]\.coo\.pre\[2\] .*synapse 2 \(pre 1, post 0\) repeats synapse 1/,
      ],
      [
        (t) => {
          t.projections[1].name = 'in_a';
        },
        /\$\.projections\[1\]\.name: name 'in_a' is already used at \$\.projections\[0\]/,
      ],
      [
        (t) => {
          t.record_steps = [1, 1];
        },
        /\$\.record_steps\[1\]: 1 does not follow 1 \(expected strictly increasing steps\)/,
      ],
      [
        (t) => {
          t.record_steps = [6];
        },
        /\$\.record_steps\[0\]: 6 is out of range 0\.\.5/,
      ],
      [
        (t) => {
          t.expected = { spikes: { a: [] }, u: {}, v: {} };
        },
        /\$\.expected\.spikes\.b: missing required field 'b'/,
      ],
      [
        (t) => {
          const rows = (n: number): number[][] => [1, 3, 5].map(() => new Array(n).fill(0));
          t.expected = { spikes: { a: [[6, 0]], b: [] }, u: { a: rows(2), b: rows(3) }, v: { a: rows(2), b: rows(3) } };
        },
        /\$\.expected\.spikes\.a\[0\]\[0\] \(group 'a', step\): 6 is out of range 0\.\.5/,
      ],
      [
        (t) => {
          t.expected = {
            spikes: { a: [], b: [] },
            u: {
              a: [
                [0, 0],
                [0, 0],
              ],
              b: [],
            },
            v: { a: [], b: [] },
          };
        },
        /\$\.expected\.u\.a \(group 'a'\): expected 3 rows \(one per record step, 3\), got 2/,
      ],
    ];
    for (const [mutate, message] of cases) {
      const err = errorOf(mutated(mutate));
      expect(err.message, message.source).toMatch(/^traces\/bad\.json: \$/);
      expect(err.message).toMatch(message);
    }
  });
});

describe('traceToNetwork', () => {
  it('converts snake_case fields and flattens dense weights[post][pre] row-major', () => {
    const network = traceToNetwork(parseTrace(JSON.stringify(richTrace()), 'rich.json'));
    const a = network.groups[0]!;
    expect([a.name, a.size, a.du, a.dv, a.vth, a.biasExp, a.refractory]).toEqual(['a', 2, 0, 0, 10, 0, 0]);
    expect(Array.from(a.biasMant)).toEqual([1, 2]);
    expect(Array.from(a.uInit!)).toEqual([5, 6]);
    expect(a.vInit).toBeUndefined();
    const dense = network.projections[0]!;
    expect([dense.weightExp, dense.numWeightBits, dense.signMode]).toEqual([0, 8, 'mixed']);
    expect(dense.synapses.kind).toBe('dense');
    expect(Array.from(dense.synapses.weights)).toEqual([1, 2, 3, 4]);
    expect(Array.from(dense.synapses.delays as ArrayLike<number>)).toEqual([0, 1, 2, 3]);
    const sparse = network.projections[1]!.synapses;
    expect(sparse.kind).toBe('sparse');
    if (sparse.kind === 'sparse') {
      expect([Array.from(sparse.pre), Array.from(sparse.post), Array.from(sparse.weights)]).toEqual([
        [0, 1, 1],
        [2, 0, 2],
        [5, -6, 7],
      ]);
    }
    expect(network.sources[0]!.spikes).toEqual([
      [0, 0],
      [0, 1],
      [3, 1],
    ]);
  });
});
