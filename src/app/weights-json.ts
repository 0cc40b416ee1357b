/**
 * The exchange formats that make runs reproducible across implementations (environment-neutral; callers read files):
 * - weights: {"W1": nIn rows × nHid, "W2": nHid rows × nOut}, integers, a = x·W1 as in the authors' code
 *   (--init-weights, `synfire export`);
 * - order: one array per epoch of training-set indices in presentation order, indices into the original IDX
 *   file (--order).
 */
import type { NbpShape } from '../nbp/types.ts';
import { WEIGHT_LIMITS } from '../nbp/cpu-engine.ts';
import { jsonSyntaxError } from '../trace/json.ts';

/** W1 and W2 as flat row-major integer arrays, with the shape they imply. */
export interface WeightsPair {
  shape: NbpShape;
  W1: Int32Array;
  W2: Int32Array;
}

function matrix(value: unknown, name: string, file: string, rows?: number, cols?: number): { data: Int32Array; rows: number; cols: number } {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${file}: "${name}" must be a non-empty array of rows`);
  if (rows !== undefined && value.length !== rows) throw new Error(`${file}: "${name}" has ${value.length} rows, expected ${rows}`);
  const first = value[0] as unknown;
  if (!Array.isArray(first) || first.length === 0) throw new Error(`${file}: ${name}[0] must be a non-empty array`);
  const c = cols ?? first.length;
  const data = new Int32Array(value.length * c);
  value.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new Error(`${file}: ${name}[${i}] must be an array`);
    if (row.length !== c) throw new Error(`${file}: ${name}[${i}] has ${row.length} entries, expected ${c}`);
    row.forEach((v: unknown, j) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`${file}: ${name}[${i}][${j}] = ${JSON.stringify(v)} is not an integer`);
      if (v < WEIGHT_LIMITS.min || v > WEIGHT_LIMITS.max) {
        throw new Error(`${file}: ${name}[${i}][${j}] = ${v} is outside the 8-bit weight range [${WEIGHT_LIMITS.min}, ${WEIGHT_LIMITS.max}]`);
      }
      data[i * c + j] = v;
    });
  });
  return { data, rows: value.length, cols: c };
}

/**
 * Parses a weights JSON text. With `expect`, W1 must be nIn×nHid and W2 nHid×nOut; without, the shape is read
 * from the file (W2's rows must equal W1's columns).
 */
export function parseWeightsJson(text: string, file: string, expect?: NbpShape): WeightsPair {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${jsonSyntaxError(text, err)})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error(`${file}: expected an object {"W1": [[...]], "W2": [[...]]}`);
  const o = obj as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (key !== 'W1' && key !== 'W2') throw new Error(`${file}: unknown key "${key}" (a weights file holds only "W1" and "W2")`);
  }
  for (const key of ['W1', 'W2']) if (!(key in o)) throw new Error(`${file}: missing "${key}" (expected {"W1": nIn×400 rows, "W2": 400×10 rows})`);
  const w1 = matrix(o.W1, 'W1', file, expect?.nIn, expect?.nHid);
  const w2 = matrix(o.W2, 'W2', file, expect?.nHid ?? w1.cols, expect?.nOut);
  return { shape: { nIn: w1.rows, nHid: w1.cols, nOut: w2.cols }, W1: w1.data, W2: w2.data };
}

/** Checks that every weight is even (Loihi stores weights with LSB 2); names the first odd entry. */
export function requireEvenWeights(w: WeightsPair, file: string): void {
  for (const [name, a, cols] of [
    ['W1', w.W1, w.shape.nHid],
    ['W2', w.W2, w.shape.nOut],
  ] as const) {
    for (let i = 0; i < a.length; i++) {
      if (a[i]! % 2 !== 0) {
        throw new Error(
          `${file}: ${name}[${Math.floor(i / cols)}][${i % cols}] = ${a[i]} is odd; Loihi weights are even (LSB 2), use --semantics numpy for odd weights`,
        );
      }
    }
  }
}

/** Formats W1 and W2 as the weights JSON (one matrix row per line). */
export function formatWeightsJson(shape: NbpShape, W1: ArrayLike<number>, W2: ArrayLike<number>): string {
  const rows = (a: ArrayLike<number>, r: number, c: number) =>
    Array.from({ length: r }, (_, i) => `    [${Array.from({ length: c }, (_, j) => a[i * c + j]).join(',')}]`).join(',\n');
  return `{\n  "W1": [\n${rows(W1, shape.nIn, shape.nHid)}\n  ],\n  "W2": [\n${rows(W2, shape.nHid, shape.nOut)}\n  ]\n}\n`;
}

/**
 * Parses an order JSON text: one array per epoch of indices in [0, trainSize). With `allowSubsets: false`
 * every epoch must present each training sample exactly once (a permutation; `synfire train` checks this unless
 * --order-subsets is given).
 */
export function parseOrderJson(
  text: string,
  file: string,
  trainSize: number,
  options: { allowSubsets?: boolean } = { allowSubsets: true },
): Uint32Array[] {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${jsonSyntaxError(text, err)})`);
  }
  if (!Array.isArray(obj) || obj.length === 0)
    throw new Error(`${file}: expected a non-empty array with one array of training-set indices per epoch`);
  const orders = obj.map((epoch: unknown, e) => {
    if (!Array.isArray(epoch) || epoch.length === 0) throw new Error(`${file}: epoch ${e} must be a non-empty array of training-set indices`);
    const out = new Uint32Array(epoch.length);
    epoch.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= trainSize) {
        throw new Error(`${file}: epoch ${e}, position ${i}: ${JSON.stringify(v)} is not a training-set index (0..${trainSize - 1})`);
      }
      out[i] = v;
    });
    return out;
  });
  if (!options.allowSubsets) checkOrderPermutations(orders, file, trainSize);
  return orders;
}

/** Checks that every epoch presents each of the trainSize samples exactly once; names the epoch and position. */
export function checkOrderPermutations(orders: readonly Uint32Array[], file: string, trainSize: number): void {
  orders.forEach((out, e) => {
    if (out.length !== trainSize) {
      throw new Error(
        `${file}: epoch ${e} has ${out.length} indices, but the training set has ${trainSize} samples (each epoch must present every sample once; pass --order-subsets to allow subsets and repeats)`,
      );
    }
    const seen = new Int32Array(trainSize).fill(-1);
    for (let i = 0; i < out.length; i++) {
      const prev = seen[out[i]!]!;
      if (prev >= 0)
        throw new Error(
          `${file}: epoch ${e}, position ${i}: index ${out[i]} repeats position ${prev} (each epoch must present every sample once; pass --order-subsets to allow repeats)`,
        );
      seen[out[i]!] = i;
    }
  });
}
