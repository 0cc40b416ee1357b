/**
 * One projection on the CPU: synapses stored as CSR by presynaptic neuron, delivery of a step's spikes into the
 * delay ring (loihi-cuba.md "Delivery": weight exponent applied to each (target, delay, emission step) group
 * sum) and the learning update (nbp-circuit.md §2: after delivery, with x0, y0, r1 of the same step).
 */
import { parseLearningRule, type CompiledLearningRule } from '../../loihi/learning.ts';
import { applyWeightExp, quantizeWeight } from '../../loihi/synapse.ts';
import { POW2, RANGES } from '../../loihi/constants.ts';
import { learningBounds } from '../../network/validate.ts';
import type { Projection } from '../../network/types.ts';

/** Where a projection's pre and post neurons live in the replica's flat arrays. */
export interface ProjectionEnds {
  /** Offset of the pre population in the spike-flag array (groups first, then sources). */
  preFlagOffset: number;
  preSize: number;
  /** Index of the pre population in the per-population spike lists. */
  prePopulation: number;
  /** Offset of the target group in the compartment arrays. */
  postOffset: number;
  postSize: number;
  /** Index of the reward source's population, or -1. */
  rewardPopulation: number;
}

/** Synapse structure shared by all replicas: CSR rows by pre, in each row the synapses in description order. */
interface Structure {
  /** Row j holds synapses rowStart[j] .. rowStart[j+1]-1. */
  rowStart: Int32Array;
  /** Target index within the post group. */
  post: Int32Array;
  /** Delay per synapse (0..63), or null when the projection has one delay for all. */
  delay: Uint8Array | null;
  /** Position of the synapse in the description layout (dense: post*preSize+pre; sparse: list index). */
  descIndex: Int32Array;
}

/** A projection compiled for the CPU backend. */
export class CpuProjection {
  readonly name: string;
  readonly plastic: boolean;
  /** Length of the description layout of weights (dense: post*pre; sparse: number of synapses). */
  readonly descLength: number;
  private structure: Structure;
  /** Stored (quantized) weights per replica, aligned with the structure; non-plastic replicas may share one. */
  private weights: Int16Array[];
  /** Largest delay of the projection. */
  readonly maxDelay: number;
  private readonly constDelay: number;
  private readonly rule: CompiledLearningRule | undefined;
  private readonly wMin: number;
  private readonly wMax: number;
  /** Group sums of the current emission step, by (delay, post), for weight_exp < 0 (the shift floors the sum). */
  private groupSum: Int32Array | undefined;
  private touched: Int32Array | undefined;

  constructor(
    private readonly description: Projection,
    readonly ends: ProjectionEnds,
    replicas: number,
  ) {
    this.name = description.name;
    this.plastic = description.learning !== undefined;
    const syn = description.synapses;
    this.descLength = syn.kind === 'dense' ? ends.postSize * ends.preSize : syn.pre.length;
    this.constDelay = typeof syn.delays === 'number' ? syn.delays : -1;
    let maxDelay = 0;
    if (typeof syn.delays === 'number') maxDelay = syn.delays;
    else for (let i = 0; i < syn.delays.length; i++) maxDelay = Math.max(maxDelay, syn.delays[i]!);
    this.maxDelay = maxDelay;
    if (description.learning) {
      this.rule = parseLearningRule(description.learning.dw);
      ({ wMin: this.wMin, wMax: this.wMax } = learningBounds(description));
    } else {
      this.wMin = RANGES.weight.min;
      this.wMax = RANGES.weight.max;
    }
    const raw = Array.from({ length: replicas }, () => syn.weights);
    this.structure = this.buildStructure(raw);
    const shared = this.quantizeInto(syn.weights);
    this.weights = Array.from({ length: replicas }, (_, r) => (this.plastic && r > 0 ? shared.slice() : shared));
  }

  /** Number of synapses (including zero-weight synapses of plastic projections). */
  get synapseCount(): number {
    return this.structure.post.length;
  }

  /** Synapses of a dense projection: every nonzero entry of any replica's raw weights, every entry if plastic. */
  private buildStructure(rawPerReplica: ArrayLike<number>[]): Structure {
    const syn = this.description.synapses;
    const { preSize } = this.ends;
    let preOf: (i: number) => number;
    let postOf: (i: number) => number;
    let keep: Uint8Array;
    if (syn.kind === 'dense') {
      preOf = (i) => i % preSize;
      postOf = (i) => (i / preSize) | 0;
      keep = new Uint8Array(this.descLength).fill(this.plastic ? 1 : 0);
      for (const raw of rawPerReplica) for (let i = 0; i < this.descLength; i++) if (raw[i] !== 0) keep[i] = 1;
    } else {
      preOf = (i) => syn.pre[i]!;
      postOf = (i) => syn.post[i]!;
      keep = new Uint8Array(this.descLength).fill(1);
    }
    const rowStart = new Int32Array(preSize + 1);
    let count = 0;
    for (let i = 0; i < this.descLength; i++) {
      if (!keep[i]) continue;
      rowStart[preOf(i) + 1]!++;
      count++;
    }
    for (let j = 0; j < preSize; j++) rowStart[j + 1]! += rowStart[j]!;
    const fill = rowStart.slice(0, preSize);
    const post = new Int32Array(count);
    const descIndex = new Int32Array(count);
    const delay = this.constDelay >= 0 ? null : new Uint8Array(count);
    const delays = syn.delays;
    for (let i = 0; i < this.descLength; i++) {
      if (!keep[i]) continue;
      const slot = fill[preOf(i)]!++;
      post[slot] = postOf(i);
      descIndex[slot] = i;
      if (delay) delay[slot] = (delays as ArrayLike<number>)[i]!;
    }
    return { rowStart, post, delay, descIndex };
  }

  private quantizeInto(raw: ArrayLike<number>): Int16Array {
    const { descIndex } = this.structure;
    const stored = new Int16Array(descIndex.length);
    const { signMode, numWeightBits } = this.description;
    for (let j = 0; j < descIndex.length; j++) stored[j] = quantizeWeight(raw[descIndex[j]!]!, signMode, numWeightBits);
    return stored;
  }

  /**
   * Adds the contributions of this step's spikes of the pre population (`spiking[0..count)`, local indices) to
   * the delay ring: the synapse j→i with delay d lands in slot `slotBase[d]` (the ring row of step t+1+d).
   * Returns the number of synaptic events.
   */
  deliver(replica: number, spiking: Int32Array, count: number, ring: Int32Array, slotBase: Int32Array): number {
    if (count === 0) return 0;
    const { rowStart, post, delay } = this.structure;
    const w = this.weights[replica]!;
    const postOffset = this.ends.postOffset;
    const e = this.description.weightExp;
    let events = 0;
    if (e >= 0) {
      // G << e distributes over the sum, so each synapse can add W << e directly.
      const scale = POW2[e]!;
      for (let k = 0; k < count; k++) {
        const pre = spiking[k]!;
        const end = rowStart[pre + 1]!;
        events += end - rowStart[pre]!;
        if (delay === null) {
          const base = slotBase[this.constDelay]! + postOffset;
          for (let j = rowStart[pre]!; j < end; j++) ring[base + post[j]!]! += w[j]! * scale;
        } else {
          for (let j = rowStart[pre]!; j < end; j++) ring[slotBase[delay[j]!]! + postOffset + post[j]!]! += w[j]! * scale;
        }
      }
      return events;
    }
    // e < 0: the shift floors, so sum per (delay, post) first, then shift each group sum once.
    const postSize = this.ends.postSize;
    if (!this.groupSum) {
      const cells = (this.maxDelay + 1) * postSize;
      this.groupSum = new Int32Array(cells);
      this.touched = new Int32Array(cells);
    }
    const sum = this.groupSum;
    const touched = this.touched!;
    const capacity = touched.length;
    // A cell is listed when its sum leaves 0; a sum that returns to 0 may list it again (harmless: a zero sum
    // contributes nothing). If the list fills up, every cell is folded instead.
    let nTouched = 0;
    const rowOfConst = Math.max(this.constDelay, 0) * postSize;
    for (let k = 0; k < count; k++) {
      const pre = spiking[k]!;
      const end = rowStart[pre + 1]!;
      events += end - rowStart[pre]!;
      for (let j = rowStart[pre]!; j < end; j++) {
        const cell = (delay === null ? rowOfConst : delay[j]! * postSize) + post[j]!;
        const before = sum[cell]!;
        if (before === 0 && nTouched < capacity) touched[nTouched++] = cell;
        sum[cell] = before + w[j]!;
      }
    }
    const fold = (cell: number): void => {
      const g = sum[cell]!;
      if (g === 0) return;
      const d = (cell / postSize) | 0;
      ring[slotBase[d]! + postOffset + cell - d * postSize]! += applyWeightExp(g, e);
      sum[cell] = 0;
    };
    if (nTouched < capacity) for (let n = 0; n < nTouched; n++) fold(touched[n]!);
    else for (let cell = 0; cell < capacity; cell++) fold(cell);
    return events;
  }

  /**
   * LEARN(t) for one replica: each synapse gets `w <- clamp(w + dw(x0, y0, r1))` with x0 = its pre spiked at t,
   * y0 = its post spiked at t and r1 = the reward source spiked at t. `fired` flags every neuron that spiked at
   * t (groups, then sources). Only rows of spiking pres are visited unless the rule changes weights with x0 = 0.
   */
  learn(replica: number, spiking: Int32Array, count: number, fired: Uint8Array, r1: number): void {
    const rule = this.rule;
    if (!rule) return;
    const { rowStart, post } = this.structure;
    const w = this.weights[replica]!;
    const { postOffset, preFlagOffset, preSize } = this.ends;
    const { wMin, wMax } = this;
    const updateRow = (pre: number, x0: number): void => {
      const dwSilentPost = rule.table[(x0 << 2) | r1]!;
      const dwFiringPost = rule.table[(x0 << 2) | 2 | r1]!;
      const end = rowStart[pre + 1]!;
      for (let j = rowStart[pre]!; j < end; j++) {
        const dw = fired[postOffset + post[j]!] ? dwFiringPost : dwSilentPost;
        if (dw === 0) continue;
        const next = w[j]! + dw;
        w[j] = next < wMin ? wMin : next > wMax ? wMax : next;
      }
    };
    if (rule.needsAllSynapses) {
      for (let pre = 0; pre < preSize; pre++) updateRow(pre, fired[preFlagOffset + pre]!);
    } else {
      for (let k = 0; k < count; k++) updateRow(spiking[k]!, 1);
    }
  }

  /** Stored weights of a replica in the description layout (dense: zeros where there is no synapse). */
  readWeights(replica: number): Int32Array {
    const out = new Int32Array(this.descLength);
    const w = this.weights[replica]!;
    const { descIndex } = this.structure;
    for (let j = 0; j < descIndex.length; j++) out[descIndex[j]!] = w[j]!;
    return out;
  }

  /**
   * Replaces raw weights (description layout, already validated) for one replica or all, quantized as at load.
   * A dense non-plastic projection that gains a nonzero entry gets a rebuilt structure.
   */
  writeWeights(raw: ArrayLike<number>, replica: number | undefined): void {
    const replicas = this.weights.length;
    if (this.description.synapses.kind === 'dense' && !this.plastic && this.missesNonzero(raw)) {
      // Re-quantizing stored weights is idempotent, so every replica keeps its weights across the rebuild.
      const current = this.weights.map((_, r) => this.readWeights(r));
      this.structure = this.buildStructure([...current, raw]);
      const rebuilt = new Map<Int16Array, Int16Array>();
      this.weights = this.weights.map((old, r) => {
        const next = rebuilt.get(old) ?? this.quantizeInto(current[r]!);
        rebuilt.set(old, next);
        return next;
      });
    }
    const stored = this.quantizeInto(raw);
    if (replica === undefined) {
      this.weights = Array.from({ length: replicas }, (_, r) => (this.plastic && r > 0 ? stored.slice() : stored));
    } else {
      this.weights[replica] = stored;
    }
  }

  /** Whether a dense raw weight array has a nonzero entry where the structure holds no synapse. */
  private missesNonzero(raw: ArrayLike<number>): boolean {
    const present = new Uint8Array(this.descLength);
    for (const i of this.structure.descIndex) present[i] = 1;
    for (let i = 0; i < this.descLength; i++) if (raw[i] !== 0 && !present[i]) return true;
    return false;
  }
}
