/**
 * The files of `synfire import-nir`, `run` and `export-nir` (formats in docs/nir.md):
 * - NET.json: a network description (src/network/types.ts) as plain JSON, plus an optional `meta` object;
 * - spike input: {"spikes": {"<source>": [[step, index], ...]}};
 * - spike output: {"format": "synfire-run-1", "steps", "backend", "spikes": {"<group>": [[step, index], ...]},
 *   "state": {"<group>": {"steps": [...], "u": [[...]], "v": [[...]]}}}.
 * Every reader names the file and the JSON path of the first bad value.
 */
import { readFileSync } from 'node:fs';
import type { ReplicaRecording } from '../backends/types.ts';
import type { Network } from '../network/types.ts';
import { NetworkError, validateNetwork } from '../network/validate.ts';
import { parseJsonText } from '../trace/json.ts';
import type { NirNetwork } from './import.ts';

/** An invalid input file; the message names the file and the JSON path. */
export class FileFormatError extends Error {
  override name = 'FileFormatError';
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FileFormatError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return parseJsonText(text, file);
  } catch (err) {
    throw new FileFormatError((err as Error).message);
  }
}

/** Serializes a network description (typed arrays become JSON arrays). */
export function formatNetworkJson(network: NirNetwork): string {
  return compactJson(network);
}

/** Reads and validates NET.json; errors name the file and the field path (e.g. `groups[0].du`). */
export function readNetworkJson(file: string): NirNetwork {
  const value = readJson(file);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new FileFormatError(`${file}: expected a network description object with groups, sources and projections`);
  const network = value as NirNetwork;
  try {
    validateNetwork(network);
  } catch (err) {
    if (err instanceof NetworkError) throw new FileFormatError(`${file}: ${err.message} (at ${err.path})`);
    throw err;
  }
  return network;
}

/** Spikes to inject per source, read from a spike input file and checked against the network and step count. */
export function readSpikeInput(file: string, network: Network, steps: number): Map<string, Array<[number, number]>> {
  const value = readJson(file);
  const top = value as { spikes?: unknown };
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    top.spikes === null ||
    typeof top.spikes !== 'object' ||
    Array.isArray(top.spikes)
  ) {
    throw new FileFormatError(`${file}: expected {"spikes": {"<source>": [[step, index], ...]}}`);
  }
  const sources = new Map(network.sources.map((s) => [s.name, s.size]));
  const out = new Map<string, Array<[number, number]>>();
  for (const [name, list] of Object.entries(top.spikes as Record<string, unknown>)) {
    const at = `${file}: spikes.${name}`;
    const size = sources.get(name);
    if (size === undefined) {
      const isGroup = network.groups.some((g) => g.name === name);
      throw new FileFormatError(
        `${at}: ${isGroup ? 'is a group; spikes can only be injected into sources' : 'names no source'} (sources: ${[...sources.keys()].join(', ') || 'none'})`,
      );
    }
    if (!Array.isArray(list)) throw new FileFormatError(`${at}: must be an array of [step, index] pairs`);
    const seen = new Set<number>();
    const pairs: Array<[number, number]> = [];
    list.forEach((pair: unknown, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new FileFormatError(`${at}[${i}] = ${JSON.stringify(pair)} is not a [step, index] pair`);
      const [t, k] = pair as [unknown, unknown];
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= steps)
        throw new FileFormatError(`${at}[${i}][0] (step) = ${JSON.stringify(t)} is not an integer in 0..${steps - 1}`);
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= size)
        throw new FileFormatError(`${at}[${i}][1] (index) = ${JSON.stringify(k)} is not an integer in 0..${size - 1}`);
      if (seen.has(t * size + k)) throw new FileFormatError(`${at}[${i}] = [${t}, ${k}] is listed twice`);
      seen.add(t * size + k);
      pairs.push([t, k]);
    });
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    out.set(name, pairs);
  }
  return out;
}

/** What `synfire run` writes. */
export interface RunOutput {
  format: 'synfire-run-1';
  network: string;
  backend: string;
  steps: number;
  spikes: Record<string, Array<[number, number]>>;
  state?: Record<string, { steps: number[]; u: number[][]; v: number[][] }>;
}

/** Builds the output document from a replica's recording. */
export function runOutput(network: string, backend: string, steps: number, rec: ReplicaRecording, stateSteps: number[]): RunOutput {
  const out: RunOutput = { format: 'synfire-run-1', network, backend, steps, spikes: rec.spikes };
  const groups = Object.keys(rec.u);
  if (groups.length > 0) {
    out.state = {};
    for (const g of groups) out.state[g] = { steps: stateSteps, u: rec.u[g]!.map((r) => Array.from(r)), v: rec.v[g]!.map((r) => Array.from(r)) };
  }
  return out;
}

/** Pretty JSON whose numeric arrays (and arrays of numeric arrays, like spike lists) each take one line. */
export function compactJson(value: unknown): string {
  const flat = (v: unknown): boolean =>
    Array.isArray(v) && v.every((x) => typeof x === 'number' || (Array.isArray(x) && x.every((y) => typeof y === 'number')));
  const marks: string[] = [];
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => {
      const plain = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
      if (!flat(plain)) return plain;
      marks.push(JSON.stringify(plain));
      return `\u0000${marks.length - 1}`;
    },
    1,
  );
  return `${text.replace(/"\\u0000(\d+)"/g, (_m, i: string) => marks[Number(i)]!)}\n`;
}

/** The output document as JSON, one line per spike list and per state row. */
export function formatRunOutput(out: RunOutput): string {
  return compactJson(out);
}
