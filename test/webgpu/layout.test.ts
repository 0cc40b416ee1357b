/**
 * Host-side pieces of the WebGPU backend that need no GPU: the WGSL table constants agree with
 * kernels/tables.ts, the strategy registry chooses and refuses as documented, grids fold past 65,535
 * workgroups, and the layout packs synapse words as the kernels read them.
 */
import { describe, expect, it } from 'vitest';
import { SHADER_SOURCES } from '../../src/backends/webgpu/shaders.gen.ts';
import { GROUP, GROUP_STRIDE, NEG_STRIDE, SEG, SEG_STRIDE } from '../../src/backends/webgpu/kernels/tables.ts';
import { WGSL_SNIPPETS } from '../../src/backends/webgpu/kernels/snippets.ts';
import { workgroupGrid } from '../../src/backends/webgpu/kernels/common.ts';
import { chooseStrategy, type ProjectionShape } from '../../src/backends/webgpu/strategies.ts';
import { layoutNetwork } from '../../src/backends/webgpu/layout.ts';
import { initialWeights, unpackWeights } from '../../src/backends/webgpu/synapse-words.ts';
import { autoSpikeLanes } from '../../src/backends/webgpu/simulation.ts';
import type { Network } from '../../src/network/types.ts';

/** `const NAME: u32 = 12u;` constants of a shader. */
function wgslConstants(family: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of SHADER_SOURCES[family]!.matchAll(/^const (\w+): [ui]32 = (-?\d+)u?;/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

const toWgsl = (prefix: string, name: string): string => prefix + name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

describe('table layout constants', () => {
  it.each(['cuba_step', 'deliver', 'learn'])('%s agrees with kernels/tables.ts', (family) => {
    const consts = wgslConstants(family);
    const checked: string[] = [];
    const check = (name: string, value: number): void => {
      if (!consts.has(name)) return;
      expect(consts.get(name), `${family}: ${name}`).toBe(value);
      checked.push(name);
    };
    check('GROUP_STRIDE', GROUP_STRIDE);
    check('SEG_STRIDE', SEG_STRIDE);
    check('NEG_STRIDE', NEG_STRIDE);
    for (const [name, value] of Object.entries(GROUP)) check(toWgsl('G_', name), value);
    for (const [name, value] of Object.entries(SEG)) check(toWgsl('S_', name), value);
    // Every layout constant the shader declares was checked.
    const declared = [...consts.keys()].filter((k) => /^(G_|S_|GROUP_STRIDE|SEG_STRIDE|NEG_STRIDE)/.test(k));
    expect(declared.sort()).toEqual(checked.sort());
  });

  it('every #include is expanded, the generated snippets included once and the shared helpers defined once', () => {
    for (const [family, text] of Object.entries(SHADER_SOURCES)) expect(text, family).not.toMatch(/^\s*#include/m);
    for (const family of ['cuba_step', 'deliver', 'learn']) {
      const text = SHADER_SOURCES[family]!;
      expect(text.match(/^const GROUP_STRIDE: /gm), family).toHaveLength(1);
      expect(text, family).toContain(WGSL_SNIPPETS.tables!);
    }
    expect(SHADER_SOURCES.cuba_step).toContain(WGSL_SNIPPETS.loihi_constants!);
    for (const family of ['deliver', 'learn']) {
      for (const fn of ['spike_bit', 'any_spike', 'segment_row', 'apply_weight_change']) {
        expect(SHADER_SOURCES[family]!.match(new RegExp(`^fn ${fn}\\(`, 'gm')), `${family}: ${fn}`).toHaveLength(1);
      }
    }
  });
});

describe('strategy registry', () => {
  const shape = (over: Partial<ProjectionShape>): ProjectionShape => ({
    name: 'p',
    kind: 'sparse',
    preSize: 100,
    postSize: 100,
    entries: 800,
    plastic: false,
    ...over,
  });

  it('chooses dense for dense descriptions and dense-enough sparse ones, else CSR', () => {
    expect(chooseStrategy(shape({ kind: 'dense', entries: 10_000 })).name).toBe('dense');
    expect(chooseStrategy(shape({ entries: 800 })).name).toBe('csr');
    expect(chooseStrategy(shape({ entries: 6000 })).name).toBe('dense');
    expect(chooseStrategy(shape({ entries: 6000, plastic: true })).name).toBe('csr');
  });

  it('forces a strategy only where it is exact', () => {
    expect(chooseStrategy(shape({ kind: 'dense', entries: 10_000 }), 'csr').name).toBe('csr');
    expect(chooseStrategy(shape({}), 'dense').name).toBe('dense');
    expect(() => chooseStrategy(shape({ plastic: true }), 'dense')).toThrow(
      /projection 'p': the dense strategy cannot represent it exactly \(sparse, plastic\); compatible: csr/,
    );
  });
});

describe('workgroup grid', () => {
  it('stays 1-D up to 65,535 workgroups and folds into 2-D beyond, covering every thread', () => {
    expect(workgroupGrid(64 * 65535, 64)).toEqual([65535, 1]);
    const [x, y] = workgroupGrid(64 * 65536 + 1, 64);
    expect(x).toBeLessThanOrEqual(65535);
    expect(x * y * 64).toBeGreaterThanOrEqual(64 * 65536 + 1);
    expect(workgroupGrid(0, 64)).toEqual([0, 1]);
  });
});

describe('threads per spike', () => {
  it('walks rows in about two strides on a GPU, one thread per spike on a software adapter', () => {
    expect(autoSpikeLanes(80, 64, false)).toBe(32);
    expect(autoSpikeLanes(400, 64, false)).toBe(64);
    expect(autoSpikeLanes(4, 64, false)).toBe(2);
    expect(autoSpikeLanes(1, 64, false)).toBe(1);
    expect(autoSpikeLanes(80, 64, true)).toBe(1);
  });
});

describe('layout', () => {
  const net: Network = {
    groups: [{ name: 'g', size: 3, du: 0, dv: 0, vth: 1, biasMant: [0, 0, 0], biasExp: 0, refractory: 0 }],
    sources: [{ name: 's', size: 2 }],
    projections: [
      {
        name: 'd',
        from: 's',
        to: 'g',
        weightExp: -2,
        numWeightBits: 8,
        signMode: 'mixed',
        synapses: { kind: 'dense', weights: [1, -3, 0, 5, 255, -256], delays: [0, 1, 2, 3, 4, 63] },
      },
      {
        name: 'c',
        from: 'g',
        to: 'g',
        weightExp: 1,
        numWeightBits: 7,
        signMode: 'inhibitory',
        synapses: { kind: 'sparse', pre: [2, 0], post: [0, 2], weights: [-3, 7], delays: 6 },
      },
    ],
  };

  it('packs (W << 7) | (exists << 6) | delay and unpacks stored weights in description layout', () => {
    const layout = layoutNetwork(net, undefined, 'csr');
    const words = initialWeights(layout);
    const d = layout.projectionByName.get('d')!;
    expect(Array.from(unpackWeights(d, words.subarray(d.wBase)))).toEqual([0, -4, 0, 4, 254, -256]);
    // Dense entry (post 0, pre 1) = -3 -> stored -4, delay 1, exists; the zero entry does not exist.
    expect(words[d.wBase + d.stored.position[1]!]).toBe((-4 << 7) | (1 << 6) | 1);
    expect(words[d.wBase + d.stored.position[2]!]).toBe(2);
    const c = layout.projectionByName.get('c')!;
    // Inhibitory, 7 bits: -3 -> -2 (magnitude truncated); +7 -> 0 but the listed synapse exists.
    expect(Array.from(unpackWeights(c, words.subarray(c.wBase)))).toEqual([-2, 0]);
    expect(words[c.wBase + c.stored.position[1]!]! & 64).toBe(64);
    expect(layout.ringSize).toBe(64);
    expect(layout.scratchSize).toBe(64 * 3);
  });
});
