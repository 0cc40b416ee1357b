/**
 * How a projection's synapses are stored and walked on the GPU, chosen per projection by shape (GeNN's
 * presynaptic update strategies): each strategy says whether it can represent a projection exactly
 * (`isCompatible`) and whether the automatic choice should take it (`suits`); the registry is walked in order
 * and every choice can be forced for tests. Both strategies deliver in deliver.wgsl (row per spiking pre).
 */
import type { Projection } from '../../network/types.ts';

/** Names of the synapse storage strategies. */
export type StrategyName = 'dense' | 'csr';

/** Shape facts a strategy decides on. */
export interface ProjectionShape {
  name: string;
  kind: 'dense' | 'sparse';
  preSize: number;
  postSize: number;
  /** Entries of the description layout (dense: pre*post; sparse: number of synapses). */
  entries: number;
  plastic: boolean;
}

/** A projection's synapses as stored for one replica: rows by pre neuron. */
export interface StoredSynapses {
  /** Number of stored synapse words. */
  length: number;
  /** Stored position of each description entry, or -1 when it is not stored. */
  position: Int32Array;
  /** Delay of each stored synapse (0..63). */
  delay: Uint8Array;
  /** CSR only: row j holds stored positions rowStart[j] .. rowStart[j+1]-1. */
  rowStart?: Int32Array;
  /** CSR only: target (index in the post group) of each stored synapse. */
  target?: Int32Array;
}

/** A way to store and deliver a projection. */
export interface SynapseStrategy {
  name: StrategyName;
  /** Whether the strategy represents the projection exactly (every synapse, and no extra plastic one). */
  isCompatible(shape: ProjectionShape): boolean;
  /** Whether the automatic choice takes this strategy for the shape (the last strategy takes everything). */
  suits(shape: ProjectionShape): boolean;
  /** Stores the projection's structure (weights are filled in separately, through `position`). */
  store(projection: Projection, preSize: number, postSize: number): StoredSynapses;
  /** Bytes per stored synapse and replica (weights), plus per-projection index bytes. */
  indexBytes(stored: StoredSynapses): number;
}

function delayOf(delays: number | ArrayLike<number>, i: number): number {
  return typeof delays === 'number' ? delays : delays[i]!;
}

/** Pre neuron and post neuron of description entry i. */
function endsOf(projection: Projection, preSize: number): { pre: (i: number) => number; post: (i: number) => number } {
  const syn = projection.synapses;
  if (syn.kind === 'dense') return { pre: (i) => i % preSize, post: (i) => Math.floor(i / preSize) };
  return { pre: (i) => syn.pre[i]!, post: (i) => syn.post[i]! };
}

function entriesOf(projection: Projection, preSize: number, postSize: number): number {
  const syn = projection.synapses;
  return syn.kind === 'dense' ? preSize * postSize : syn.pre.length;
}

/**
 * Dense rows [pre][post]: a spiking pre walks all post targets, no index per synapse (4 bytes per synapse).
 * Exact for dense descriptions, and for sparse ones without learning (absent synapses are weight 0; with
 * learning they would become plastic synapses that do not exist).
 */
export const denseStrategy: SynapseStrategy = {
  name: 'dense',
  isCompatible: (shape) => shape.kind === 'dense' || !shape.plastic,
  // A CSR synapse costs twice the bytes of a dense one, so dense pays from half the entries on.
  suits: (shape) => shape.kind === 'dense' || (!shape.plastic && shape.entries * 2 >= shape.preSize * shape.postSize),
  store(projection, preSize, postSize) {
    const entries = entriesOf(projection, preSize, postSize);
    const { pre, post } = endsOf(projection, preSize);
    const length = preSize * postSize;
    const position = new Int32Array(entries);
    const delay = new Uint8Array(length);
    for (let i = 0; i < entries; i++) {
      const at = pre(i) * postSize + post(i);
      position[i] = at;
      delay[at] = delayOf(projection.synapses.delays, i);
    }
    return { length, position, delay };
  },
  indexBytes: () => 0,
};

/**
 * CSR rows by pre (rows keep description order): a spiking pre walks its own synapses only, with a target
 * index per synapse (8 bytes per synapse). Every description entry is stored, zero weights of dense
 * descriptions included, so `writeWeights` can later make any of them nonzero without a rebuild.
 */
export const csrStrategy: SynapseStrategy = {
  name: 'csr',
  isCompatible: () => true,
  suits: () => true,
  store(projection, preSize, postSize) {
    const entries = entriesOf(projection, preSize, postSize);
    const { pre, post } = endsOf(projection, preSize);
    const rowStart = new Int32Array(preSize + 1);
    for (let i = 0; i < entries; i++) rowStart[pre(i) + 1]!++;
    for (let j = 0; j < preSize; j++) rowStart[j + 1]! += rowStart[j]!;
    const fill = rowStart.slice(0, preSize);
    const position = new Int32Array(entries);
    const delay = new Uint8Array(entries);
    const target = new Int32Array(entries);
    for (let i = 0; i < entries; i++) {
      const at = fill[pre(i)]!++;
      position[i] = at;
      delay[at] = delayOf(projection.synapses.delays, i);
      target[at] = post(i);
    }
    return { length: entries, position, delay, rowStart, target };
  },
  indexBytes: (stored) => 4 * (stored.target!.length + stored.rowStart!.length),
};

/** The registry, most specialised first; the automatic choice is the first compatible strategy that suits. */
export const STRATEGIES: readonly SynapseStrategy[] = [denseStrategy, csrStrategy];

/** Picks the strategy of a projection: `forced` if given (it must be compatible), else the first that suits. */
export function chooseStrategy(shape: ProjectionShape, forced?: StrategyName): SynapseStrategy {
  if (forced !== undefined) {
    const strategy = STRATEGIES.find((s) => s.name === forced);
    if (!strategy) throw new RangeError(`unknown synapse strategy '${forced}' (have: ${STRATEGIES.map((s) => s.name).join(', ')})`);
    if (!strategy.isCompatible(shape)) {
      throw new RangeError(
        `projection '${shape.name}': the ${forced} strategy cannot represent it exactly (${shape.kind}${shape.plastic ? ', plastic' : ''}); ` +
          `compatible: ${STRATEGIES.filter((s) => s.isCompatible(shape))
            .map((s) => s.name)
            .join(', ')}`,
      );
    }
    return strategy;
  }
  const strategy = STRATEGIES.find((s) => s.isCompatible(shape) && s.suits(shape));
  if (!strategy) throw new RangeError(`projection '${shape.name}': no synapse strategy fits it`);
  return strategy;
}
