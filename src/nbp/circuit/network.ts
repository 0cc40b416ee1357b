/**
 * Builds the nBP training circuit (27 groups, 4 sources, 102 projections) and the 4-step inference circuit
 * (7 groups, 2 sources, 11 projections) as network descriptions, from the tables in ./topology.ts.
 */
import type { CompartmentGroup, LearningRule, Network, Projection, SpikeSource } from '../../network/types.ts';
import { gateGroup, gatedGroup, oneToAll, oneToOne } from '../../gating/connections.ts';
import { PhaseClock } from '../../gating/chain.ts';
import type { NbpShape, NbpWeights } from '../types.ts';
import { MIXED_8BIT_WEIGHTS } from '../../loihi/synapse.ts';
import {
  CONNECTION_TYPES,
  INFERENCE_CONNECTIONS,
  INFERENCE_POPULATIONS,
  REFRACTORY,
  TRAINING_CONNECTIONS,
  TRAINING_POPULATIONS,
  connectionName,
  type Connection,
  type LayerKind,
  type Population,
} from './topology.ts';
import { circuitMatrices, type PlasticProjections } from './weights.ts';

/** nBP's learning rule on all 8 plastic matrices (nbp.md §4.2): ±2 per coincidence, sign set by the reward. */
export const NBP_LEARNING_RULE: LearningRule = {
  dw: '4*x0*y0*r1 - 2*x0*y0',
  reward: 'reward',
  wMin: MIXED_8BIT_WEIGHTS.min,
  wMax: MIXED_8BIT_WEIGHTS.max,
};

/** The plastic projection names of the training circuit. */
export const TRAINING_PLASTIC: PlasticProjections = {
  W1: ['x->h1:p', 'x->h1_copy:p', 'x->h1_copy2:p'],
  W2: ['h1->o:p', 'h1->o_copy:p', 'h1->o_copy2:p'],
  P: 'o->h1T:p',
  M: 'oT-->h1T:p',
};

/** The fixed W1/W2 projections of the inference circuit. */
export const INFERENCE_WEIGHTS = { W1: 'x->h1:f', W2: 'h1->o:f' } as const;

/** A built circuit: its description, its phase clock and its populations. */
export interface BuiltCircuit {
  network: Network;
  clock: PhaseClock;
  populations: readonly Population[];
}

function layerSize(shape: NbpShape, layer: LayerKind): number {
  return layer === 'in' ? shape.nIn : layer === 'hid' ? shape.nHid : layer === 'out' ? shape.nOut : 1;
}

function checkShape(shape: NbpShape): void {
  for (const key of ['nIn', 'nHid', 'nOut'] as const) {
    const n = shape[key];
    if (!Number.isInteger(n) || n < 1 || n > 1 << 20) throw new Error(`shape.${key} must be an integer in 1..${1 << 20}, got ${n}`);
  }
}

function groupsOf(shape: NbpShape, populations: readonly Population[]): CompartmentGroup[] {
  return populations.map((p) => (p.neuron === 'gate' ? gateGroup(p.name) : gatedGroup(p.name, layerSize(shape, p.layer), REFRACTORY[p.neuron])));
}

/**
 * Projections of a connection table. `sizes` gives every group's and source's size; `plastic` supplies the
 * (post, pre) matrix of each all:all connection by projection name.
 */
function projectionsOf(
  connections: readonly Connection[],
  sizes: ReadonlyMap<string, number>,
  allToAll: ReadonlyMap<string, Int32Array>,
  rule: LearningRule | undefined,
): Projection[] {
  return connections.map((c) => {
    const [pre, post, typeName] = c;
    const type = CONNECTION_TYPES[typeName];
    const name = connectionName(c);
    const preSize = sizes.get(pre);
    const postSize = sizes.get(post);
    if (!type || preSize === undefined || postSize === undefined) throw new Error(`circuit table: bad connection ${name}`);
    if (type.weight === 'plastic' || type.weight === 'fixed') {
      const weights = allToAll.get(name);
      if (!weights || weights.length !== preSize * postSize) throw new Error(`circuit: no ${postSize}×${preSize} matrix for ${name}`);
      const projection: Projection = {
        name,
        from: pre,
        to: post,
        weightExp: 0,
        numWeightBits: 8,
        signMode: 'mixed',
        // Zeros are kept: every pair is a synapse that can learn (nbp-circuit.md §2).
        synapses: { kind: 'dense', weights, delays: type.delay },
      };
      if (type.weight === 'plastic' && rule) projection.learning = { ...rule };
      return projection;
    }
    if (type.connectivity === '1:all') {
      if (preSize !== 1) throw new Error(`circuit: ${name} is 1:all but ${pre} has ${preSize} units`);
      return oneToAll(name, pre, post, postSize, type.weight, type.delay);
    }
    if (preSize !== postSize) throw new Error(`circuit: ${name} is 1:1 but sizes differ (${preSize} vs ${postSize})`);
    return oneToOne(name, pre, post, postSize, type.weight, type.delay);
  });
}

/**
 * The training circuit with the given initial weights (fused layout; copies all start equal). The kick
 * source lists its one spike; input, target and reward spikes are injected per sample (SOURCE_PHASES).
 */
export function buildTrainingCircuit(shape: NbpShape, initial: NbpWeights): BuiltCircuit {
  checkShape(shape);
  const groups = groupsOf(shape, TRAINING_POPULATIONS);
  const clock = new PhaseClock(12);
  const sources: SpikeSource[] = [
    { name: 'input', size: shape.nIn },
    { name: 'in_tgt', size: shape.nOut },
    { name: 'in_g', size: 1, spikes: [[clock.period - 2, 0]] },
    { name: 'reward', size: 1 },
  ];
  const sizes = new Map<string, number>([...groups.map((g) => [g.name, g.size] as const), ...sources.map((s) => [s.name, s.size] as const)]);
  const matrices = circuitMatrices(shape, initial, TRAINING_PLASTIC);
  const projections = projectionsOf(TRAINING_CONNECTIONS, sizes, matrices, NBP_LEARNING_RULE);
  return { network: { groups, sources, projections }, clock, populations: TRAINING_POPULATIONS };
}

/** The 4-step inference circuit with fixed W1 (nIn×nHid) and W2 (nHid×nOut) in fused layout. */
export function buildInferenceCircuit(shape: NbpShape, w: Pick<NbpWeights, 'W1' | 'W2'>): BuiltCircuit {
  checkShape(shape);
  const groups = groupsOf(shape, INFERENCE_POPULATIONS);
  const clock = new PhaseClock(4);
  const sources: SpikeSource[] = [
    { name: 'input', size: shape.nIn },
    { name: 'in_g', size: 1, spikes: [[clock.period - 2, 0]] },
  ];
  const sizes = new Map<string, number>([...groups.map((g) => [g.name, g.size] as const), ...sources.map((s) => [s.name, s.size] as const)]);
  const zeros = new Int32Array(shape.nHid * shape.nOut);
  const m = circuitMatrices(shape, { W1: w.W1, W2: w.W2, P: zeros, M: zeros }, TRAINING_PLASTIC);
  const matrices = new Map([
    [INFERENCE_WEIGHTS.W1, m.get(TRAINING_PLASTIC.W1[0])!],
    [INFERENCE_WEIGHTS.W2, m.get(TRAINING_PLASTIC.W2[0])!],
  ]);
  const projections = projectionsOf(INFERENCE_CONNECTIONS, sizes, matrices, undefined);
  return { network: { groups, sources, projections }, clock, populations: INFERENCE_POPULATIONS };
}

/** Number of synapses of a projection (dense: every entry, zeros included). */
export function synapseCount(p: Projection): number {
  return p.synapses.kind === 'dense' ? p.synapses.weights.length : p.synapses.pre.length;
}
