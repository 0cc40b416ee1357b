/**
 * Synapse words: how a projection's stored weights live in the GPU weights buffer. One i32 per stored synapse,
 * (W << 7) | (exists << 6) | delay, W the stored (quantized) weight; deliver.wgsl and learn.wgsl read and
 * rewrite them. "Exists" follows the CPU oracle's notion of a synapse (it decides the synaptic event count).
 */
import { quantizeWeight } from '../../loihi/synapse.ts';
import type { GpuLayout, ProjectionLayout } from './layout.ts';

/** Bit 6 of a synapse word: the synapse exists (counts as a synaptic event even with weight 0). */
export const PRESENT_BIT = 1 << 6;

/**
 * Packs a stored weight, its delay and whether the synapse exists into one synapse word:
 * (W << 7) | (present << 6) | delay. |W| < 2^24 fits.
 */
export function synapseWord(weight: number, delay: number, present: boolean): number {
  return (weight << 7) | (present ? PRESENT_BIT : 0) | delay;
}

/**
 * Synapse words of one projection from raw description-layout weights (quantized as at load), written into
 * `out` at the projection's stored positions (relative to `out`'s start). As on the CPU, a synapse exists
 * for every entry of a sparse or plastic projection, and for every nonzero raw entry of a dense one.
 */
export function packWeights(p: ProjectionLayout, raw: ArrayLike<number>, out: Int32Array): void {
  const { signMode, numWeightBits } = p.description;
  const { position, delay } = p.stored;
  for (let i = 0; i < p.descLength; i++) {
    const at = position[i]!;
    out[at] = synapseWord(quantizeWeight(raw[i]!, signMode, numWeightBits), delay[at]!, exists(p, raw[i]!));
  }
}

/** Whether description entry i with raw weight w is a synapse (sparse and plastic: always; dense: w != 0). */
function exists(p: ProjectionLayout, raw: number): boolean {
  return p.plastic || p.description.synapses.kind === 'sparse' || raw !== 0;
}

/** Existing synapses per pre neuron of one projection for raw description-layout weights. */
export function synapsesPerPre(p: ProjectionLayout, raw: ArrayLike<number>): Int32Array {
  const counts = new Int32Array(p.pre.size);
  const syn = p.description.synapses;
  for (let i = 0; i < p.descLength; i++) {
    if (!exists(p, raw[i]!)) continue;
    counts[syn.kind === 'dense' ? i % p.pre.size : syn.pre[i]!]!++;
  }
  return counts;
}

/** The initial synapse words of one replica (every projection's description weights). */
export function initialWeights(layout: GpuLayout): Int32Array<ArrayBuffer> {
  const out = new Int32Array(Math.max(4, layout.wTotal));
  for (const p of layout.projections) {
    // Stored positions without a description entry (dense storage of a sparse projection): no synapse.
    const words = out.subarray(p.wBase, p.wBase + p.stored.length);
    for (let at = 0; at < p.stored.length; at++) words[at] = p.stored.delay[at]!;
    packWeights(p, p.description.synapses.weights, words);
  }
  return out;
}

/** Stored weights of one projection in its description layout, from its synapse words. */
export function unpackWeights(p: ProjectionLayout, words: Int32Array): Int32Array {
  const out = new Int32Array(p.descLength);
  for (let i = 0; i < p.descLength; i++) out[i] = words[p.stored.position[i]!]! >> 7;
  return out;
}
