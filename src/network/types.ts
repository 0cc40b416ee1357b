/**
 * The network description: plain data saying what to simulate, never how. Both backends take it.
 * Semantics of every number: ../shared/docs/loihi-cuba.md (neurons, synapses) and nbp-circuit.md §2 (learning).
 * Validate with `validateNetwork` (src/network/validate.ts) before building any resources.
 */

import type { SignMode } from '../loihi/synapse.ts';

/** Sign mode of a projection's weights (defined with the synaptic arithmetic in src/loihi/synapse.ts). */
export type { SignMode };

/** A group of Loihi CUBA LIF compartments sharing du, dv, vth, bias_exp and refractory. */
export interface CompartmentGroup {
  name: string;
  size: number;
  /** Current decay, 0..4095 (effective constant du+1). 12 bits. */
  du: number;
  /** Voltage decay, 0..4096 (4096 clears v: nBP's memoryless units). 13 bits. */
  dv: number;
  /** Threshold mantissa, 0..131071; VTH = vth << 6. 17 bits. */
  vth: number;
  /** Per-compartment bias mantissa, -4096..4095 (13-bit signed), length `size`. */
  biasMant: ArrayLike<number>;
  /** Bias exponent, 0..7. */
  biasExp: number;
  /** Steps a compartment stays refractory after a spike, 0..63. */
  refractory: number;
  /** Initial current per compartment, -(2^23-1)..2^23 (default 0). */
  uInit?: ArrayLike<number>;
  /** Initial voltage per compartment, -(2^23-1)..2^23-1 (default 0). */
  vInit?: ArrayLike<number>;
}

/** A spike source: emits listed (step, index) spikes, treated like compartment spikes of that step. */
export interface SpikeSource {
  name: string;
  size: number;
  /** Spikes known when the network is built, as [step, index] pairs. More can be injected at run time. */
  spikes?: ReadonlyArray<readonly [number, number]>;
}

/** Dense synapses: `weights[post * preSize + pre]` (rows are targets, as in Lava); a zero weight is no synapse unless plastic. */
export interface DenseSynapses {
  kind: 'dense';
  /** Raw weights, -256..255, row-major [post][pre]. */
  weights: ArrayLike<number>;
  /** One delay (0..63) for all synapses, or one per weight (same layout). */
  delays: number | ArrayLike<number>;
}

/** Sparse synapses as coordinate lists; at most one synapse per (pre, post) pair. */
export interface SparseSynapses {
  kind: 'sparse';
  pre: ArrayLike<number>;
  post: ArrayLike<number>;
  /** Raw weights, -256..255. */
  weights: ArrayLike<number>;
  /** One delay (0..63) for all synapses, or one per synapse. */
  delays: number | ArrayLike<number>;
}

/**
 * Loihi-style learning on a projection: every step, after delivery, each synapse gets
 * `w <- clamp(w + dw(x0, y0, r1), wMin, wMax)` (nbp-circuit.md §2, spike-then-learn).
 */
export interface LearningRule {
  /** Sum of products of x0 (pre spiked this step), y0 (post spiked this step), r1 (reward this step) with integer
   * coefficients, in Loihi's syntax, e.g. '4*x0*y0*r1 - 2*x0*y0'. */
  dw: string;
  /** Name of the spike source whose spikes at step t set r1 = 1 for step t (any index). */
  reward?: string;
  /** Saturation bounds of the stored weight (mixed 8-bit: -256 and 254). */
  wMin?: number;
  wMax?: number;
}

/** A block of synapses from a group or source to a group. */
export interface Projection {
  name: string;
  /** Name of a group or a source. */
  from: string;
  /** Name of a group. */
  to: string;
  /** -8..7; applied to the per-(target, delay, emission step) sum (Lava's order). */
  weightExp: number;
  /** 1..8. */
  numWeightBits: number;
  signMode: SignMode;
  synapses: DenseSynapses | SparseSynapses;
  /** Makes the projection plastic (weights change every step by the rule). */
  learning?: LearningRule;
}

/** A whole network: groups, sources and projections. Names are unique across groups and sources. */
export interface Network {
  groups: CompartmentGroup[];
  sources: SpikeSource[];
  projections: Projection[];
}
