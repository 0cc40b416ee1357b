/**
 * Weight encodings of non-plastic connections, as NxSDK's `calculate_mant_exp` and `create_conn_prototype`
 * choose them (nbp-circuit.md §4): an 8-bit mantissa in excitatory or inhibitory sign mode and a weight
 * exponent, so that mantissa·2^exp equals the wanted weight (in weight units) exactly.
 */
import type { SignMode } from '../network/types.ts';

/** A weight (in weight units) as a Loihi synapse stores it. */
export interface WeightEncoding {
  /** Raw 8-bit weight mantissa, -255..255. */
  mant: number;
  /** Weight exponent, -8..7. */
  exp: number;
  signMode: SignMode;
  /** Bits of the mantissa kept by the synapse (8 for every nBP connection). */
  numWeightBits: number;
}

/** Mantissa precision of a synaptic weight: 8 bits, whatever the weight precision (weight_tools.py). */
const MANT_BITS = 8;
/** Loihi's weight exponent range. */
const EXP_MIN = -8;
const EXP_MAX = 7;
/** weight_precision in calculate_mant_exp: the exponent may not go below weight_precision − 8 = −1. */
const EXP_FLOOR = 7 - 8;

/**
 * Encodes a non-zero integer weight (weight units) as calculate_mant_exp does: halve until the mantissa fits
 * 8 bits, double while it is below half the range, round. Throws if the result is not exact, because a
 * gating weight that rounds changes the circuit's logic.
 */
export function encodeWeight(weight: number): WeightEncoding {
  if (!Number.isInteger(weight) || weight === 0) {
    throw new Error(`encodeWeight: weight must be a non-zero integer, got ${weight}`);
  }
  let value = weight;
  let exp = 0;
  while (Math.abs(value) >= 2 ** MANT_BITS && exp !== EXP_MAX) {
    value /= 2;
    exp += 1;
  }
  const low = Math.max(EXP_MIN, EXP_FLOOR);
  while (Math.abs(value) < 2 ** (MANT_BITS - 1) && exp !== low) {
    value *= 2;
    exp -= 1;
  }
  // numpy rounds half to even; the nBP weights never hit a half, and exactness is checked below.
  const mant = Math.round(value);
  if (mant * 2 ** exp !== weight || Math.abs(mant) > 255) {
    throw new Error(`encodeWeight: ${weight} has no exact 8-bit mantissa/exponent encoding (got ${mant}<<${exp})`);
  }
  return { mant, exp, signMode: weight > 0 ? 'excitatory' : 'inhibitory', numWeightBits: MANT_BITS };
}

/** The effective weight (weight units) of an encoding: mant·2^exp. */
export function effectiveWeight(enc: WeightEncoding): number {
  return enc.mant * 2 ** enc.exp;
}
