/**
 * Quantization of continuous NIR parameters to Loihi integers (docs/nir.md, loihi-cuba.md):
 * decays to 12-bit du/dv, per-projection weights to an 8-bit mantissa with one exponent, biases to a 13-bit
 * mantissa with one exponent per group, and delays to whole steps. Each function returns the integers and the
 * value they stand for, so callers can report the error.
 */
import { ACTIVATION_SCALE, DECAY_UNITY, RANGES } from '../loihi/constants.ts';
import { applyWeightExp, quantizeWeight, type SignMode } from '../loihi/synapse.ts';

/** du for a current decay fraction alpha = dt/tau_syn: the effective constant is (du+1)/4096. */
export function quantizeDu(alpha: number): { du: number; effective: number } {
  const du = Math.min(RANGES.du.max, Math.max(RANGES.du.min, Math.round(DECAY_UNITY * alpha) - 1));
  return { du, effective: (du + 1) / DECAY_UNITY };
}

/** dv for a voltage decay fraction beta = dt/tau_mem: the effective constant is dv/4096. */
export function quantizeDv(beta: number): { dv: number; effective: number } {
  const dv = Math.min(RANGES.dv.max, Math.max(RANGES.dv.min, Math.round(DECAY_UNITY * beta)));
  return { dv, effective: dv / DECAY_UNITY };
}

/** The change of u one spike through a synapse causes: stored weight, then the exponent, then the 6-bit shift. */
export function weightEffect(raw: number, signMode: SignMode, numWeightBits: number, weightExp: number): number {
  return applyWeightExp(quantizeWeight(raw, signMode, numWeightBits), weightExp) * ACTIVATION_SCALE;
}

export interface QuantizedWeights {
  signMode: SignMode;
  numWeightBits: number;
  weightExp: number;
  raw: Int32Array;
  /** The u change of one spike through each synapse (weightEffect of raw). */
  effect: Float64Array;
}

/**
 * Chooses a sign mode from the signs of `targets` (u change per spike per synapse) and the weight exponent that
 * minimises the summed squared error of the single-spike effects; ties go to the larger exponent (sums of
 * several spikes are then exact, because the exponent's floor applies to the sum).
 */
export function quantizeWeights(targets: ArrayLike<number>): QuantizedWeights {
  let anyPos = false;
  let anyNeg = false;
  for (let i = 0; i < targets.length; i++) {
    if (targets[i]! > 0) anyPos = true;
    if (targets[i]! < 0) anyNeg = true;
  }
  const signMode: SignMode = anyPos && anyNeg ? 'mixed' : anyNeg ? 'inhibitory' : 'excitatory';
  const numWeightBits = 8;
  // Stored mixed 8-bit weights are even; excitatory and inhibitory keep every integer (loihi-cuba.md).
  const step = signMode === 'mixed' ? 2 : 1;
  const [lo, hi] = signMode === 'mixed' ? [-256, 254] : signMode === 'inhibitory' ? [-255, 0] : [0, 255];
  let best: { exp: number; err: number; raw: Int32Array; effect: Float64Array } | undefined;
  for (let exp = RANGES.weightExp.min; exp <= RANGES.weightExp.max; exp++) {
    const scale = ACTIVATION_SCALE * 2 ** exp;
    const raw = new Int32Array(targets.length);
    const effect = new Float64Array(targets.length);
    let err = 0;
    for (let i = 0; i < targets.length; i++) {
      const t = targets[i]!;
      // Candidates around the rounded value: with exp < 0 the floor of the shift makes the nearest raw
      // not always the best one, so try the neighbours too.
      const centre = Math.round(t / scale / step) * step;
      let bestRaw = 0;
      let bestErr = Infinity;
      for (const r0 of [centre - step, centre, centre + step]) {
        const r = Math.min(hi, Math.max(lo, r0));
        const e = Math.abs(weightEffect(r, signMode, numWeightBits, exp) - t);
        if (e < bestErr || (e === bestErr && Math.abs(r) < Math.abs(bestRaw))) [bestRaw, bestErr] = [r, e];
      }
      raw[i] = bestRaw;
      effect[i] = weightEffect(bestRaw, signMode, numWeightBits, exp);
      err += bestErr * bestErr;
    }
    if (!best || err <= best.err) best = { exp, err, raw, effect };
  }
  return { signMode, numWeightBits, weightExp: best!.exp, raw: best!.raw, effect: best!.effect };
}

/** Per-group bias exponent and per-compartment mantissas for targets in v units per step (smallest error; ties: smaller exponent). */
export function quantizeBias(targets: ArrayLike<number>): { biasExp: number; biasMant: Int32Array; effect: Float64Array } {
  let best: { exp: number; err: number; mant: Int32Array } | undefined;
  for (let exp = RANGES.biasExp.min; exp <= RANGES.biasExp.max; exp++) {
    const mant = new Int32Array(targets.length);
    let err = 0;
    for (let i = 0; i < targets.length; i++) {
      const m = Math.min(RANGES.biasMant.max, Math.max(RANGES.biasMant.min, Math.round(targets[i]! / 2 ** exp)));
      mant[i] = m;
      err += (m * 2 ** exp - targets[i]!) ** 2;
    }
    if (!best || err < best.err) best = { exp, err, mant };
  }
  const effect = Float64Array.from(best!.mant, (m) => m * 2 ** best!.exp);
  return { biasExp: best!.exp, biasMant: best!.mant, effect };
}

/** Error statistics of quantized values against their targets, in the targets' units. */
export interface ErrorStats {
  count: number;
  /** Largest |quantized - target|. */
  maxAbs: number;
  /** maxAbs divided by the largest |target| (0 when all targets are 0 and the error is 0). */
  maxRel: number;
  /** Root mean square error. */
  rms: number;
}

export function errorStats(targets: ArrayLike<number>, quantized: ArrayLike<number>): ErrorStats {
  let maxAbs = 0;
  let maxTarget = 0;
  let sq = 0;
  for (let i = 0; i < targets.length; i++) {
    const d = Math.abs(quantized[i]! - targets[i]!);
    maxAbs = Math.max(maxAbs, d);
    maxTarget = Math.max(maxTarget, Math.abs(targets[i]!));
    sq += d * d;
  }
  const maxRel = maxAbs === 0 ? 0 : maxTarget === 0 ? Infinity : maxAbs / maxTarget;
  return { count: targets.length, maxAbs, maxRel, rms: targets.length ? Math.sqrt(sq / targets.length) : 0 };
}
