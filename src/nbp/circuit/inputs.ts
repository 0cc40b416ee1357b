/** Per-sample spike lists for the circuit's sources: active inputs (x = 1) and the target's one-hot index. */
import type { EncodedDataset } from '../types.ts';

/** Indices i with x_i = 1 of sample `k` of a binarized dataset. */
export function activeInputs(data: EncodedDataset, k: number): Int32Array {
  if (!Number.isInteger(k) || k < 0 || k >= data.n) throw new RangeError(`dataset '${data.name}': sample ${k} is out of range 0..${data.n - 1}`);
  const x = data.x.subarray(k * data.nIn, (k + 1) * data.nIn);
  let count = 0;
  for (let i = 0; i < x.length; i++) count += x[i] ? 1 : 0;
  const out = new Int32Array(count);
  for (let i = 0, j = 0; i < x.length; i++) if (x[i]) out[j++] = i;
  return out;
}
