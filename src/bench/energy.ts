/**
 * What a run would cost on Loihi 1, estimated from synfire's own event counts (synaptic ops, compartment updates,
 * learning updates, spike messages, per timestep) and the chip's published per-operation energies and times
 * (Davies et al., IEEE Micro 2018, Table 2; optional SANA-FE silicon calibration). Method and sources: docs/energy.md
 * and shared/docs/loihi-energy.md. Environment-neutral.
 */
import type { Network } from '../network/types.ts';

/** Per-event costs of the chip (energy in pJ, time in ns). */
export interface LoihiCosts {
  name: string;
  source: string;
  synOpPj: number;
  synOpNs: number;
  /** Learning-engine synaptic update (published for pairwise STDP only). */
  learnPj: number;
  learnNs: number;
  neuronActivePj: number;
  neuronInactivePj: number;
  neuronActiveNs: number;
  neuronInactiveNs: number;
  /** One spike message within a tile, plus the cost of each hop. */
  msgPj: number;
  msgNs: number;
  hopEwPj: number;
  hopNsPj: number;
  hopEwNs: number;
  hopNsNs: number;
  /** Barrier sync per timestep for 1 and for 32 tiles (linear in between: our fill). */
  barrierNs: [number, number];
}

/** Davies et al. 2018, Table 2 (0.75 V, pre-silicon; synaptic-op energy is a minimum, its time a maximum). */
export const DAVIES_2018: LoihiCosts = {
  name: 'Davies 2018 Table 2',
  source:
    'M. Davies et al., "Loihi: A Neuromorphic Manycore Processor with On-Chip Learning", IEEE Micro 38(1):82-99, 2018, Table 2, doi:10.1109/MM.2018.112130359',
  synOpPj: 23.6,
  synOpNs: 3.5,
  learnPj: 120,
  learnNs: 6.1,
  neuronActivePj: 81,
  neuronInactivePj: 52,
  neuronActiveNs: 8.4,
  neuronInactiveNs: 5.3,
  msgPj: 1.7,
  msgNs: 2.1,
  hopEwPj: 3.0,
  hopNsPj: 4.0,
  hopEwNs: 4.1,
  hopNsNs: 6.5,
  barrierNs: [113, 465],
};

/**
 * SANA-FE's silicon-calibrated Loihi costs (Boyle et al., IEEE TCAD 2025, arch/loihi.yaml; dense synapses). It models no
 * learning engine, so learning keeps the Table 2 figure; its per-message send cost (111 pJ) replaces Table 2's 1.7 pJ.
 */
export const SANAFE_2025: LoihiCosts = {
  name: 'SANA-FE 2025 (silicon fit)',
  source:
    'J. Boyle et al., "SANA-FE: Simulating Advanced Neuromorphic Architectures for Fast Exploration", IEEE TCAD 2025, doi:10.1109/TCAD.2025.3537971 (github.com/SLAM-Lab/SANA-FE arch/loihi.yaml)',
  synOpPj: 35.5,
  synOpNs: 3.8,
  learnPj: 120,
  learnNs: 6.1,
  neuronActivePj: 51.2 + 21.6,
  neuronInactivePj: 51.2,
  neuronActiveNs: 6.0 + 3.7,
  neuronInactiveNs: 6.0,
  msgPj: 111,
  msgNs: 5.1 + 16,
  hopEwPj: 3.0,
  hopNsPj: 4.2,
  hopEwNs: 4.1,
  hopNsNs: 6.5,
  barrierNs: [600, 1800],
};

/** The paper's measured cost per sample (Renner et al. 2024, Table 1), shown beside every estimate. */
export const PAPER_NBP = {
  source: 'Renner et al., Nat. Commun. 15, 9691 (2024), Table 1, doi:10.1038/s41467-024-53827-9',
  train: { energyJ: 0.59e-3, timeS: 1.5e-3, steps: 12 },
  infer: { energyJ: 0.0025e-3, timeS: 0.17e-3, steps: 4 },
} as const;

/** The connectivity the count needs: populations and coordinate lists of synapses. */
export interface EnergyNetwork {
  populations: Array<{ name: string; size: number /** false for spike generators (no compartment). */; compartments: boolean }>;
  projections: Array<{ name: string; from: string; to: string; pre: ArrayLike<number>; post: ArrayLike<number>; plastic: boolean }>;
}

/** How the network is laid out on the chip (loihi-energy.md §4). */
export interface ChipMapping {
  /** Compartments per core; each population starts on a fresh core. Default 6 (nBP's layout). */
  neuronsPerCore: number;
  /** Cores per tile (Loihi 1: 4 cores share a router). */
  coresPerTile: number;
  /** Average hops per message, east-west and north-south. */
  hopsEw: number;
  hopsNs: number;
}

/** Default mapping: 6 neurons per core, 4 cores per tile, 2 + 2 hops per message (the worked example's 4 hops). */
export const DEFAULT_MAPPING: ChipMapping = { neuronsPerCore: 6, coresPerTile: 4, hopsEw: 2, hopsNs: 2 };

/** Event counts of a run over `steps` timesteps, summed (per step in `perStep`). */
export interface EventCounts {
  steps: number;
  synOps: number;
  /** Compartment updates (every configured compartment is visited once per step). */
  neuronUpdates: number;
  messages: number;
  /** Learning updates if the engine visits only synapses whose pre-neuron spiked this step. */
  learnVisited: number;
  /** Learning updates if it visits every plastic synapse every step (learning epoch 1). */
  learnFullSweep: number;
  cores: number;
  perStep: Array<{ synOps: number; messages: number; learnVisited: number; spikes: number }>;
  /** Time-critical loads of the busiest core, summed over steps of each step's maximum. */
  busiest: { spikingNsLow: number; spikingNsHigh: number; learningNsLow: number; learningNsHigh: number; barrierNs: number };
}

/** Converts a network description into coordinate lists (dense: non-zero weights, or every weight when plastic). */
export function energyNetworkFrom(network: Network): EnergyNetwork {
  const sizeOf = new Map<string, number>([...network.groups, ...network.sources].map((g) => [g.name, g.size]));
  return {
    populations: [
      ...network.groups.map((g) => ({ name: g.name, size: g.size, compartments: true })),
      ...network.sources.map((s) => ({ name: s.name, size: s.size, compartments: false })),
    ],
    projections: network.projections.map((p) => {
      const plastic = !!p.learning;
      if (p.synapses.kind === 'sparse') return { name: p.name, from: p.from, to: p.to, pre: p.synapses.pre, post: p.synapses.post, plastic };
      const nPre = sizeOf.get(p.from) ?? 0;
      const nPost = sizeOf.get(p.to) ?? 0;
      const pre: number[] = [];
      const post: number[] = [];
      const w = p.synapses.weights;
      for (let j = 0; j < nPost; j++) {
        for (let i = 0; i < nPre; i++) {
          if (plastic || w[j * nPre + i] !== 0) {
            pre.push(i);
            post.push(j);
          }
        }
      }
      return { name: p.name, from: p.from, to: p.to, pre, post, plastic };
    }),
  };
}

/**
 * Counts events for recorded spikes (`spikes[population]` = [step, index] pairs over `steps` steps). Synaptic ops are
 * charged to the step the spike was emitted, at the core holding the target compartment.
 */
export function countEvents(
  net: EnergyNetwork,
  spikes: Record<string, ReadonlyArray<readonly [number, number]>>,
  steps: number,
  costs: LoihiCosts = DAVIES_2018,
  mapping: ChipMapping = DEFAULT_MAPPING,
): EventCounts {
  const npc = mapping.neuronsPerCore;
  const pops = new Map(net.populations.map((p) => [p.name, p]));
  // Core numbering: each compartment population starts on a fresh core.
  const firstCore = new Map<string, number>();
  let cores = 0;
  for (const p of net.populations) {
    if (!p.compartments) continue;
    firstCore.set(p.name, cores);
    cores += Math.ceil(p.size / npc);
  }
  const coreOf = (pop: string, index: number) => (firstCore.get(pop) ?? 0) + Math.floor(index / npc);
  // Per pre-neuron outgoing synapses: target cores and counts; and plastic synapses per target core.
  const outgoing = new Map<string, Array<Array<{ core: number; plastic: boolean }>>>();
  const plasticPerCore = new Float64Array(cores);
  let plasticTotal = 0;
  for (const proj of net.projections) {
    const from = pops.get(proj.from);
    if (!from || !pops.has(proj.to)) throw new Error(`energy: projection '${proj.name}' joins unknown population '${from ? proj.to : proj.from}'`);
    let lists = outgoing.get(proj.from);
    if (!lists) outgoing.set(proj.from, (lists = Array.from({ length: from.size }, () => [])));
    for (let s = 0; s < proj.pre.length; s++) {
      const core = coreOf(proj.to, proj.post[s]!);
      lists[proj.pre[s]!]!.push({ core, plastic: proj.plastic });
      if (proj.plastic) {
        plasticPerCore[core]!++;
        plasticTotal++;
      }
    }
  }
  const compartments = net.populations.filter((p) => p.compartments).reduce((n, p) => n + p.size, 0);
  const neuronsOnCore = new Float64Array(cores);
  for (const p of net.populations) if (p.compartments) for (let j = 0; j < p.size; j++) neuronsOnCore[coreOf(p.name, j)]!++;
  const tiles = Math.min(32, Math.max(1, Math.ceil(cores / mapping.coresPerTile)));
  const barrierNs = costs.barrierNs[0] + ((costs.barrierNs[1] - costs.barrierNs[0]) * (tiles - 1)) / 31;
  const hopNs = mapping.hopsEw * costs.hopEwNs + mapping.hopsNs * costs.hopNsNs;

  const perStep = Array.from({ length: steps }, () => ({ synOps: 0, messages: 0, learnVisited: 0, spikes: 0 }));
  const synOnCore = Array.from({ length: steps }, () => new Float64Array(cores));
  const learnOnCore = Array.from({ length: steps }, () => new Float64Array(cores));
  const msgsFromCore = Array.from({ length: steps }, () => new Float64Array(cores));
  for (const [name, list] of Object.entries(spikes)) {
    const pop = pops.get(name);
    if (!pop) throw new Error(`energy: spikes recorded for unknown population '${name}' (have: ${[...pops.keys()].join(', ')})`);
    const lists = outgoing.get(name);
    for (const [step, index] of list) {
      if (step < 0 || step >= steps) continue;
      if (index < 0 || index >= pop.size) throw new Error(`energy: spike index ${index} outside population '${name}' of size ${pop.size}`);
      const rec = perStep[step]!;
      rec.spikes++;
      const targets = lists?.[index] ?? [];
      const destCores = new Set<number>();
      for (const t of targets) {
        rec.synOps++;
        synOnCore[step]![t.core]!++;
        destCores.add(t.core);
        if (t.plastic) {
          rec.learnVisited++;
          learnOnCore[step]![t.core]!++;
        }
      }
      // One message per (spiking neuron, destination core); generators send from the host side, charged to no core.
      rec.messages += destCores.size;
      if (pop.compartments) msgsFromCore[step]![coreOf(name, index)]! += destCores.size;
    }
  }
  const busiest = { spikingNsLow: 0, spikingNsHigh: 0, learningNsLow: 0, learningNsHigh: 0, barrierNs: barrierNs * steps };
  for (let t = 0; t < steps; t++) {
    let lo = 0;
    let hi = 0;
    let learnLo = 0;
    for (let c = 0; c < cores; c++) {
      const base = costs.synOpNs * synOnCore[t]![c]! + msgsFromCore[t]![c]! * (costs.msgNs + hopNs);
      lo = Math.max(lo, base + costs.neuronInactiveNs * neuronsOnCore[c]!);
      hi = Math.max(hi, base + costs.neuronActiveNs * neuronsOnCore[c]!);
      learnLo = Math.max(learnLo, costs.learnNs * learnOnCore[t]![c]!);
    }
    busiest.spikingNsLow += lo;
    busiest.spikingNsHigh += hi;
    busiest.learningNsLow += learnLo;
    busiest.learningNsHigh += costs.learnNs * Math.max(0, ...plasticPerCore);
  }
  return {
    steps,
    synOps: perStep.reduce((n, s) => n + s.synOps, 0),
    neuronUpdates: compartments * steps,
    messages: perStep.reduce((n, s) => n + s.messages, 0),
    learnVisited: perStep.reduce((n, s) => n + s.learnVisited, 0),
    learnFullSweep: plasticTotal * steps,
    cores,
    perStep,
    busiest,
  };
}

/** An energy and time estimate per sample, as a range (low: inactive compartments, visited synapses only). */
export interface LoihiEstimate {
  costs: string;
  source: string;
  mapping: ChipMapping;
  /** Timesteps per sample (12 for nBP training, 4 for inference). */
  stepsPerSample: number;
  samples: number;
  perSample: { synOps: number; neuronUpdates: number; messages: number; learnVisited: number; learnFullSweep: number };
  /** Dynamic energy per sample, joules, by term; learning and neurons as [low, high]. */
  energyJ: { synOps: number; neurons: [number, number]; messages: number; learning: [number, number]; total: [number, number] };
  /** Time per sample, seconds: Table 2 terms only, and with a fitted per-step overhead. */
  timeS: { low: number; high: number; overheadPerStepS: number; withOverhead: [number, number] };
  paper: { energyJ: number; timeS: number };
  /** Events per step of a sample (averaged over samples), step 0 = the sample's first step. */
  perStep: Array<{ spikes: number; synOps: number; messages: number; learnVisited: number }>;
}

/** Fitted management/host overhead per step (loihi-energy.md §4: ≈41 µs, a fit to the paper's inference time, not a published figure). */
export const FITTED_OVERHEAD_S = 41e-6;

/** Averages per-step counts over samples (step t goes to t mod steps-per-sample); empty when steps do not divide. */
function foldSteps(counts: EventCounts, samples: number): LoihiEstimate['perStep'] {
  const per = counts.steps / samples;
  if (!Number.isInteger(per)) return [];
  const out = Array.from({ length: per }, () => ({ spikes: 0, synOps: 0, messages: 0, learnVisited: 0 }));
  counts.perStep.forEach((s, t) => {
    const o = out[t % per]!;
    o.spikes += s.spikes / samples;
    o.synOps += s.synOps / samples;
    o.messages += s.messages / samples;
    o.learnVisited += s.learnVisited / samples;
  });
  return out;
}

/** Turns event counts over `samples` samples into a per-sample energy and time estimate. */
export function estimateLoihi(
  counts: EventCounts,
  samples: number,
  mode: 'train' | 'infer',
  costs: LoihiCosts = DAVIES_2018,
  mapping: ChipMapping = DEFAULT_MAPPING,
): LoihiEstimate {
  if (!(samples > 0)) throw new Error(`energy: samples must be positive, got ${samples}`);
  const pj = 1e-12;
  const per = (x: number) => x / samples;
  const msgPj = costs.msgPj + mapping.hopsEw * costs.hopEwPj + mapping.hopsNs * costs.hopNsPj;
  const synOps = per(counts.synOps) * costs.synOpPj * pj;
  const neurons: [number, number] = [per(counts.neuronUpdates) * costs.neuronInactivePj * pj, per(counts.neuronUpdates) * costs.neuronActivePj * pj];
  const messages = per(counts.messages) * msgPj * pj;
  const learning: [number, number] = [per(counts.learnVisited) * costs.learnPj * pj, per(counts.learnFullSweep) * costs.learnPj * pj];
  const b = counts.busiest;
  const low = per(b.spikingNsLow + b.learningNsLow + b.barrierNs) * 1e-9;
  const high = per(b.spikingNsHigh + b.learningNsHigh + b.barrierNs) * 1e-9;
  const stepsPerSample = counts.steps / samples;
  const overhead = FITTED_OVERHEAD_S * stepsPerSample;
  const paper = mode === 'train' ? PAPER_NBP.train : PAPER_NBP.infer;
  return {
    costs: costs.name,
    source: costs.source,
    mapping,
    stepsPerSample,
    samples,
    perSample: {
      synOps: per(counts.synOps),
      neuronUpdates: per(counts.neuronUpdates),
      messages: per(counts.messages),
      learnVisited: per(counts.learnVisited),
      learnFullSweep: per(counts.learnFullSweep),
    },
    energyJ: {
      synOps,
      neurons,
      messages,
      learning,
      total: [synOps + neurons[0] + messages + learning[0], synOps + neurons[1] + messages + learning[1]],
    },
    timeS: { low, high, overheadPerStepS: FITTED_OVERHEAD_S, withOverhead: [low + overhead, high + overhead] },
    paper: { energyJ: paper.energyJ, timeS: paper.timeS },
    perStep: foldSteps(counts, samples),
  };
}
