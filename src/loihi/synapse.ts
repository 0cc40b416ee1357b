/**
 * Synaptic arithmetic: weight quantization per sign mode and precision (loihi-cuba.md "Synapses and weight
 * quantization", Lava's clip_weights + truncate_weights) and the weight exponent applied to a group sum
 * ("Delivery": sum first, then shift, flooring).
 */
import { POW2, WEIGHT_BITS, WEIGHT_MAX, WEIGHT_MIN, type IntRange } from './constants.ts';

/** Sign mode of a projection's weights (loihi-cuba.md, "Synapses and weight quantization"). */
export type SignMode = 'mixed' | 'excitatory' | 'inhibitory';

/**
 * The stored weight W of a raw weight w (-256..255) for a sign mode and n = numWeightBits (1..8).
 * excitatory: clamp to 0..255, drop the low 8-n bits. inhibitory: clamp the magnitude to 0..255, drop its low
 * 8-n bits, negate (so -256 becomes -255 and -3 with n=7 becomes -2). mixed: clamp to -256..255 and drop the
 * low 9-n bits by flooring (-3 becomes -4 with n=8). A weight of the wrong sign becomes 0.
 */
export function quantizeWeight(w: number, signMode: SignMode, numWeightBits: number): number {
  switch (signMode) {
    case 'excitatory': {
      const step = POW2[WEIGHT_BITS - numWeightBits]!;
      const c = Math.min(Math.max(w, 0), WEIGHT_MAX);
      return Math.floor(c / step) * step;
    }
    case 'inhibitory': {
      const step = POW2[WEIGHT_BITS - numWeightBits]!;
      const m = Math.min(Math.max(-w, 0), WEIGHT_MAX);
      // `0 -` rather than unary minus, so a zero magnitude gives 0 and not -0.
      return 0 - Math.floor(m / step) * step;
    }
    case 'mixed': {
      const step = POW2[WEIGHT_BITS + 1 - numWeightBits]!;
      const c = Math.min(Math.max(w, WEIGHT_MIN), WEIGHT_MAX);
      return Math.floor(c / step) * step;
    }
  }
}

/** The range [min, max] of stored weights for a sign mode and precision (mixed 8-bit: -256..254). */
export function storedWeightRange(signMode: SignMode, numWeightBits: number): { min: number; max: number } {
  return {
    min: quantizeWeight(signMode === 'excitatory' ? 0 : WEIGHT_MIN, signMode, numWeightBits),
    max: quantizeWeight(signMode === 'inhibitory' ? 0 : WEIGHT_MAX, signMode, numWeightBits),
  };
}

/**
 * THE weight range of nBP and on-chip learning: stored mixed-sign 8-bit weights, -256..254 in steps of 2 (LSB 2).
 * Learning saturates here; every nBP engine accepts exactly these weights.
 */
export const MIXED_8BIT_WEIGHTS: IntRange = storedWeightRange('mixed', WEIGHT_BITS);

/**
 * The contribution C of a group sum G (one projection, target, delay and emission step) with weight exponent e
 * (-8..7): `G << e` for e > 0, `G >> -e` for e <= 0, where `>>` floors (G = -1, e = -1 gives -1).
 * Computed by multiplication and Math.floor, exact for |G| * 2^7 < 2^53.
 */
export function applyWeightExp(sum: number, weightExp: number): number {
  return weightExp >= 0 ? sum * POW2[weightExp]! : Math.floor(sum / POW2[-weightExp]!) + 0;
}
