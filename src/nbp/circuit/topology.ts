/**
 * The nBP circuit as data: populations, connection types and all 102 training connections in the order of
 * nbp-circuit.md §4 (which checked them against the authors' network_topology_2layer.py), and the 11
 * connections of the 4-step inference circuit.
 */
import { GATING_WEIGHTS } from '../../gating/connections.ts';

/** Which layer size a population takes: input, hidden, output, or a single gate unit. */
export type LayerKind = 'in' | 'hid' | 'out' | 'gate';

/** Compartment kinds (network_parameters_2layer_MNIST.py): n_sfc, n_sfl, n_sfl_nr, n_gat. */
export type NeuronKind = 'plain' | 'learning' | 'learningNoRefractory' | 'gate';

/** A population of the circuit and the phases it is designed to fire in. */
export interface Population {
  name: string;
  layer: LayerKind;
  neuron: NeuronKind;
  /** Phases (0..11 in training, 0..3 in inference) in which it may fire. */
  phases: readonly number[];
  /** What it holds, for rasters and reports. */
  role: string;
}

/** The synfire refractory count of each neuron kind (NxSDK refractoryDelay − 1; nbp-circuit.md §1). */
export const REFRACTORY: Record<NeuronKind, number> = { plain: 1, learning: 1, learningNoRefractory: 0, gate: 0 };

/** Connectivity of a connection type. */
export type Connectivity = '1:1' | '1:all' | 'all:all';

/** A connection type of the authors' parameter file: weight (weight units) or plastic, delay, connectivity. */
export interface ConnectionType {
  /** Weight in weight units; 'plastic' for the learned W matrices, 'fixed' for inference's frozen copies. */
  weight: number | 'plastic' | 'fixed';
  delay: number;
  connectivity: Connectivity;
}

const W = GATING_WEIGHTS;

/** Every connection type the circuits use (suffix _dN = delay N). */
export const CONNECTION_TYPES: Readonly<Record<string, ConnectionType>> = {
  '1e': { weight: W.relay, delay: 0, connectivity: '1:1' },
  '1e_d1': { weight: W.relay, delay: 1, connectivity: '1:1' },
  '1e_d3': { weight: W.relay, delay: 3, connectivity: '1:1' },
  '1e_d4': { weight: W.relay, delay: 4, connectivity: '1:1' },
  '1e_d5': { weight: W.relay, delay: 5, connectivity: '1:1' },
  '1i': { weight: W.relayInhibit, delay: 0, connectivity: '1:1' },
  '1i_d3': { weight: W.relayInhibit, delay: 3, connectivity: '1:1' },
  '1ge': { weight: W.ring, delay: 0, connectivity: '1:1' },
  g: { weight: W.gate, delay: 0, connectivity: '1:all' },
  g1: { weight: W.gate, delay: 0, connectivity: '1:1' },
  g1_d4: { weight: W.gate, delay: 4, connectivity: '1:1' },
  g1s: { weight: W.gate, delay: 0, connectivity: '1:1' },
  gm05: { weight: W.halfGate, delay: 0, connectivity: '1:all' },
  gp05: { weight: W.biasCancel, delay: 0, connectivity: '1:all' },
  gi: { weight: W.inhibit, delay: 0, connectivity: '1:all' },
  p: { weight: 'plastic', delay: 0, connectivity: 'all:all' },
  f: { weight: 'fixed', delay: 0, connectivity: 'all:all' },
};

/** A connection: pre → post of a type; pre may be a spike source. */
export type Connection = readonly [pre: string, post: string, type: string];

const gate = (j: number): string => `g${String(j).padStart(2, '0')}`;
const ring = (length: number): Connection[] => Array.from({ length }, (_, j) => [gate(j), gate((j + 1) % length), '1ge'] as const);
const fan = (pre: string, posts: string[], type: string): Connection[] => posts.map((post) => [pre, post, type] as const);
const H = ['h1', 'h1_copy', 'h1_copy2'];
const O = ['o', 'o_copy', 'o_copy2'];

/** The 102 training connections, numbered as in nbp-circuit.md §4 (index = row − 1). */
export const TRAINING_CONNECTIONS: readonly Connection[] = [
  ['input', 'x', '1e'], // 1
  ['in_tgt', 't', '1e'], // 2
  ['in_g', 'g00', '1ge'], // 3
  ...ring(12), // 4–15
  ['g01', 'x', 'g'], // 16
  ['g07', 'x', 'g'],
  ['g11', 'x', 'g'],
  ['x', 'm_x6', '1e_d4'], // 19
  ['g06', 'm_x6', 'g'],
  ['m_x6', 'x', '1e'],
  ['m_x6', 'x', '1e_d4'], // 22
  ...fan('x', H, 'p'), // 23–25
  ['g02', 'h1', 'g'], // 26
  ['g02', 'h1_copy', 'g'],
  ['g02', 'h1_copy', 'gm05'],
  ['g02', 'h1_copy2', 'gp05'], // 29
  ['h1', 'm_h1', '1e'],
  ['g03', 'm_h1', 'g'], // 31
  ...fan('h1', O, 'p'), // 32–34
  ['g03', 'o', 'g'], // 35
  ['g03', 'o_copy', 'g'],
  ['g03', 'o_copy', 'gm05'],
  ['g03', 'o_copy2', 'gp05'],
  ['g03', 't', 'g'], // 39
  ['o_copy', 'd+', 'g1s'],
  ['o_copy', 'd-', 'g1s'],
  ['t', 'd+', '1e'],
  ['o', 'd+', '1i'],
  ['o', 'd-', '1e'],
  ['t', 'd-', '1i'],
  ['o_copy2', 'd-', '1i'], // 46
  ...fan('d+', O, '1e'), // 47–49
  ['d+', 'oT-', '1e_d4'], // 50
  ...fan('d-', O, '1e_d4'), // 51–53
  ['d-', 'oT-', '1e'], // 54
  ['g04', 'h1T', 'gi'],
  ['g04', 'oT-', 'gi'], // 56
  ...fan('g05', ['h1', 'h1T', 'o', 'o_copy', 'o_copy2', 'oT-'], 'g'), // 57–62
  ['m_h1', 'h1', '1e_d1'],
  ['m_h1', 'h1T', '1e_d1'], // 64
  ['o', 'h1T', 'p'], // 65: w2Tp
  ['oT-', 'h1T', 'p'], // 66: w2Tm
  ['g06', 'h1T', 'g'],
  ['g06', 'h1T', 'gm05'], // 68
  ...fan('g06', O, 'gi'), // 69–71
  ['h1_copy', 'c_h1', '1e_d3'],
  ['h1_copy2', 'c_h1', '1i_d3'],
  ['g06', 'c_h1', 'g'], // 74
  ...H.flatMap((h): Connection[] => [
    ['c_h1', h, 'g1'],
    ['c_h1', h, 'g1_d4'],
  ]), // 75–80
  ...fan('h1T', H, '1e'), // 81–83
  ...fan('g08', H, 'gi'), // 84–86
  ...fan('g09', ['h1', 'h1T', 'o', 'o_copy', 'o_copy2', 'oT-'], 'g'), // 87–92
  ['m_h1', 'h1', '1e_d5'],
  ['m_h1', 'h1T', '1e_d5'], // 94
  ['g10', 'h1T', 'g'],
  ['g10', 'h1T', 'gm05'], // 96
  ...fan('g10', O, 'gi'), // 97–99
  ...fan('g00', O, 'gi'), // 100–102
];

/** The 11 connections of the inference circuit (connected_pairs_inf). */
export const INFERENCE_CONNECTIONS: readonly Connection[] = [
  ['input', 'x', '1e'],
  ['in_g', 'g00', '1ge'],
  ...ring(4),
  ['g01', 'x', 'g'],
  ['g02', 'h1', 'g'],
  ['g03', 'o', 'g'],
  ['x', 'h1', 'f'],
  ['h1', 'o', 'f'],
];

const gates = (n: number): Population[] =>
  Array.from({ length: n }, (_, j) => ({
    name: gate(j),
    layer: 'gate' as const,
    neuron: 'gate' as const,
    phases: [(j - 1 + n) % n],
    role: `gate of phase ${j}`,
  }));

/** The 27 compartment groups of the training circuit (nbp.md §1.2) with their designed firing phases. */
export const TRAINING_POPULATIONS: readonly Population[] = [
  { name: 'x', layer: 'in', neuron: 'plain', phases: [1, 7, 11], role: 'input x; replayed for W1 learning' },
  { name: 'm_x6', layer: 'in', neuron: 'plain', phases: [6], role: 'memory of x' },
  { name: 'h1', layer: 'hid', neuron: 'learning', phases: [2, 5, 7, 9, 11], role: 'hidden h; replay h; b∧d1±' },
  { name: 'h1_copy', layer: 'hid', neuron: 'learning', phases: [2, 7, 11], role: 'h^< = [a1 > 0]' },
  { name: 'h1_copy2', layer: 'hid', neuron: 'learning', phases: [2, 7, 11], role: 'h^> = [a1 > 1024]' },
  { name: 'c_h1', layer: 'hid', neuron: 'plain', phases: [6], role: 'derivative b = h^< ∧ ¬h^>' },
  { name: 'm_h1', layer: 'hid', neuron: 'plain', phases: [3], role: 'memory of h' },
  { name: 'h1T', layer: 'hid', neuron: 'learningNoRefractory', phases: [5, 6, 9, 10], role: 'replay h; d1⁺ (6); d1⁻ (10)' },
  { name: 'o', layer: 'out', neuron: 'learning', phases: [3, 5, 9], role: 'output o; d2⁺ (5); d2⁻ (9)' },
  { name: 'o_copy', layer: 'out', neuron: 'learning', phases: [3, 5, 9], role: 'o^< = [a2 > 0]' },
  { name: 'o_copy2', layer: 'out', neuron: 'learning', phases: [3, 5, 9], role: 'o^> = [a2 > 1024]' },
  { name: 't', layer: 'out', neuron: 'plain', phases: [3], role: 'target' },
  { name: 'd+', layer: 'out', neuron: 'plain', phases: [4], role: 'd2⁺ = t ∧ ¬o ∧ o^<' },
  { name: 'd-', layer: 'out', neuron: 'plain', phases: [4], role: 'd2⁻ = o ∧ ¬t ∧ ¬o^>' },
  { name: 'oT-', layer: 'out', neuron: 'learning', phases: [5, 9], role: 'drives −W2ᵀ: d2⁻ (5), d2⁺ (9)' },
  ...gates(12),
];

/** The 7 compartment groups of the inference circuit. */
export const INFERENCE_POPULATIONS: readonly Population[] = [
  { name: 'x', layer: 'in', neuron: 'plain', phases: [1], role: 'input x' },
  { name: 'h1', layer: 'hid', neuron: 'learning', phases: [2], role: 'hidden h' },
  { name: 'o', layer: 'out', neuron: 'learning', phases: [3], role: 'output o' },
  ...gates(4),
];

/** What each of the 12 training phases computes (nbp.md §3), for raster labels. */
export const TRAINING_PHASE_LABELS: readonly string[] = [
  'idle (g00 inhibits o)',
  'input x',
  'hidden: h, h^<, h^> from W1ᵀx',
  'output: o, o^<, o^> from W2ᵀh; target t; store h',
  'error d2⁺, d2⁻',
  'W2 potentiation (reward): replay h, o = d2⁺',
  'backprop d1⁺ = [W2ᵀd2 > 0]; b; store x',
  'W1 potentiation (reward): replay x, h = b∧d1⁺',
  'idle (g08 inhibits h)',
  'W2 depression: replay h, o = d2⁻',
  'backprop d1⁻',
  'W1 depression: replay x, h = b∧d1⁻',
];

/** Spike sources of the training circuit: input, target, gate kick-start, reward. */
export const TRAINING_SOURCES = ['input', 'in_tgt', 'in_g', 'reward'] as const;

/** The phase whose step lists each per-sample source's spikes (nbp-circuit.md §1, minus one for 0-based steps). */
export const SOURCE_PHASES = {
  /** input at 12(k+1)+1 NxSDK → phase 0; x fires in phase 1. */
  input: 0,
  /** in_tgt at 12(k+1)+3 NxSDK → phase 2; t fires in phase 3. */
  target: 2,
  /** reward at 12(k+1)+6 and +8 NxSDK → the steps of phases 5 and 7 themselves (r1 acts in its own step). */
  reward: [5, 7] as readonly number[],
} as const;

/** Names of the projection of a connection: `pre->post:type` (unique: duplicate pairs differ in type). */
export function connectionName(c: Connection): string {
  return `${c[0]}->${c[1]}:${c[2]}`;
}
