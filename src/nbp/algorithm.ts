/**
 * THE definition of the nBP per-sample algorithm, both semantics, as plain readable reference functions. Every
 * engine (the fast CPU path in ./cpu-engine.ts, the WGSL kernels in ./webgpu/) must produce bit-identical weights;
 * their tests compare against {@link trainSampleReference} and {@link inferReference}.
 *
 * Conventions (the authors' numpy_simulation.py): a1 = x·W1 with W1 nIn×nHid, a2 = h·W2 with W2 nHid×nOut, all
 * row-major. P (+W2ᵀ copy, w2Tp) and M (−W2ᵀ copy, w2Tm) are kept as nHid×nOut, like W2.
 */
import type { NbpShape, NbpWeights, Semantics } from './types.ts';
import { MIXED_8BIT_WEIGHTS } from '../loihi/synapse.ts';

/** Hidden and output units spike iff a > 512 (the gate raises them to half the threshold 1024). */
export const BINARY_THRESHOLD = 512;
/** One learning step: Δw = ±2 (Loihi 8-bit mixed-sign weights have LSB 2). */
export const LEARNING_STEP = 2;

/** The constants that differ between the semantics. */
export interface SemanticsConstants {
  /** Upper edge of the box surrogate derivative: f'(a) = [a > 0] ∧ ¬[a > derivHigh]. */
  derivHigh: number;
  /** Weights saturate (loihi) or are clipped (numpy) to [wMin, wMax]. */
  wMin: number;
  wMax: number;
}

/** loihi: h^>/o^> fire iff a > 1024, weights saturate at the 8-bit limits. numpy: a > 1023, clip ±254. */
export const SEMANTICS: Record<Semantics, SemanticsConstants> = {
  loihi: { derivHigh: 1024, wMin: MIXED_8BIT_WEIGHTS.min, wMax: MIXED_8BIT_WEIGHTS.max },
  numpy: { derivHigh: 1023, wMin: -MIXED_8BIT_WEIGHTS.max, wMax: MIXED_8BIT_WEIGHTS.max },
};

/** What happened in one training sample (for tests and diagnostics). */
export interface SampleTrace {
  a1: Int32Array;
  h: Uint8Array;
  a2: Int32Array;
  o: Uint8Array;
  d2p: Uint8Array;
  d2m: Uint8Array;
  d1p: Uint8Array;
  d1m: Uint8Array;
}

/** Allocates zeroed weights of a shape. */
export function zeroWeights(shape: NbpShape): NbpWeights {
  const n2 = shape.nHid * shape.nOut;
  return { W1: new Int32Array(shape.nIn * shape.nHid), W2: new Int32Array(n2), P: new Int32Array(n2), M: new Int32Array(n2) };
}

/**
 * Builds weights from W1 and W2 with the transpose copies in sync: P = W2, M = −W2 (saturated: W2 = −256 gives
 * M = 254, the largest 8-bit weight, as the chip would have to store it).
 */
export function weightsFrom(W1: Int32Array, W2: Int32Array): NbpWeights {
  const M = new Int32Array(W2.length);
  for (let i = 0; i < W2.length; i++) M[i] = Math.min(SEMANTICS.loihi.wMax, -W2[i]!);
  return { W1: W1.slice(), W2: W2.slice(), P: W2.slice(), M };
}

/** Deep copy. */
export function cloneWeights(w: NbpWeights): NbpWeights {
  return { W1: w.W1.slice(), W2: w.W2.slice(), P: w.P.slice(), M: w.M.slice() };
}

/** Inference: a1 = x·W1, h = [a1 > 512], a2 = h·W2, o = [a2 > 512]. x is one sample (nIn values of 0/1). */
export function inferReference(
  shape: NbpShape,
  W1: Int32Array,
  W2: Int32Array,
  x: ArrayLike<number>,
): { a1: Int32Array; h: Uint8Array; a2: Int32Array; o: Uint8Array } {
  const { nIn, nHid, nOut } = shape;
  const a1 = new Int32Array(nHid);
  for (let i = 0; i < nIn; i++) if (x[i]) for (let j = 0; j < nHid; j++) a1[j]! += W1[i * nHid + j]!;
  const h = new Uint8Array(nHid);
  for (let j = 0; j < nHid; j++) h[j] = a1[j]! > BINARY_THRESHOLD ? 1 : 0;
  const a2 = new Int32Array(nOut);
  for (let j = 0; j < nHid; j++) if (h[j]) for (let k = 0; k < nOut; k++) a2[k]! += W2[j * nOut + k]!;
  const o = new Uint8Array(nOut);
  for (let k = 0; k < nOut; k++) o[k] = a2[k]! > BINARY_THRESHOLD ? 1 : 0;
  return { a1, h, a2, o };
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * The edges of the surrogate-derivative boxes. The faithful algorithm ({@link FAITHFUL_BOX}): d2p iff t ∧ ¬o ∧
 * (a2 > 0), d2m iff o ∧ ¬t ∧ ¬(a2 > derivHigh), hidden box 0 < a1 ≤ derivHigh. Strategies may move them.
 */
export interface DerivativeBox {
  /** d2p needs a2 <= targetHigh (faithful: 512, i.e. o = 0). */
  targetHigh: number;
  /** d2p needs a2 > targetLow (faithful: 0, the box's lower edge o^<). */
  targetLow: number;
  /** d2m needs a2 > nonTargetLow (faithful: 512, i.e. o = 1). */
  nonTargetLow: number;
  /** The hidden box widens to −hiddenWiden < a1 ≤ derivHigh + hiddenWiden (faithful: 0). */
  hiddenWiden: number;
}

/** The faithful algorithm's box edges. */
export const FAITHFUL_BOX: Readonly<DerivativeBox> = { targetHigh: BINARY_THRESHOLD, targetLow: 0, nonTargetLow: BINARY_THRESHOLD, hiddenWiden: 0 };

/**
 * How one sample learns beyond its semantics: the box edges and which synapses apply their ±2 update. Synapse
 * indices: W2 (and its copies P, M) element j·nOut + k; W1 element nHid·nOut + i·nHid + j.
 */
export interface SampleRule {
  box: Readonly<DerivativeBox>;
  /** Whether synapse `index` applies its update in this sample; null: every update applies. */
  keep: ((index: number) => boolean) | null;
}

/** The faithful algorithm's rule. */
export const FAITHFUL_RULE: Readonly<SampleRule> = { box: FAITHFUL_BOX, keep: null };

/**
 * The strategy an engine is given for departures from the faithful algorithm (src/nbp/remedies.ts builds them
 * from --remedy settings): asked once per training sample, in order, for that sample's rule. Engines and the
 * reference know only this interface, never individual remedies.
 */
export interface LearningStrategy {
  /** The rule of the next training sample (advances the strategy's per-sample state, e.g. a schedule). */
  nextSample(): SampleRule;
}

/** The faithful algorithm as a strategy. */
export const FAITHFUL_STRATEGY: LearningStrategy = { nextSample: () => FAITHFUL_RULE };

/** Whether synapse `index` applies its update under `rule`. */
const keeps = (rule: SampleRule, index: number): boolean => rule.keep === null || rule.keep(index);

/** Forward pass with the derivative masks and the ternary output error, common to both semantics. */
function forwardWithErrors(shape: NbpShape, w: NbpWeights, x: ArrayLike<number>, label: number, c: SemanticsConstants, r: Readonly<DerivativeBox>) {
  const f = inferReference(shape, w.W1, w.W2, x);
  const b = new Uint8Array(shape.nHid);
  for (let j = 0; j < shape.nHid; j++) b[j] = f.a1[j]! > -r.hiddenWiden && !(f.a1[j]! > c.derivHigh + r.hiddenWiden) ? 1 : 0;
  const d2p = new Uint8Array(shape.nOut);
  const d2m = new Uint8Array(shape.nOut);
  for (let k = 0; k < shape.nOut; k++) {
    const t = k === label ? 1 : 0;
    const a = f.a2[k]!;
    // Faithful (FAITHFUL_PARAMS): d2p = t ∧ ¬o ∧ (a > 0); d2m = o ∧ ¬t ∧ ¬(a > derivHigh). Remedies move the edges.
    d2p[k] = t && !(a > r.targetHigh) && a > r.targetLow ? 1 : 0; // t=1, o=0, inside the box (a > 0)
    d2m[k] = !t && a > r.nonTargetLow && !(a > c.derivHigh) ? 1 : 0; // o=1, t=0, inside the box (a ≤ derivHigh)
  }
  return { ...f, b, d2p, d2m };
}

/**
 * One training sample of the chip circuit, phase by phase as nbp-circuit.md §3 writes it (spike-then-learn):
 * backprop sees P and M before the sample's phase-9 depression, derivative box 0 < a ≤ 1024, every touched weight
 * saturates at [−256, 254] in each phase, P and M are updated on their own so they may drift under saturation.
 * Mutates `w`; x is the sample's nIn inputs (0/1).
 */
export function trainSampleLoihi(
  shape: NbpShape,
  w: NbpWeights,
  x: ArrayLike<number>,
  label: number,
  remedy: SampleRule = FAITHFUL_RULE,
): SampleTrace {
  const { nIn, nHid, nOut } = shape;
  const { wMin, wMax } = SEMANTICS.loihi;
  const step = LEARNING_STEP;
  const f = forwardWithErrors(shape, w, x, label, SEMANTICS.loihi, remedy.box);
  const w1Base = nHid * nOut;
  const { h, b, d2p, d2m } = f;
  // Phase 6: h1T sums o(=d2p)·P + oT-(=d2m)·M with the weights before LEARN(5).
  const d1p = new Uint8Array(nHid);
  for (let j = 0; j < nHid; j++) {
    let s6 = 0;
    for (let k = 0; k < nOut; k++) s6 += d2p[k]! * w.P[j * nOut + k]! + d2m[k]! * w.M[j * nOut + k]!;
    d1p[j] = b[j] && s6 > 0 ? 1 : 0;
  }
  // Phase 5 (rewarded): W2 and P potentiate on (h, d2p); M potentiates on (h, d2m) (its pre is oT- = d2m).
  for (let j = 0; j < nHid; j++) {
    if (!h[j]) continue;
    for (let k = 0; k < nOut; k++) {
      const e = j * nOut + k;
      if (!keeps(remedy, e)) continue;
      if (d2p[k]) {
        w.W2[e] = clamp(w.W2[e]! + step, wMin, wMax);
        w.P[e] = clamp(w.P[e]! + step, wMin, wMax);
      }
      if (d2m[k]) w.M[e] = clamp(w.M[e]! + step, wMin, wMax);
    }
  }
  // Phase 10: h1T sums o(=d2m)·P + oT-(=d2p)·M with the weights after LEARN(5), before LEARN(9).
  const d1m = new Uint8Array(nHid);
  for (let j = 0; j < nHid; j++) {
    let s10 = 0;
    for (let k = 0; k < nOut; k++) s10 += d2m[k]! * w.P[j * nOut + k]! + d2p[k]! * w.M[j * nOut + k]!;
    d1m[j] = b[j] && s10 > 0 ? 1 : 0;
  }
  // Phase 7 (rewarded): W1 potentiates on (x, b∧d1p).
  for (let i = 0; i < nIn; i++) {
    if (!x[i]) continue;
    for (let j = 0; j < nHid; j++)
      if (d1p[j] && keeps(remedy, w1Base + i * nHid + j)) w.W1[i * nHid + j] = clamp(w.W1[i * nHid + j]! + step, wMin, wMax);
  }
  // Phase 9: W2 and P depress on (h, d2m); M depresses on (h, d2p).
  for (let j = 0; j < nHid; j++) {
    if (!h[j]) continue;
    for (let k = 0; k < nOut; k++) {
      const e = j * nOut + k;
      if (!keeps(remedy, e)) continue;
      if (d2m[k]) {
        w.W2[e] = clamp(w.W2[e]! - step, wMin, wMax);
        w.P[e] = clamp(w.P[e]! - step, wMin, wMax);
      }
      if (d2p[k]) w.M[e] = clamp(w.M[e]! - step, wMin, wMax);
    }
  }
  // Phase 11: W1 depresses on (x, b∧d1m).
  for (let i = 0; i < nIn; i++) {
    if (!x[i]) continue;
    for (let j = 0; j < nHid; j++)
      if (d1m[j] && keeps(remedy, w1Base + i * nHid + j)) w.W1[i * nHid + j] = clamp(w.W1[i * nHid + j]! - step, wMin, wMax);
  }
  return { a1: f.a1, h, a2: f.a2, o: f.o, d2p, d2m, d1p, d1m };
}

/**
 * One training sample of the authors' numpy_simulation.py, line for line: W2 += 2·outer(h, d2p − d2m) and
 * clip the whole matrix to ±254; d1 = clip((d2p − d2m)·W2ᵀ · b, −1, 1) through the UPDATED W2 with the box
 * 0 < a ≤ 1023; W1 += 2·outer(x, d1) and clip the whole matrix. P and M are set to ±W2 (numpy has no copies).
 * Mutates `w`.
 */
export function trainSampleNumpy(
  shape: NbpShape,
  w: NbpWeights,
  x: ArrayLike<number>,
  label: number,
  remedy: SampleRule = FAITHFUL_RULE,
): SampleTrace {
  const { nIn, nHid, nOut } = shape;
  const { wMin, wMax } = SEMANTICS.numpy;
  const step = LEARNING_STEP;
  const f = forwardWithErrors(shape, w, x, label, SEMANTICS.numpy, remedy.box);
  const w1Base = nHid * nOut;
  const { h, b, d2p, d2m } = f;
  for (let j = 0; j < nHid; j++) {
    for (let k = 0; k < nOut; k++) {
      const keep = keeps(remedy, j * nOut + k) ? 1 : 0;
      w.W2[j * nOut + k] = clamp(w.W2[j * nOut + k]! + keep * step * h[j]! * (d2p[k]! - d2m[k]!), wMin, wMax);
    }
  }
  const d1 = new Int8Array(nHid);
  for (let j = 0; j < nHid; j++) {
    let s = 0;
    for (let k = 0; k < nOut; k++) s += (d2p[k]! - d2m[k]!) * w.W2[j * nOut + k]!;
    d1[j] = clamp(s * b[j]!, -1, 1);
  }
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nHid; j++) {
      const keep = x[i] && d1[j] && keeps(remedy, w1Base + i * nHid + j) ? 1 : 0;
      w.W1[i * nHid + j] = clamp(w.W1[i * nHid + j]! + step * keep * d1[j]!, wMin, wMax);
    }
  }
  for (let e = 0; e < w.W2.length; e++) {
    w.P[e] = w.W2[e]!;
    w.M[e] = -w.W2[e]!;
  }
  const d1p = new Uint8Array(nHid);
  const d1m = new Uint8Array(nHid);
  for (let j = 0; j < nHid; j++) {
    d1p[j] = d1[j]! > 0 ? 1 : 0;
    d1m[j] = d1[j]! < 0 ? 1 : 0;
  }
  return { a1: f.a1, h, a2: f.a2, o: f.o, d2p, d2m, d1p, d1m };
}

/**
 * One training sample in the given semantics (the per-sample reference every engine is tested against), under
 * `remedy` (a {@link LearningStrategy}'s rule for this sample; default: the faithful algorithm).
 */
export function trainSampleReference(
  semantics: Semantics,
  shape: NbpShape,
  w: NbpWeights,
  x: ArrayLike<number>,
  label: number,
  remedy: SampleRule = FAITHFUL_RULE,
): SampleTrace {
  return semantics === 'loihi' ? trainSampleLoihi(shape, w, x, label, remedy) : trainSampleNumpy(shape, w, x, label, remedy);
}
