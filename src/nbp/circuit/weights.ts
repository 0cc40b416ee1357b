/**
 * Layout conversion between the fused trainer's weights (W1: nIn×nHid, W2/P/M: nHid×nOut, row-major, as the
 * authors' numpy) and the circuit's plastic matrices, which the chip stores (post, pre) (nbp-circuit.md §2).
 */
import type { NbpShape, NbpWeights } from '../types.ts';
import { MIXED_8BIT_WEIGHTS } from '../../loihi/synapse.ts';

/** Transposes a rows×cols row-major matrix. */
export function transpose(m: ArrayLike<number>, rows: number, cols: number): Int32Array {
  if (m.length !== rows * cols) throw new Error(`transpose: expected ${rows}×${cols} = ${rows * cols} values, got ${m.length}`);
  const out = new Int32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  }
  return out;
}

/** Names of the 8 plastic projections, grouped by the matrix they hold. */
export interface PlasticProjections {
  /** x→h1, x→h1_copy, x→h1_copy2: W1ᵀ (nHid×nIn) each. */
  W1: readonly [string, string, string];
  /** h1→o, h1→o_copy, h1→o_copy2: W2ᵀ (nOut×nHid) each. */
  W2: readonly [string, string, string];
  /** o→h1T: +W2 as (post h1T, pre o) = nHid×nOut, i.e. P's own layout. */
  P: string;
  /** oT-→h1T: −W2, same layout: M. */
  M: string;
}

/** The circuit's stored matrices, by plastic projection name, for given fused-layout weights. */
export function circuitMatrices(shape: NbpShape, w: NbpWeights, names: PlasticProjections): Map<string, Int32Array> {
  checkWeights(shape, w);
  const w1t = transpose(w.W1, shape.nIn, shape.nHid);
  const w2t = transpose(w.W2, shape.nHid, shape.nOut);
  const out = new Map<string, Int32Array>();
  // Each copy gets its own array: a backend may keep the description's arrays as its weight store.
  for (const name of names.W1) out.set(name, w1t.slice());
  for (const name of names.W2) out.set(name, w2t.slice());
  out.set(names.P, Int32Array.from(w.P));
  out.set(names.M, Int32Array.from(w.M));
  return out;
}

/** Fused-layout W1 from x→h-copy weights (nHid×nIn). */
export function w1FromCircuit(shape: NbpShape, m: ArrayLike<number>): Int32Array {
  return transpose(m, shape.nHid, shape.nIn);
}

/** Fused-layout W2 from h→o-copy weights (nOut×nHid). */
export function w2FromCircuit(shape: NbpShape, m: ArrayLike<number>): Int32Array {
  return transpose(m, shape.nOut, shape.nHid);
}

/** Throws, naming the matrix and the expected length, if `w` does not fit `shape` or the weight range. */
export function checkWeights(shape: NbpShape, w: NbpWeights): void {
  const expect: Record<keyof NbpWeights, number> = {
    W1: shape.nIn * shape.nHid,
    W2: shape.nHid * shape.nOut,
    P: shape.nHid * shape.nOut,
    M: shape.nHid * shape.nOut,
  };
  for (const key of ['W1', 'W2', 'P', 'M'] as const) {
    const m = w[key];
    if (m.length !== expect[key])
      throw new Error(`weights.${key}: expected ${expect[key]} values for shape ${shape.nIn}-${shape.nHid}-${shape.nOut}, got ${m.length}`);
    for (let i = 0; i < m.length; i++) {
      const v = m[i]!;
      if (v < MIXED_8BIT_WEIGHTS.min || v > MIXED_8BIT_WEIGHTS.max || (v & 1) !== 0) {
        throw new Error(
          `weights.${key}[${i}] = ${v}: circuit weights are even integers in [${MIXED_8BIT_WEIGHTS.min}, ${MIXED_8BIT_WEIGHTS.max}] (mixed 8-bit, LSB 2)`,
        );
      }
    }
  }
}
