/**
 * synfire network description -> NIR graph (docs/nir.md). Every group becomes a CubaLIF node (a LIF node when
 * du = 4095, i.e. no synaptic filter), every source an Input node, every projection a Linear node (preceded by
 * a Delay node when its delay is uniform per source neuron). The float parameters follow the inverse of the
 * importer's mapping; the exact integers travel in synfire's extension (a `synfire` group in each node and one
 * at the file root), which `importNir` reads back bit for bit.
 */
import { DECAY_UNITY, RANGES, VTH_SHIFT } from '../loihi/constants.ts';
import type { Network, Projection } from '../network/types.ts';
import { validateNetwork } from '../network/validate.ts';
import { float, group, int, ints, str, type H5Dataset, type H5Group } from './hdf5.ts';
import { NIR_VERSION, type NirArray, type NirGraph, type NirNode } from './graph.ts';
import { EXTENSION_FORMAT } from './import.ts';
import { weightEffect } from './quantize.ts';

export interface ExportOptions {
  /** Seconds per step written into the float parameters (default: the description's meta.dt, else 1). */
  dt?: number;
}

function arr(data: ArrayLike<number>, shape: number[] = [data.length]): NirArray {
  return { shape, data: Float64Array.from(data) };
}

/** Dense weights (u change per spike) and delays; `present` marks the synapses a sparse projection has. */
function dense(p: Projection, preSize: number, postSize: number): { weights: Float64Array; delays: Int32Array; present: Uint8Array } {
  const weights = new Float64Array(postSize * preSize);
  const delays = new Int32Array(postSize * preSize);
  const present = new Uint8Array(postSize * preSize).fill(p.synapses.kind === 'dense' ? 1 : 0);
  const syn = p.synapses;
  const delayOf = (i: number): number => (typeof syn.delays === 'number' ? syn.delays : syn.delays[i]!);
  if (syn.kind === 'dense') {
    for (let i = 0; i < weights.length; i++) {
      weights[i] = weightEffect(syn.weights[i]!, p.signMode, p.numWeightBits, p.weightExp);
      delays[i] = delayOf(i);
    }
  } else {
    for (let k = 0; k < syn.pre.length; k++) {
      const i = syn.post[k]! * preSize + syn.pre[k]!;
      weights[i] = weightEffect(syn.weights[k]!, p.signMode, p.numWeightBits, p.weightExp);
      delays[i] = delayOf(k);
      present[i] = 1;
    }
  }
  return { weights, delays, present };
}

/** Builds the NIR graph of a network; `notes` lists what only the extension keeps. */
export function exportNir(network: Network & { meta?: { dt?: number } }, options: ExportOptions = {}): { graph: NirGraph; notes: string[] } {
  validateNetwork(network);
  const dt = options.dt ?? network.meta?.dt ?? 1;
  if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`dt = ${dt} must be a positive number of seconds per step`);
  const notes: string[] = [];
  const nodes = new Map<string, NirNode>();
  const edges: Array<[string, string]> = [];
  const taken = new Set<string>([...network.groups.map((g) => g.name), ...network.sources.map((s) => s.name)]);
  const fresh = (base: string): string => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}#${k}`;
    taken.add(name);
    return name;
  };
  const sizeOf = new Map<string, number>();

  network.sources.forEach((s, index) => {
    sizeOf.set(s.name, s.size);
    const ext: Array<[string, H5Group | H5Dataset | undefined]> = [
      ['kind', str('source')],
      ['index', int(index)],
      ['name', str(s.name)],
      ['size', int(s.size)],
    ];
    if (s.spikes && s.spikes.length > 0) ext.push(['spikes', ints(s.spikes.flat(), [s.spikes.length, 2])]);
    if (s.spikes?.length) notes.push(`source '${s.name}': its ${s.spikes.length} built-in spikes are kept only in the synfire extension`);
    nodes.set(s.name, { type: 'Input', params: new Map([['shape', arr([s.size])]]), synfire: group(ext) });
  });

  const hasOutgoing = new Set(network.projections.map((p) => p.from));
  network.groups.forEach((g, index) => {
    sizeOf.set(g.name, g.size);
    const n = g.size;
    const VTH = g.vth * 2 ** VTH_SHIFT;
    // State units per NIR voltage unit: the threshold becomes 1 (vth = 0 cannot be scaled; threshold 0 then).
    const scale = VTH > 0 ? VTH : 1;
    const alpha = (g.du + 1) / DECAY_UNITY;
    const beta = g.dv / DECAY_UNITY;
    const bias = Array.from(g.biasMant, (m) => m * 2 ** g.biasExp);
    const vLeak = bias.map((b) => (beta > 0 ? b / (scale * beta) : 0));
    if (beta === 0 && bias.some((b) => b !== 0))
      notes.push(`group '${g.name}': dv = 0 (no leak) cannot carry a bias in NIR's v_leak; the bias is kept only in the extension`);
    if (beta === 0)
      notes.push(
        `group '${g.name}': dv = 0 has no NIR equivalent (NIR scales the input by dt/tau_mem); r is written as 1 and only the extension is exact`,
      );
    if (g.vth === 0) notes.push(`group '${g.name}': vth = 0 is written as v_threshold = 0, which a float-only import refuses`);
    if (g.refractory > 0) notes.push(`group '${g.name}': refractory = ${g.refractory} has no NIR parameter; kept only in the extension`);
    if (g.uInit || g.vInit) notes.push(`group '${g.name}': initial u/v are kept only in the extension`);
    const cuba = g.du < RANGES.du.max;
    const params = new Map<string, NirArray | string>();
    const fill = (x: number): NirArray => arr(new Array<number>(n).fill(x));
    if (cuba) {
      params.set('tau_syn', fill(dt / alpha));
      params.set('tau_mem', fill(beta > 0 ? dt / beta : Infinity));
      params.set('w_in', fill(1 / alpha));
    } else {
      params.set('tau', fill(beta > 0 ? dt / beta : Infinity));
    }
    params.set('r', fill(beta > 0 ? 1 / beta : 1));
    params.set('v_leak', arr(vLeak));
    params.set('v_threshold', fill(g.vth > 0 ? 1 : 0));
    params.set('v_reset', fill(0));
    const ext: Array<[string, H5Group | H5Dataset | undefined]> = [
      ['kind', str('group')],
      ['index', int(index)],
      ['name', str(g.name)],
      ['size', int(n)],
      ['du', int(g.du)],
      ['dv', int(g.dv)],
      ['vth', int(g.vth)],
      ['biasMant', ints(g.biasMant)],
      ['biasExp', int(g.biasExp)],
      ['refractory', int(g.refractory)],
      ['uInit', g.uInit ? ints(g.uInit) : undefined],
      ['vInit', g.vInit ? ints(g.vInit) : undefined],
    ];
    nodes.set(g.name, { type: cuba ? 'CubaLIF' : 'LIF', params, synfire: group(ext) });
    if (!hasOutgoing.has(g.name)) {
      const out = fresh(`${g.name}.output`);
      nodes.set(out, { type: 'Output', params: new Map([['shape', arr([n])]]) });
      edges.push([g.name, out]);
    }
  });

  network.projections.forEach((p, index) => {
    const preSize = sizeOf.get(p.from)!;
    const postSize = sizeOf.get(p.to)!;
    const toGroup = network.groups.find((g) => g.name === p.to)!;
    const scale = toGroup.vth > 0 ? toGroup.vth * 2 ** VTH_SHIFT : 1;
    const { weights, delays, present } = dense(p, preSize, postSize);
    const nodeName = fresh(p.name);
    const syn = p.synapses;
    const ext: Array<[string, H5Group | H5Dataset | undefined]> = [
      ['kind', str('projection')],
      ['index', int(index)],
      ['name', str(p.name)],
      ['from', str(p.from)],
      ['to', str(p.to)],
      ['weightExp', int(p.weightExp)],
      ['numWeightBits', int(p.numWeightBits)],
      ['signMode', str(p.signMode)],
      ['synapses', str(syn.kind)],
      ['weights', ints(syn.weights)],
      ['delays', typeof syn.delays === 'number' ? int(syn.delays) : ints(syn.delays)],
      ['pre', syn.kind === 'sparse' ? ints(syn.pre) : undefined],
      ['post', syn.kind === 'sparse' ? ints(syn.post) : undefined],
    ];
    if (p.learning) {
      const l = p.learning;
      ext.push([
        'learning',
        group([
          ['dw', str(l.dw)],
          ['reward', l.reward === undefined ? undefined : str(l.reward)],
          ['wMin', l.wMin === undefined ? undefined : int(l.wMin)],
          ['wMax', l.wMax === undefined ? undefined : int(l.wMax)],
        ]),
      ]);
      notes.push(`projection '${p.name}': its learning rule has no NIR primitive; kept only in the extension`);
    }
    nodes.set(nodeName, {
      type: 'Linear',
      params: new Map([
        [
          'weight',
          arr(
            weights.map((w) => w / scale),
            [postSize, preSize],
          ),
        ],
      ]),
      synfire: group(ext),
    });
    // A delay that depends only on the source neuron is a NIR Delay node before the Linear node.
    let perPre: Float64Array | undefined = new Float64Array(preSize).fill(-1);
    for (let k = 0; k < delays.length && perPre; k++) {
      if (!present[k]) continue;
      const j = k % preSize;
      if (perPre[j] === -1) perPre[j] = delays[k]!;
      else if (perPre[j] !== delays[k]) perPre = undefined;
    }
    // A source neuron without synapses takes the first delay found (it never delivers anything).
    if (perPre) perPre = perPre.map((d, _j, all) => (d === -1 ? (all.find((x) => x !== -1) ?? 0) : d));
    if (perPre?.some((d) => d !== 0)) {
      const delayName = fresh(`${p.name}.delay`);
      nodes.set(delayName, { type: 'Delay', params: new Map([['delay', arr(perPre.map((d) => d * dt))]]) });
      edges.push([p.from, delayName], [delayName, nodeName]);
    } else {
      if (!perPre) notes.push(`projection '${p.name}': per-synapse delays that vary across targets are kept only in the extension`);
      edges.push([p.from, nodeName]);
    }
    edges.push([nodeName, p.to]);
  });

  const root = group([
    ['format', str(EXTENSION_FORMAT)],
    ['dt', float(dt)],
  ]);
  return { graph: { version: NIR_VERSION, nodes, edges, synfire: root }, notes };
}
