/**
 * A small HDF5 layer for NIR files (h5wasm, Node build): reads a whole file into a plain tree of groups and
 * datasets, and writes such a tree back. NIR files are small (parameters of one graph), so reading everything
 * at once is fine. Numbers come back as Float64 arrays (64-bit integers are converted, exactly below 2^53),
 * strings as strings.
 */
import { resolve } from 'node:path';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** A dataset: its shape (empty for a scalar) and its values, flattened in row-major order. */
export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  /** Numeric data (any HDF5 integer or float type) as float64, or string data. */
  data: Float64Array | string[];
  /** Stored integer type, when the dataset holds integers (used by the writer to keep integers integers). */
  integer?: boolean;
}

/** A group: named children in the file's order (h5wasm lists them by name). */
export interface H5Group {
  kind: 'group';
  children: Map<string, H5Group | H5Dataset>;
}

type H5Module = typeof import('h5wasm/node');

let module: Promise<H5Module> | undefined;

/** Loads h5wasm once (the WebAssembly build with host file access). */
async function h5(): Promise<H5Module> {
  module ??= (async () => {
    const m = await import('h5wasm/node');
    await m.ready;
    return m;
  })();
  return module;
}

function toDataset(m: H5Module, ds: InstanceType<H5Module['Dataset']>, where: string): H5Dataset {
  const shape = ds.shape ?? [];
  const value = ds.value;
  const meta = ds.metadata;
  if (typeof value === 'string') return { kind: 'dataset', shape, data: [value] };
  if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return { kind: 'dataset', shape, data: value as string[] };
  const integer = meta.type === 0; // H5T_INTEGER
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return { kind: 'dataset', shape, data: Float64Array.of(Number(value)), integer };
  }
  if (ArrayBuffer.isView(value)) {
    const src = value as unknown as ArrayLike<number | bigint>;
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
    return { kind: 'dataset', shape, data: out, integer };
  }
  void m;
  throw new Error(`${where}: unsupported HDF5 dataset type (${JSON.stringify(ds.dtype)})`);
}

function readGroup(m: H5Module, group: InstanceType<H5Module['Group']>, path: string): H5Group {
  const children = new Map<string, H5Group | H5Dataset>();
  for (const key of group.keys()) {
    const entry = group.get(key);
    const where = `${path}/${key}`;
    if (entry instanceof m.Group) children.set(key, readGroup(m, entry, where));
    else if (entry instanceof m.Dataset) children.set(key, toDataset(m, entry, where));
    else throw new Error(`${where}: unsupported HDF5 object (links and references are not read)`);
  }
  return { kind: 'group', children };
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether the file has the HDF5 signature at offset 0, 512, 1024, 2048, ... (HDF5's superblock search). */
function hasHdf5Signature(path: string): boolean {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, buf, 0, 8, offset) === 8 && SIGNATURE.every((b, i) => buf[i] === b)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole HDF5 file. Errors name the file. */
export async function readHdf5(file: string): Promise<H5Group> {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`${file}: no such file`);
  // h5wasm prints HDF5's diagnostics instead of throwing on a non-HDF5 file: check the signature first.
  if (!hasHdf5Signature(path)) throw new Error(`${file}: not a readable HDF5 file (no HDF5 signature)`);
  const m = await h5();
  let f: InstanceType<H5Module['File']>;
  try {
    f = new m.File(path, 'r');
  } catch (err) {
    throw new Error(`${file}: not a readable HDF5 file (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return readGroup(m, f, '');
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    f.close();
  }
}

function writeGroup(group: InstanceType<H5Module['Group']>, tree: H5Group): void {
  for (const [key, child] of tree.children) {
    if (child.kind === 'group') {
      writeGroup(group.create_group(key), child);
    } else if (Array.isArray(child.data)) {
      const strings = child.data;
      if (child.shape.length === 0) group.create_dataset({ name: key, data: strings[0] ?? '' });
      else group.create_dataset({ name: key, data: strings, shape: child.shape });
    } else {
      const data = child.integer ? Int32Array.from(child.data) : child.data;
      group.create_dataset({ name: key, data, shape: child.shape });
    }
  }
}

/** Writes a tree as a new HDF5 file (replacing any file of that name). */
export async function writeHdf5(file: string, tree: H5Group): Promise<void> {
  const m = await h5();
  const f = new m.File(resolve(file), 'w');
  try {
    writeGroup(f, tree);
  } finally {
    f.close();
  }
}

/** Helpers to build trees. */
export function group(entries: Array<[string, H5Group | H5Dataset | undefined]>): H5Group {
  const children = new Map<string, H5Group | H5Dataset>();
  for (const [k, v] of entries) if (v) children.set(k, v);
  return { kind: 'group', children };
}

export function floats(data: ArrayLike<number>, shape: number[] = [data.length]): H5Dataset {
  return { kind: 'dataset', shape, data: Float64Array.from(data) };
}

export function ints(data: ArrayLike<number>, shape: number[] = [data.length]): H5Dataset {
  return { kind: 'dataset', shape, data: Float64Array.from(data), integer: true };
}

export function int(value: number): H5Dataset {
  return { kind: 'dataset', shape: [], data: Float64Array.of(value), integer: true };
}

export function float(value: number): H5Dataset {
  return { kind: 'dataset', shape: [], data: Float64Array.of(value) };
}

export function str(value: string): H5Dataset {
  return { kind: 'dataset', shape: [], data: [value] };
}

export function strings(values: string[], shape: number[]): H5Dataset {
  return { kind: 'dataset', shape, data: values };
}
