/** Shared pieces of the NIR tests: fixture paths (checked against their published hashes) and graph builders. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NirArray, NirGraph, NirNode } from '../../src/nir/graph.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** sha256 of the published files (neuromorphs/NIR @ 7232ada, see fixtures/README.md). */
const SHA256: Record<string, string> = {
  'braille_noDelay_bias_zero.nir': 'f1aab3ce74024e7feac508a03b04c58d483ee3a01e293dba4b53d0b519b8650e',
  'braille_noDelay_noBias_subtract.nir': '14f59e0903d76437be3cb23d7e4be6b4e08ea476e482f7478dbb4592b29377d3',
  'cnn_sinabs.nir': 'e2fa55bda7aab5a772485e1b690358bcb825b303eca7dc426e3973937fcb5bcb',
  'lif_norse.nir': '0dd9143ef624892d4a6461f474d93653a337b3490a62e23ec9ec5d18fde9b7b6',
  'lif_rockpool.nir': 'f493a2cd00e20be6305acd7808faa1d4558993c91f3af43454bf637371e543d6',
  'two_lif_neurons.nir': '806c7c1cfae72b5be92ce15a670f37014b82a5d4fba8a077efce46d193c21a82',
};

export const FIXTURE_NAMES = Object.keys(SHA256);

/** Path of a published fixture; throws if its content is not the published file. */
export function fixture(name: string): string {
  const path = fileURLToPath(new URL(name, FIXTURES));
  const sum = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (sum !== SHA256[name]) throw new Error(`${name}: sha256 ${sum} is not the published file's ${SHA256[name]}`);
  return path;
}

export function arr(values: number[], shape: number[] = [values.length]): NirArray {
  return { shape, data: Float64Array.from(values) };
}

export function node(type: string, params: Record<string, NirArray | string>): NirNode {
  return { type, params: new Map(Object.entries(params)) };
}

export function graph(nodes: Record<string, NirNode>, edges: Array<[string, string]>): NirGraph {
  return { version: 'test', nodes: new Map(Object.entries(nodes)), edges };
}

/** Array.from on every typed array, so descriptions compare with toEqual whatever their array types. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v))) as T;
}

export { cli } from '../cli.ts';
