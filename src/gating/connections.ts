/**
 * Synfire gating (Sornborger et al.; nbp.md §2–3): gated populations sit far below threshold (bias −8192 weight
 * units, threshold 1024), and a gate pulse lifts them for one step to a level at which the data input decides.
 * This file holds the gating levels, the compartment kinds and the non-plastic projection shapes (1:1, 1:all).
 */
import type { CompartmentGroup, Projection } from '../network/types.ts';
import { encodeWeight } from './encoding.ts';

/** Threshold of every gated unit and gate, weight units (vth 1024 → VTH = 1024·64). */
export const THRESHOLD = 1024;
/** Magnitude of the bias of a gated unit, weight units (bias −8192·64 = mant −4096, exp 7). */
export const BIAS = 8192;

/**
 * Gating levels, weight units (network_parameters_2layer_MNIST.py). The names used in the authors' connection
 * types are given beside each one.
 */
export const GATING_WEIGHTS = {
  /** 'g': lifts the unit to Θ/2 below threshold, so it fires iff its data input exceeds 512. */
  gate: BIAS + THRESHOLD / 2,
  /** 'gm05': the other half; with `gate` the unit sits exactly at threshold and fires iff data > 0. */
  halfGate: THRESHOLD / 2,
  /** 'gp05': cancels the bias only, so the unit fires iff data > 1024. */
  biasCancel: BIAS,
  /** 'gi': −254·2^5; silences a population in a step where it must not fire. */
  inhibit: -254 * 2 ** 5,
  /** '1ge': gate → next gate. calculate_mant_exp(9216) has exponent 6, so 9216 + 2^6 rounds safely. */
  ring: BIAS + THRESHOLD + 2 ** 6,
  /** '1e': one relayed spike of a gated unit; 512 + 8 "to avoid rounding errors". */
  relay: THRESHOLD / 2 + 8,
  /** '1i': cancels one relay input. */
  relayInhibit: -(THRESHOLD / 2 + 8),
} as const;

/** A named gating level. */
export type GatingLevel = keyof typeof GATING_WEIGHTS;

/** du and dv of every nBP compartment: memoryless units (τ = 1; loihi-cuba.md, "Full decay"). */
const MEMORYLESS = { du: 4095, dv: 4096 } as const;

/** A gate: one compartment, no bias, fires on one ring input; refractory 0 (NxSDK refractoryDelay 1). */
export function gateGroup(name: string): CompartmentGroup {
  return { name, size: 1, ...MEMORYLESS, vth: THRESHOLD, biasMant: [0], biasExp: 0, refractory: 0 };
}

/**
 * A gated population: bias −8192·64 (mant −4096, exp 7), threshold 1024·64. `refractory` is synfire's count of
 * blocked steps (NxSDK refractoryDelay − 1): 1 for plain and learning units, 0 where a unit fires on consecutive
 * steps (h1T).
 */
export function gatedGroup(name: string, size: number, refractory: number): CompartmentGroup {
  return {
    name,
    size,
    ...MEMORYLESS,
    vth: THRESHOLD,
    biasMant: new Int32Array(size).fill(-(BIAS * 64) / 2 ** 7),
    biasExp: 7,
    refractory,
  };
}

/** One pre (a gate) to every unit of `to`, all with the same weight: a dense size×1 matrix. */
export function oneToAll(name: string, from: string, to: string, toSize: number, weight: number, delay = 0): Projection {
  const enc = encodeWeight(weight);
  return {
    name,
    from,
    to,
    weightExp: enc.exp,
    numWeightBits: enc.numWeightBits,
    signMode: enc.signMode,
    synapses: { kind: 'dense', weights: new Int32Array(toSize).fill(enc.mant), delays: delay },
  };
}

/** Unit i of `from` to unit i of `to` for i < size, all with the same weight: a sparse diagonal. */
export function oneToOne(name: string, from: string, to: string, size: number, weight: number, delay = 0): Projection {
  const enc = encodeWeight(weight);
  const index = Int32Array.from({ length: size }, (_, i) => i);
  return {
    name,
    from,
    to,
    weightExp: enc.exp,
    numWeightBits: enc.numWeightBits,
    signMode: enc.signMode,
    synapses: { kind: 'sparse', pre: index, post: index.slice(), weights: new Int32Array(size).fill(enc.mant), delays: delay },
  };
}
