/**
 * Compartment arithmetic of one timestep, loihi-cuba.md "One timestep t" steps 2 to 5 (current decay, wrap,
 * voltage decay and clip, threshold, reset, refractory), and the 32-bit form of the decay product that WGSL
 * twins use. All values are integers below 2^53 in magnitude, so JavaScript doubles hold them exactly; each
 * function states the range it relies on.
 */
import { ACTIVATION_SCALE, DECAY_BITS, DECAY_UNITY, DU_OFFSET, STATE_LIMIT, U_WRAP, V_MAX, V_MIN, VTH_SHIFT, POW2 } from './constants.ts';

/**
 * p / 4096 rounded toward zero: `sign(p) * (|p| >> 12)` (loihi-cuba.md "Notation"), for |p| < 2^43.
 * Exact: dividing an integer below 2^53 by a power of two is exact in binary floating point, and `| 0` truncates
 * the quotient (below 2^31 in magnitude) toward zero, giving an int32 (and 0, never -0).
 */
export function trunc0(p: number): number {
  return (p / DECAY_UNITY) | 0;
}

/**
 * trunc0(x * k) with only 32-bit integer operations, for |x| <= 2^23 and 0 <= k <= 4096: the split
 * `|x| = 4096 q + r` gives `|x| k >> 12 = q k + (r k >> 12)`, with q k <= 2^23 and r k < 2^24.
 * The twin of WGSL code that has no 64-bit integers; equal to trunc0(x * k) on that domain.
 */
export function trunc0MulSplit(x: number, k: number): number {
  const a = Math.abs(x | 0);
  const q = a >>> DECAY_BITS;
  const r = a & (DECAY_UNITY - 1);
  const m = (Math.imul(q, k) + (Math.imul(r, k) >>> DECAY_BITS)) | 0;
  return x < 0 ? -m | 0 : m;
}

/**
 * Decayed current `trunc0(u * (4096 - (du + 1)))` (step 2a), du in 0..4095 (12 bits; du = 4095 clears u).
 * |u| <= 2^23 and the factor <= 4095, so the product stays below 2^35: exact in a double (36-bit intermediate).
 */
export function decayCurrent(u: number, du: number): number {
  return trunc0(u * (DECAY_UNITY - (du + DU_OFFSET)));
}

/**
 * Lava's 24-bit current wrap (step 2c): x > 2^23 becomes x - 2^24, x <= -2^23 becomes x + 2^24.
 * So +2^23 stays +2^23 and -2^23 becomes +2^23; the result lies in (-2^23, 2^23] for |x| < 3 * 2^23.
 */
export function wrapCurrent(x: number): number {
  if (x > STATE_LIMIT) return x - U_WRAP;
  if (x <= -STATE_LIMIT) return x + U_WRAP;
  return x;
}

/**
 * New current `wrap(decayCurrent(u, du) + (A << 6))` (steps 2a to 2c). A is the step's synaptic input
 * (|A| <= 2^18 - 1 in valid traces, so |A << 6| < 2^24 and one wrap suffices).
 */
export function updateCurrent(u: number, du: number, input: number): number {
  return wrapCurrent(decayCurrent(u, du) + input * ACTIVATION_SCALE);
}

/**
 * Decayed voltage `trunc0(v * (4096 - dv))`, dv in 0..4096 (13 bits; dv = 4096 clears v, dv = 4095 keeps
 * rtz(v / 4096)). |v| < 2^23, so the product stays below 2^35: exact in a double.
 */
export function decayVoltage(v: number, dv: number): number {
  return trunc0(v * (DECAY_UNITY - dv));
}

/** Saturates a voltage to the 24-bit range [-(2^23 - 1), 2^23 - 1] (step 3: v clips, it never wraps). */
export function clipVoltage(v: number): number {
  return v > V_MAX ? V_MAX : v < V_MIN ? V_MIN : v;
}

/**
 * New voltage of an active (non-refractory) compartment: `clip(decayVoltage(v, dv) + u' + BIAS)` (step 3),
 * with the new current u'. |sum| < 2^25.
 */
export function updateVoltage(v: number, dv: number, uNew: number, bias: number): number {
  return clipVoltage(decayVoltage(v, dv) + uNew + bias);
}

/** Effective bias `bias_mant << bias_exp` (|BIAS| <= 2^19), bias_mant 13-bit signed, bias_exp 0..7. */
export function biasValue(biasMant: number, biasExp: number): number {
  return biasMant * POW2[biasExp]!;
}

/** Effective threshold `vth << 6` (vth 17 bits, VTH <= 8 388 544 < 2^23 - 1). */
export function thresholdValue(vth: number): number {
  return vth * POW2[VTH_SHIFT]!;
}

/** The outcome of one compartment's timestep. */
export interface CompartmentStep {
  u: number;
  v: number;
  spiked: boolean;
  /** Last refractory step (-1 initially); the compartment is active at step t iff refUntil < t. */
  refUntil: number;
}

/**
 * One whole timestep of one compartment (steps 1 to 6): the current always integrates; the voltage updates
 * only when `refUntil < t`; a spike (v' > VTH, strict) resets v to 0 and blocks steps t+1 .. t+refractory.
 * The readable reference for the vectorized loop of the CPU backend (which must agree with it).
 */
export function stepCompartment(
  state: { u: number; v: number; refUntil: number },
  params: { du: number; dv: number; vthEff: number; bias: number; refractory: number },
  input: number,
  t: number,
): CompartmentStep {
  const u = updateCurrent(state.u, params.du, input);
  if (state.refUntil >= t) return { u, v: state.v, spiked: false, refUntil: state.refUntil };
  const v = updateVoltage(state.v, params.dv, u, params.bias);
  if (v > params.vthEff) return { u, v: 0, spiked: true, refUntil: t + params.refractory };
  return { u, v, spiked: false, refUntil: state.refUntil };
}
