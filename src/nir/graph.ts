/**
 * NIR graphs in memory, as stored in NIR's HDF5 layout (neuromorphs/NIR nir/serialization.py): the file holds a
 * `version` string and a group `node` (the root NIRGraph) with a `type` dataset, a group `nodes` (one group per
 * node, each with a `type` dataset and its parameters as datasets) and `edges`, an [n, 2] string dataset of
 * (source, target) node names. synfire's integer extension is an extra `synfire` group inside a node, and one at
 * the file root (docs/nir.md).
 */
import { group, readHdf5, str, strings, writeHdf5, type H5Dataset, type H5Group } from './hdf5.ts';

/** A numeric NIR parameter: shape and row-major values. */
export interface NirArray {
  shape: number[];
  data: Float64Array;
}

/** One node: its NIR type, its numeric and string parameters, and synfire's extension if present. */
export interface NirNode {
  type: string;
  params: Map<string, NirArray | string>;
  /** The `synfire` group of the node (integer parameters), if the file has one. */
  synfire?: H5Group;
}

export interface NirGraph {
  version: string;
  /** Nodes in file order. */
  nodes: Map<string, NirNode>;
  edges: Array<[string, string]>;
  /** The file-level `synfire` group, if any. */
  synfire?: H5Group;
}

/** A malformed NIR file or a NIR graph synfire cannot map; the message names the file, node and field. */
export class NirError extends Error {
  override name = 'NirError';
}

function datasetString(ds: H5Group | H5Dataset | undefined): string | undefined {
  if (ds?.kind !== 'dataset' || !Array.isArray(ds.data)) return undefined;
  return ds.data[0];
}

/** Parses the HDF5 tree of a NIR file into a graph. `file` is used in error messages. */
export function parseNirTree(tree: H5Group, file: string): NirGraph {
  const root = tree.children.get('node');
  if (root?.kind !== 'group') throw new NirError(`${file}: not a NIR file (no root group 'node')`);
  const rootType = datasetString(root.children.get('type'));
  if (rootType !== 'NIRGraph') throw new NirError(`${file}: root node has type ${JSON.stringify(rootType)}, expected 'NIRGraph'`);
  const nodesGroup = root.children.get('nodes');
  if (nodesGroup?.kind !== 'group') throw new NirError(`${file}: root NIRGraph has no 'nodes' group`);
  const nodes = new Map<string, NirNode>();
  for (const [name, entry] of nodesGroup.children) {
    if (entry.kind !== 'group') throw new NirError(`${file}: node '${name}' is a dataset, expected a group`);
    const type = datasetString(entry.children.get('type'));
    if (type === undefined) throw new NirError(`${file}: node '${name}' has no string 'type'`);
    const params = new Map<string, NirArray | string>();
    let synfire: H5Group | undefined;
    for (const [key, value] of entry.children) {
      if (key === 'type') continue;
      if (key === 'synfire' && value.kind === 'group') synfire = value;
      else if (value.kind === 'dataset') {
        params.set(key, Array.isArray(value.data) ? (value.data[0] ?? '') : { shape: value.shape, data: value.data });
      }
      // Other groups (metadata, nested graphs' nodes/edges) are kept out of params.
    }
    nodes.set(name, { type, params, synfire });
  }
  const edgesDs = root.children.get('edges');
  const edges: Array<[string, string]> = [];
  const noEdges = edgesDs?.kind === 'dataset' && edgesDs.shape[0] === 0;
  if (edgesDs && !noEdges) {
    if (edgesDs.kind !== 'dataset' || !Array.isArray(edgesDs.data) || edgesDs.data.length % 2 !== 0) {
      throw new NirError(`${file}: 'node/edges' must be an [n, 2] string dataset`);
    }
    for (let i = 0; i < edgesDs.data.length; i += 2) {
      const [a, b] = [edgesDs.data[i]!, edgesDs.data[i + 1]!];
      for (const end of [a, b]) {
        if (!nodes.has(end)) throw new NirError(`${file}: edges[${i / 2}] = ['${a}', '${b}'] names no node '${end}'`);
      }
      edges.push([a, b]);
    }
  }
  const version = datasetString(tree.children.get('version')) ?? 'unknown';
  const synfire = tree.children.get('synfire');
  return { version, nodes, edges, synfire: synfire?.kind === 'group' ? synfire : undefined };
}

/** Reads a NIR file. */
export async function readNir(file: string): Promise<NirGraph> {
  return parseNirTree(await readHdf5(file), file);
}

/** The NIR version written by export (the layout of neuromorphs/NIR 1.0). */
export const NIR_VERSION = '1.0.0';

/** Builds the HDF5 tree of a graph (the inverse of parseNirTree). */
export function nirTree(graph: NirGraph): H5Group {
  const nodes = group(
    [...graph.nodes].map(([name, node]) => {
      const entries: Array<[string, H5Group | H5Dataset | undefined]> = [['type', str(node.type)]];
      for (const [key, value] of node.params) {
        entries.push([key, typeof value === 'string' ? str(value) : { kind: 'dataset', shape: value.shape, data: value.data }]);
      }
      if (node.synfire) entries.push(['synfire', node.synfire]);
      return [name, group(entries)];
    }),
  );
  const edges = strings(graph.edges.flat(), [graph.edges.length, 2]);
  return group([
    ['version', str(graph.version)],
    [
      'node',
      group([
        ['type', str('NIRGraph')],
        ['nodes', nodes],
        ['edges', edges],
      ]),
    ],
    ['synfire', graph.synfire],
  ]);
}

/** Writes a NIR file. */
export async function writeNir(file: string, graph: NirGraph): Promise<void> {
  await writeHdf5(file, nirTree(graph));
}
