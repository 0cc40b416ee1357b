/**
 * The WebGPU layout of a validated network: one neuron index space (compartments of all groups, then source
 * neurons), per-projection synapse storage by strategy, the delay ring and weight_exp < 0 scratch sizes, and
 * the static i32 tables the kernels read (offsets and strides in kernels/tables.ts). Pure TypeScript, no GPU.
 */
import type { Network, Projection } from '../../network/types.ts';
import { biasValue, thresholdValue } from '../../loihi/neuron.ts';
import { parseLearningRule } from '../../loihi/learning.ts';
import { learningBounds } from '../../network/validate.ts';
import type { RecordingOptions } from '../types.ts';
import { chooseStrategy, type StoredSynapses, type StrategyName } from './strategies.ts';
import { GROUP, GROUP_STRIDE, KIND_CSR, KIND_DENSE, NEG_STRIDE, SEG, SEG_STRIDE } from './kernels/tables.ts';

/** A group or source in the neuron index space. */
export interface PopulationLayout {
  name: string;
  /** First neuron (global index; sources follow all compartments). */
  start: number;
  size: number;
  isSource: boolean;
}

/** A projection as laid out on the GPU. */
export interface ProjectionLayout {
  name: string;
  description: Projection;
  strategy: StrategyName;
  stored: StoredSynapses;
  pre: PopulationLayout;
  post: PopulationLayout;
  /** First synapse word of the projection in each replica's weights. */
  wBase: number;
  /** Entries of the description layout (dense: post*pre; sparse: synapses). */
  descLength: number;
  plastic: boolean;
  /** 0: none, 1: event-driven in deliver.wgsl, 2: every synapse every step in learn.wgsl. */
  learnMode: number;
  /** Largest delay of the projection's synapses. */
  maxDelay: number;
}

/** Recording options resolved to populations. */
export interface RecordingLayout {
  spikeGroups: PopulationLayout[];
  /** Bit offset of each recorded group in a spike row (parallel to spikeGroups). */
  spikeOffsets: number[];
  /** Words per spike row and replica. */
  recWords: number;
  stateGroups: PopulationLayout[];
  /** Offset of each recorded group in a u/v row (parallel to stateGroups). */
  stateOffsets: number[];
  /** Compartments per u/v row and replica. */
  stateN: number;
  stateSteps: number[];
}

/** The whole layout. */
export interface GpuLayout {
  groups: PopulationLayout[];
  sources: PopulationLayout[];
  byName: Map<string, PopulationLayout>;
  /** Compartments. */
  N: number;
  /** Compartments + source neurons. */
  Npre: number;
  /** Source neurons. */
  sourceNeurons: number;
  projections: ProjectionLayout[];
  projectionByName: Map<string, ProjectionLayout>;
  /** Delay ring rows: a power of two > the largest delay. */
  ringSize: number;
  /** Scratch words per replica for weight_exp < 0 group sums. */
  scratchSize: number;
  /** Synapse words per replica. */
  wTotal: number;
  /** Static tables for the kernels, and where each part starts. */
  tables: Int32Array<ArrayBuffer>;
  offsets: { neuronOff: number; groupOff: number; negOff: number; segOff: number; learnOff: number };
  learnSegs: number;
  learnItems: number;
  hasEventLearning: boolean;
  hasSynapses: boolean;
  recording: RecordingLayout;
  /** Bytes of synapse storage per replica (weights) and shared (CSR indices). */
  synapseBytes: { perReplica: number; shared: number };
  /** Number of stored synapses per replica. */
  storedSynapses: number;
}

/** Per-projection strategy choice: one for all, or by projection name (others automatic). */
export type StrategyChoice = StrategyName | Readonly<Record<string, StrategyName>>;

function resolveRecording(options: RecordingOptions | undefined, groups: PopulationLayout[], byName: Map<string, PopulationLayout>): RecordingLayout {
  const resolve = (field: string, names: string[] | 'all' | undefined): PopulationLayout[] => {
    if (names === undefined) return [];
    if (names === 'all') return groups;
    return names.map((name, i) => {
      const group = byName.get(name);
      if (!group || group.isSource) {
        throw new RangeError(`recording.${field}[${i}] = '${name}' names no group (groups: ${groups.map((g) => g.name).join(', ')})`);
      }
      return group;
    });
  };
  const stateSteps = options?.stateSteps ?? [];
  stateSteps.forEach((step, i) => {
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`recording.stateSteps[${i}] = ${step} must be an integer >= 0`);
    if (i > 0 && step <= stateSteps[i - 1]!) {
      throw new RangeError(`recording.stateSteps[${i}] = ${step} must be greater than stateSteps[${i - 1}] = ${stateSteps[i - 1]}`);
    }
  });
  const spikeGroups = resolve('spikes', options?.spikes);
  const stateGroups = resolve('state', options?.state);
  const offsets = (list: PopulationLayout[]): { offsets: number[]; total: number } => {
    let total = 0;
    const out = list.map((g) => {
      const at = total;
      total += g.size;
      return at;
    });
    return { offsets: out, total };
  };
  const spikes = offsets(spikeGroups);
  const state = offsets(stateGroups);
  return {
    spikeGroups,
    spikeOffsets: spikes.offsets,
    recWords: Math.ceil(spikes.total / 32),
    stateGroups,
    stateOffsets: state.offsets,
    stateN: state.total,
    stateSteps: [...stateSteps],
  };
}

function strategyFor(choice: StrategyChoice | undefined, name: string): StrategyName | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  return choice[name];
}

/** The neuron index space: compartments of all groups, then source neurons. */
interface Populations {
  groups: PopulationLayout[];
  sources: PopulationLayout[];
  /** Groups, then sources (the pre-group index of the tables). */
  all: PopulationLayout[];
  byName: Map<string, PopulationLayout>;
  N: number;
  Npre: number;
}

function layoutPopulations(network: Network): Populations {
  let start = 0;
  const groups = network.groups.map((g): PopulationLayout => {
    const layout = { name: g.name, start, size: g.size, isSource: false };
    start += g.size;
    return layout;
  });
  const N = start;
  const sources = network.sources.map((s): PopulationLayout => {
    const layout = { name: s.name, start, size: s.size, isSource: true };
    start += s.size;
    return layout;
  });
  const all = [...groups, ...sources];
  return { groups, sources, all, byName: new Map(all.map((p) => [p.name, p])), N, Npre: start };
}

/** Synapse storage of every projection, in projection order, with the sizes it implies. */
interface ProjectionStorage {
  projections: ProjectionLayout[];
  wTotal: number;
  maxDelay: number;
  scratchSize: number;
  /** Per projection: its scratch base (weight_exp < 0), else -1. */
  scratchBase: number[];
}

function layoutProjections(network: Network, byName: Map<string, PopulationLayout>, strategies: StrategyChoice | undefined): ProjectionStorage {
  if (typeof strategies === 'object') {
    for (const name of Object.keys(strategies)) {
      if (!network.projections.some((p) => p.name === name)) throw new RangeError(`strategy given for unknown projection '${name}'`);
    }
  }
  let wTotal = 0;
  let maxDelay = 0;
  let scratchSize = 0;
  const scratchBase: number[] = [];
  const projections = network.projections.map((p): ProjectionLayout => {
    const pre = byName.get(p.from)!;
    const post = byName.get(p.to)!;
    const descLength = p.synapses.kind === 'dense' ? pre.size * post.size : p.synapses.pre.length;
    const shape = { name: p.name, kind: p.synapses.kind, preSize: pre.size, postSize: post.size, entries: descLength, plastic: !!p.learning };
    const strategy = chooseStrategy(shape, strategyFor(strategies, p.name));
    const stored = strategy.store(p, pre.size, post.size);
    let projMaxDelay = 0;
    for (let i = 0; i < stored.delay.length; i++) projMaxDelay = Math.max(projMaxDelay, stored.delay[i]!);
    maxDelay = Math.max(maxDelay, projMaxDelay);
    scratchBase.push(p.weightExp < 0 ? scratchSize : -1);
    if (p.weightExp < 0) scratchSize += (projMaxDelay + 1) * post.size;
    const rule = p.learning ? parseLearningRule(p.learning.dw) : undefined;
    const layout: ProjectionLayout = {
      name: p.name,
      description: p,
      strategy: strategy.name,
      stored,
      pre,
      post,
      wBase: wTotal,
      descLength,
      plastic: !!rule,
      learnMode: !rule ? 0 : rule.needsAllSynapses ? 2 : 1,
      maxDelay: projMaxDelay,
    };
    wTotal += stored.length;
    return layout;
  });
  return { projections, wTotal, maxDelay, scratchSize, scratchBase };
}

/** Where each part of the tables starts: neurons, pre-groups, scratch entries, segments, learning items, CSR. */
interface TablePlan {
  offsets: GpuLayout['offsets'];
  csrOff: number;
  length: number;
  /** Projection indices in segment order (contiguous per pre-group, then projection order). */
  segOrder: number[];
  /** Projections learned by full scan (learn.wgsl), in segment order. */
  learnProjections: number[];
}

function planTables(network: Network, pops: Populations, projections: ProjectionLayout[]): TablePlan {
  const popIndex = new Map(pops.all.map((p, i) => [p.name, i]));
  const segOrder = projections
    .map((_, i) => i)
    .sort((a, b) => popIndex.get(projections[a]!.pre.name)! - popIndex.get(projections[b]!.pre.name)! || a - b);
  const negCount = network.projections.filter((p) => p.weightExp < 0).length;
  const learnProjections = segOrder.filter((i) => projections[i]!.learnMode === 2);
  const neuronOff = 0;
  const groupOff = neuronOff + 2 * pops.Npre;
  const negOff = groupOff + GROUP_STRIDE * pops.all.length;
  const segOff = negOff + NEG_STRIDE * negCount;
  const learnOff = segOff + SEG_STRIDE * projections.length;
  let csrWords = 0;
  for (const p of projections) if (p.stored.rowStart) csrWords += p.stored.rowStart.length + p.stored.target!.length;
  const csrOff = learnOff + 2 * learnProjections.length;
  return { offsets: { neuronOff, groupOff, negOff, segOff, learnOff }, csrOff, length: Math.max(4, csrOff + csrWords), segOrder, learnProjections };
}

/** Per neuron: [bias, pre-group index]. */
function writeNeurons(tables: Int32Array, network: Network, pops: Populations, off: number): void {
  network.groups.forEach((g, gi) => {
    const base = pops.groups[gi]!.start;
    for (let i = 0; i < g.size; i++) {
      tables[off + 2 * (base + i)] = biasValue(g.biasMant[i]!, g.biasExp);
      tables[off + 2 * (base + i) + 1] = gi;
    }
  });
  pops.sources.forEach((s, si) => {
    for (let i = 0; i < s.size; i++) tables[off + 2 * (s.start + i) + 1] = pops.groups.length + si;
  });
}

/** Per pre-group: the GROUP fields, its weight_exp < 0 scratch entries (as target) and its segment range. */
function writeGroups(
  tables: Int32Array,
  network: Network,
  pops: Populations,
  storage: ProjectionStorage,
  plan: TablePlan,
  rec: RecordingLayout,
): void {
  const { groupOff, negOff } = plan.offsets;
  const { projections, scratchBase } = storage;
  let negAt = 0;
  pops.all.forEach((pop, pi) => {
    const gb = groupOff + pi * GROUP_STRIDE;
    tables[gb + GROUP.start] = pop.start;
    tables[gb + GROUP.size] = pop.size;
    tables[gb + GROUP.recSpike] = -1;
    tables[gb + GROUP.recState] = -1;
    if (!pop.isSource) {
      const g = network.groups[pi]!;
      tables[gb + GROUP.du] = g.du;
      tables[gb + GROUP.dv] = g.dv;
      tables[gb + GROUP.vth] = thresholdValue(g.vth);
      tables[gb + GROUP.refractory] = g.refractory;
      const rs = rec.spikeGroups.indexOf(pop);
      if (rs >= 0) tables[gb + GROUP.recSpike] = rec.spikeOffsets[rs]!;
      const rv = rec.stateGroups.indexOf(pop);
      if (rv >= 0) tables[gb + GROUP.recState] = rec.stateOffsets[rv]!;
      tables[gb + GROUP.negStart] = negAt;
      projections.forEach((p, i) => {
        if (p.post !== pop || p.description.weightExp >= 0) return;
        const nb = negOff + NEG_STRIDE * negAt++;
        tables[nb] = scratchBase[i]!;
        tables[nb + 1] = p.description.weightExp;
        tables[nb + 2] = p.maxDelay + 1;
      });
      tables[gb + GROUP.negCount] = negAt - tables[gb + GROUP.negStart]!;
    }
    const first = plan.segOrder.findIndex((i) => projections[i]!.pre === pop);
    tables[gb + GROUP.segStart] = first < 0 ? 0 : first;
    tables[gb + GROUP.segCount] = plan.segOrder.filter((i) => projections[i]!.pre === pop).length;
  });
}

/** Per segment (projection, in segment order): the SEG fields, its CSR rows and its learning rule. */
function writeSegments(tables: Int32Array, pops: Populations, storage: ProjectionStorage, plan: TablePlan): void {
  const { segOff } = plan.offsets;
  const { projections, scratchBase } = storage;
  let csrAt = plan.csrOff;
  plan.segOrder.forEach((pi, k) => {
    const p = projections[pi]!;
    const d = p.description;
    const sb = segOff + k * SEG_STRIDE;
    tables[sb + SEG.kind] = p.stored.rowStart ? KIND_CSR : KIND_DENSE;
    tables[sb + SEG.preStart] = p.pre.start;
    tables[sb + SEG.postSize] = p.post.size;
    tables[sb + SEG.target] = d.weightExp >= 0 ? p.post.start : scratchBase[pi]!;
    tables[sb + SEG.exp] = d.weightExp;
    tables[sb + SEG.wBase] = p.wBase;
    tables[sb + SEG.postStart] = p.post.start;
    tables[sb + SEG.learn] = p.learnMode;
    tables[sb + SEG.rewardStart] = -1;
    if (p.stored.rowStart) {
      tables[sb + SEG.rowBase] = csrAt;
      tables.set(p.stored.rowStart, csrAt);
      csrAt += p.stored.rowStart.length;
      tables[sb + SEG.colBase] = csrAt;
      tables.set(p.stored.target!, csrAt);
      csrAt += p.stored.target!.length;
    }
    if (d.learning) {
      const rule = parseLearningRule(d.learning.dw);
      const bounds = learningBounds(d);
      tables[sb + SEG.wMin] = bounds.wMin;
      tables[sb + SEG.wMax] = bounds.wMax;
      if (d.learning.reward !== undefined) {
        const reward = pops.byName.get(d.learning.reward)!;
        tables[sb + SEG.rewardStart] = reward.start;
        tables[sb + SEG.rewardCount] = reward.size;
      }
      tables.set(rule.table, sb + SEG.dw);
    }
  });
}

/** Full-scan learning items: [segment, first item] per projection; returns the item count (pre neurons). */
function writeLearnItems(tables: Int32Array, projections: ProjectionLayout[], plan: TablePlan): number {
  let learnItems = 0;
  plan.learnProjections.forEach((pi, k) => {
    tables[plan.offsets.learnOff + 2 * k] = plan.segOrder.indexOf(pi);
    tables[plan.offsets.learnOff + 2 * k + 1] = learnItems;
    learnItems += projections[pi]!.pre.size;
  });
  return learnItems;
}

/** Lays out a validated network for the WebGPU kernels. */
export function layoutNetwork(network: Network, recording?: RecordingOptions, strategies?: StrategyChoice): GpuLayout {
  const pops = layoutPopulations(network);
  const storage = layoutProjections(network, pops.byName, strategies);
  const { projections, wTotal } = storage;
  let ringSize = 1;
  while (ringSize < storage.maxDelay + 1) ringSize *= 2;

  const plan = planTables(network, pops, projections);
  const tables = new Int32Array(plan.length);
  writeNeurons(tables, network, pops, plan.offsets.neuronOff);
  const rec = resolveRecording(recording, pops.groups, pops.byName);
  writeGroups(tables, network, pops, storage, plan, rec);
  writeSegments(tables, pops, storage, plan);
  const learnItems = writeLearnItems(tables, projections, plan);

  let shared = 0;
  let storedSynapses = 0;
  for (const p of projections) {
    if (p.stored.rowStart) shared += 4 * (p.stored.rowStart.length + p.stored.target!.length);
    storedSynapses += p.stored.length;
  }
  return {
    groups: pops.groups,
    sources: pops.sources,
    byName: pops.byName,
    N: pops.N,
    Npre: pops.Npre,
    sourceNeurons: pops.Npre - pops.N,
    projections,
    projectionByName: new Map(projections.map((p) => [p.name, p])),
    ringSize,
    scratchSize: storage.scratchSize,
    wTotal,
    tables,
    offsets: plan.offsets,
    learnSegs: plan.learnProjections.length,
    learnItems,
    hasEventLearning: projections.some((p) => p.learnMode === 1),
    hasSynapses: projections.length > 0,
    recording: rec,
    synapseBytes: { perReplica: 4 * wTotal, shared },
    storedSynapses,
  };
}
