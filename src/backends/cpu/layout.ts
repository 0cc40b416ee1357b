/**
 * The flat layout of a network on the CPU backend: all compartments of all groups in one index space (group
 * offsets), then source neurons after them for spike flags; populations (groups, then sources) index the
 * per-step spike lists.
 */
import type { Network } from '../../network/types.ts';
import { biasValue, thresholdValue } from '../../loihi/neuron.ts';

/** A compartment group's place and parameters in the flat arrays. */
export interface GroupLayout {
  name: string;
  /** Index of the group in the population list (= its index in network.groups). */
  population: number;
  /** First compartment of the group in the flat compartment arrays. */
  offset: number;
  size: number;
  du: number;
  dv: number;
  /** VTH = vth << 6. */
  vthEff: number;
  refractory: number;
}

/** A spike source's place in the flat spike-flag array. */
export interface SourceLayout {
  name: string;
  population: number;
  /** Offset in the spike-flag array (after all compartments). */
  flagOffset: number;
  size: number;
}

/** The whole layout. */
export interface NetworkLayout {
  groups: GroupLayout[];
  sources: SourceLayout[];
  groupByName: Map<string, GroupLayout>;
  sourceByName: Map<string, SourceLayout>;
  /** Number of compartments. */
  compartments: number;
  /** Number of populations (groups + sources). */
  populations: number;
  /** Size of every population, by population index. */
  populationSize: Int32Array;
  /** Offset of every population in the spike-flag array. */
  flagOffset: Int32Array;
  /** Total length of the spike-flag array (compartments + source neurons). */
  flagLength: number;
  /** BIAS = bias_mant << bias_exp per compartment. */
  bias: Int32Array;
  /** Initial u and v per compartment. */
  uInit: Int32Array;
  vInit: Int32Array;
}

/** Lays out a validated network. */
export function layoutNetwork(network: Network): NetworkLayout {
  let offset = 0;
  const groups = network.groups.map((g, population): GroupLayout => {
    const layout = { name: g.name, population, offset, size: g.size, du: g.du, dv: g.dv, vthEff: thresholdValue(g.vth), refractory: g.refractory };
    offset += g.size;
    return layout;
  });
  const compartments = offset;
  const sources = network.sources.map((s, i): SourceLayout => {
    const layout = { name: s.name, population: groups.length + i, flagOffset: offset, size: s.size };
    offset += s.size;
    return layout;
  });
  const bias = new Int32Array(compartments);
  const uInit = new Int32Array(compartments);
  const vInit = new Int32Array(compartments);
  network.groups.forEach((g, gi) => {
    const base = groups[gi]!.offset;
    for (let i = 0; i < g.size; i++) {
      bias[base + i] = biasValue(g.biasMant[i]!, g.biasExp);
      uInit[base + i] = g.uInit?.[i] ?? 0;
      vInit[base + i] = g.vInit?.[i] ?? 0;
    }
  });
  const all = [...groups.map((g) => ({ size: g.size, flag: g.offset })), ...sources.map((s) => ({ size: s.size, flag: s.flagOffset }))];
  return {
    groups,
    sources,
    groupByName: new Map(groups.map((g) => [g.name, g])),
    sourceByName: new Map(sources.map((s) => [s.name, s])),
    compartments,
    populations: all.length,
    populationSize: Int32Array.from(all, (p) => p.size),
    flagOffset: Int32Array.from(all, (p) => p.flag),
    flagLength: offset,
    bias,
    uInit,
    vInit,
  };
}
