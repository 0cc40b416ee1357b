/** Shared fixtures of the circuit tests: MNIST (loaded once per file), initial weights, sample orders. */
import { loadDataset } from '../../src/data/load.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import { epochOrder } from '../../src/nbp/prng.ts';
import type { EncodedDataset, NbpShape, NbpWeights } from '../../src/nbp/types.ts';

export const SHAPE: NbpShape = { nIn: 400, nHid: 400, nOut: 10 };

let train: EncodedDataset | undefined;
let test: EncodedDataset | undefined;

/** The MNIST training set, 20×20 binarized (cached). */
export function mnistTrain(): EncodedDataset {
  return (train ??= loadDataset('mnist', 'train'));
}

/** The first `n` MNIST test samples. */
export function mnistTest(n: number): EncodedDataset {
  const all = (test ??= loadDataset('mnist', 'test'));
  return { name: `${all.name}[0:${n}]`, n, nIn: all.nIn, x: all.x.subarray(0, n * all.nIn), labels: all.labels.subarray(0, n) };
}

/** Initial weights of replica `r` for a seed (the authors' Glorot-normal init). */
export function initial(seed: number): NbpWeights {
  return glorotInit(SHAPE, seed);
}

/** The first `n` indices of a shuffled epoch. */
export function order(seed: number, n: number, epoch = 0): Uint32Array {
  return epochOrder(mnistTrain().n, seed, epoch).slice(0, n);
}

/** Index of the first difference of two integer arrays, or −1 if they are equal. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** A readable statement that two weight matrices are identical (for expect(...).toBe('identical')). */
export function same(name: string, a: ArrayLike<number>, b: ArrayLike<number>): string {
  const i = firstDifference(a, b);
  if (i < 0) return 'identical';
  const diffs = Array.from({ length: Math.min(a.length, b.length) }, (_, k) => k).filter((k) => a[k] !== b[k]).length;
  return `${name} differs at ${i} (${a[i]} vs ${b[i]}), ${diffs} entries in all`;
}
