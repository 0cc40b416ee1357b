/**
 * The engine of the wasm backend: some replicas of one network in one WebAssembly memory, stepped by the SIMD
 * kernels of ./kernels.ts. Same semantics as the CPU oracle (src/backends/cpu), bit for bit; only the data layout
 * differs:
 *
 * - Compartments: every group starts at a multiple of 4 (padding lanes have u = v = BIAS = 0, receive nothing and
 *   never spike, since v' = 0 is not above VTH >= 0). `C` = padded compartment count.
 * - Delay ring: 2·slots rows of C i32 (slots = largest delay + 1). A spike of step t with delay d adds to row
 *   (t+1) % slots + d, so a synapse's ring offset `d·C + target` is fixed and delivery needs no modulo; A(s) is
 *   the sum of rows s % slots and s % slots + slots (int32 sums wrap mod 2^32, as the oracle's Int32Array does).
 * - Synapses: CSR by pre in description order (the oracle's structure rule, including its rebuild on
 *   writeWeights), stored weights as i16 per replica, and for delivery one packed word per synapse (ring offset
 *   and weight, ./kernels.ts) where offsets fit in 23 bits.
 *
 * Sources, learning (nbp-circuit.md §2) and recording run in JavaScript over views of the memory, with the
 * oracle's rules. Environment-neutral; one engine serves a worker thread (./worker.ts) or the calling thread.
 */
import { parseLearningRule, type CompiledLearningRule } from '../../loihi/learning.ts';
import { quantizeWeight } from '../../loihi/synapse.ts';
import { RANGES } from '../../loihi/constants.ts';
import { thresholdValue, biasValue, updateCurrent, updateVoltage } from '../../loihi/neuron.ts';
import { learningBounds } from '../../network/validate.ts';
import type { Network, Projection } from '../../network/types.ts';
import type { RecordingOptions } from '../types.ts';
import { instantiateKernels, PACK_MAX_OFFSET, PACK_WEIGHT_BIAS, PACK_WEIGHT_BITS, type KernelExports } from './kernels.ts';

const align16 = (n: number): number => (n + 15) & ~15;
const pad4 = (n: number): number => (n + 3) & ~3;

/** A group in the padded layout. */
interface Group {
  name: string;
  population: number;
  /** First compartment (a multiple of 4). */
  offset: number;
  size: number;
  /** Decay factors 4096 - (du + 1) and 4096 - dv. */
  ku: number;
  kv: number;
  du: number;
  dv: number;
  vthEff: number;
  refractory: number;
}

/** A source: its population and its place in the spike-flag array (after the C compartments). */
interface Source {
  name: string;
  population: number;
  flagOffset: number;
  size: number;
}

/** CSR structure of a projection (shared by the engine's replicas). */
interface Structure {
  rowStart: Int32Array;
  post: Int32Array;
  delay: Uint8Array | null;
  descIndex: Int32Array;
  /** Byte addresses in wasm memory. */
  rowStartPtr: number;
  /** e >= 0: ring offsets d·C + target; e < 0: group-sum cells d·postSize + post. */
  offPtr: number;
}

/** A projection on the engine. */
interface Plan {
  name: string;
  description: Projection;
  plastic: boolean;
  descLength: number;
  constDelay: number;
  maxDelay: number;
  weightExp: number;
  rule: CompiledLearningRule | undefined;
  wMin: number;
  wMax: number;
  prePopulation: number;
  preSize: number;
  /** Offset of the pre population in the spike-flag array. */
  preFlag: number;
  postOffset: number;
  postSize: number;
  rewardPopulation: number;
  structure: Structure;
  /** Stored weights (i16) per local replica: byte addresses (non-plastic replicas share one until written apart). */
  weightPtr: number[];
  /**
   * Non-plastic, weight exponent >= 0 and ring offsets below 2^23: delivery reads packed words (offset and weight,
   * ./kernels.ts), one array per distinct weight array (packedPtr[r] goes with weightPtr[r]).
   */
  packed: boolean;
  packedPtr: number[];
  /** e < 0: group sums, touched list and ring offset of each (delay, post) cell; `cells` of each. */
  sumPtr: number;
  touchedPtr: number;
  cellRingPtr: number;
  cells: number;
}

/** Recording options resolved against the network. */
interface Recording {
  spikeGroups: Group[];
  stateGroups: Group[];
  stateSteps: number[];
}

/** One replica's recording so far: spikes as flat (step, index) pairs per recorded group. */
export interface FlatRecording {
  spikes: Record<string, Int32Array>;
  u: Record<string, Int32Array[]>;
  v: Record<string, Int32Array[]>;
}

/** Per local replica. */
interface Replica {
  u: number;
  v: number;
  ref: number;
  ring: number;
  /** Spike list (i32 local indices) per population. */
  list: number[];
  count: Int32Array;
  schedule: Map<number, number[]>[];
  spikes: Array<{ data: Int32Array; length: number }>;
  u0: Int32Array[][];
  v0: Int32Array[][];
  nextState: number;
}

function addToSchedule(schedule: Map<number, number[]>, step: number, index: number): void {
  const list = schedule.get(step);
  if (list) list.push(index);
  else schedule.set(step, [index]);
}

/** The engine: `replicas` replicas of an already validated network. */
export class WasmEngine {
  private readonly k: KernelExports;
  private top = 16;
  private i32!: Int32Array;
  private i16!: Int16Array;
  private readonly groups: Group[];
  private readonly sources: Source[];
  private readonly groupByName: Map<string, Group>;
  private readonly sourceByName: Map<string, Source>;
  private readonly plans: Plan[];
  private readonly planByName: Map<string, Plan>;
  /** Padded compartment count. */
  private readonly C: number;
  private readonly slots: number;
  private readonly biasPtr: number;
  private readonly replicas: Replica[];
  private readonly sharedSchedule: Map<number, number[]>[];
  private readonly recording: Recording;
  /** Spike flags (compartments, then sources) of the current step, kept only for learning. */
  private readonly fired: Uint8Array | null;
  private readonly sourceFlag: Uint8Array;
  private step = 0;
  private events = 0;

  /** Partitioned mode: this engine's compartment range and the shared spike exchange (see {@link Partition}). */
  private readonly part: PartitionState | null;

  constructor(network: Network, replicas: number, recording: RecordingOptions | undefined, partition?: Partition) {
    let offset = 0;
    this.groups = network.groups.map((g, population) => {
      const group: Group = {
        name: g.name,
        population,
        offset,
        size: g.size,
        ku: 4096 - (g.du + 1),
        kv: 4096 - g.dv,
        du: g.du,
        dv: g.dv,
        vthEff: thresholdValue(g.vth),
        refractory: g.refractory,
      };
      offset += pad4(g.size);
      return group;
    });
    const C = offset;
    this.C = C;
    this.part = partition ? partitionState(partition, this.groups, C) : null;
    if (this.part && replicas !== 1) throw new RangeError('wasm engine: a partitioned engine holds exactly one replica');
    if (this.part && network.projections.some((p) => p.learning)) throw new RangeError('wasm engine: plastic projections cannot be partitioned');
    let flag = C;
    this.sources = network.sources.map((s, i) => {
      const source = { name: s.name, population: this.groups.length + i, flagOffset: flag, size: s.size };
      flag += s.size;
      return source;
    });
    this.groupByName = new Map(this.groups.map((g) => [g.name, g]));
    this.sourceByName = new Map(this.sources.map((s) => [s.name, s]));
    const populations = [
      ...this.groups.map((g) => ({ size: g.size, flag: g.offset })),
      ...this.sources.map((s) => ({ size: s.size, flag: s.flagOffset })),
    ];
    this.recording = this.resolveRecording(recording);
    this.k = instantiateKernels(1 << 16);
    this.views();

    this.biasPtr = this.alloc(C * 4);
    network.groups.forEach((g, gi) => {
      const base = (this.biasPtr >> 2) + this.groups[gi]!.offset;
      for (let i = 0; i < g.size; i++) this.i32[base + i] = biasValue(g.biasMant[i]!, g.biasExp);
    });

    const populationOf = (name: string): number => (this.groupByName.get(name) ?? this.sourceByName.get(name))!.population;
    this.plans = network.projections.map((p): Plan => {
      const pre = populationOf(p.from);
      const post = this.groupByName.get(p.to)!;
      const syn = p.synapses;
      const preSize = populations[pre]!.size;
      let maxDelay = 0;
      if (typeof syn.delays === 'number') maxDelay = syn.delays;
      else for (let i = 0; i < syn.delays.length; i++) maxDelay = Math.max(maxDelay, syn.delays[i]!);
      const plastic = p.learning !== undefined;
      const bounds = plastic ? learningBounds(p) : { wMin: RANGES.weight.min, wMax: RANGES.weight.max };
      const reward = p.learning?.reward;
      const plan: Plan = {
        name: p.name,
        description: p,
        plastic,
        descLength: syn.kind === 'dense' ? post.size * preSize : syn.pre.length,
        constDelay: typeof syn.delays === 'number' ? syn.delays : -1,
        maxDelay,
        weightExp: p.weightExp,
        rule: p.learning ? parseLearningRule(p.learning.dw) : undefined,
        wMin: bounds.wMin,
        wMax: bounds.wMax,
        prePopulation: pre,
        preSize,
        preFlag: populations[pre]!.flag,
        postOffset: post.offset,
        postSize: post.size,
        rewardPopulation: reward === undefined ? -1 : this.sourceByName.get(reward)!.population,
        structure: undefined as unknown as Structure,
        weightPtr: [],
        packed: !plastic && p.weightExp >= 0 && (maxDelay + 1) * C <= PACK_MAX_OFFSET + 1,
        packedPtr: [],
        sumPtr: 0,
        touchedPtr: 0,
        cellRingPtr: 0,
        cells: 0,
      };
      plan.structure = this.buildStructure(plan, this.keepMask(plan, [syn.weights]));
      if (p.weightExp < 0) {
        plan.cells = (maxDelay + 1) * post.size;
        plan.sumPtr = this.alloc(plan.cells * 4);
        plan.touchedPtr = this.alloc(plan.cells * 4);
        plan.cellRingPtr = this.alloc(plan.cells * 4);
        for (let d = 0; d <= maxDelay; d++) {
          for (let i = 0; i < post.size; i++) this.i32[(plan.cellRingPtr >> 2) + d * post.size + i] = d * C + post.offset + i;
        }
      }
      this.setWeights(plan, syn.weights, replicas, undefined);
      return plan;
    });
    this.planByName = new Map(this.plans.map((p) => [p.name, p]));
    this.slots = Math.max(0, ...this.plans.map((p) => p.maxDelay)) + 1;

    this.sharedSchedule = network.sources.map((s) => {
      const schedule = new Map<number, number[]>();
      for (const [step, index] of s.spikes ?? []) addToSchedule(schedule, step, index);
      return schedule;
    });
    this.replicas = [];
    for (let r = 0; r < replicas; r++) {
      const rep: Replica = {
        u: this.alloc(C * 4),
        v: this.alloc(C * 4),
        ref: this.alloc(C * 4),
        ring: this.alloc(2 * this.slots * C * 4),
        list: populations.map((p) => this.alloc(pad4(p.size) * 4)),
        count: new Int32Array(populations.length),
        schedule: network.sources.map(() => new Map<number, number[]>()),
        spikes: this.recording.spikeGroups.map(() => ({ data: new Int32Array(256), length: 0 })),
        u0: this.recording.stateGroups.map(() => []),
        v0: this.recording.stateGroups.map(() => []),
        nextState: 0,
      };
      network.groups.forEach((g, gi) => {
        const base = this.groups[gi]!.offset;
        for (let i = 0; i < g.size; i++) {
          this.i32[(rep.u >> 2) + base + i] = g.uInit?.[i] ?? 0;
          this.i32[(rep.v >> 2) + base + i] = g.vInit?.[i] ?? 0;
        }
      });
      this.i32.fill(-1, rep.ref >> 2, (rep.ref >> 2) + C);
      this.replicas.push(rep);
    }
    this.fired = this.plans.some((p) => p.plastic) ? new Uint8Array(flag) : null;
    this.sourceFlag = new Uint8Array(Math.max(0, ...this.sources.map((s) => s.size)));
  }

  private views(): void {
    const buffer = this.k.memory.buffer;
    this.i32 = new Int32Array(buffer);
    this.i16 = new Int16Array(buffer);
  }

  /** Reserves `bytes` (16-byte aligned, zeroed) in wasm memory, growing it when needed. */
  private alloc(bytes: number): number {
    const ptr = this.top;
    this.top = align16(ptr + bytes);
    const have = this.k.memory.buffer.byteLength;
    if (this.top > have) {
      const need = Math.ceil((this.top - have) / 65536);
      const pages = Math.max(need, Math.min(have / 65536, 16384));
      if (this.top > 2 ** 32 - 65536) throw new RangeError(`wasm backend: the network needs ${this.top} bytes, over the 4 GiB of WebAssembly memory`);
      this.k.memory.grow(Math.min(pages, 65536 - have / 65536));
      this.views();
    }
    return ptr;
  }

  private resolveRecording(options: RecordingOptions | undefined): Recording {
    const resolve = (names: string[] | 'all' | undefined): Group[] => {
      if (names === undefined) return [];
      if (names === 'all') return this.groups;
      return names.map((name) => this.groupByName.get(name)!);
    };
    return { spikeGroups: resolve(options?.spikes), stateGroups: resolve(options?.state), stateSteps: [...(options?.stateSteps ?? [])] };
  }

  /** Which description entries hold a synapse: the oracle's rule (dense: nonzero in any given array, all if plastic). */
  private keepMask(plan: Plan, raws: ArrayLike<number>[]): Uint8Array {
    const keep = new Uint8Array(plan.descLength);
    if (plan.description.synapses.kind === 'sparse' || plan.plastic) return keep.fill(1);
    for (const raw of raws) for (let i = 0; i < plan.descLength; i++) if (raw[i] !== 0) keep[i] = 1;
    return keep;
  }

  /** CSR by pre in description order, and its wasm arrays. */
  private buildStructure(plan: Plan, keep: Uint8Array): Structure {
    const syn = plan.description.synapses;
    const { preSize, postSize, descLength } = plan;
    const preOf = syn.kind === 'dense' ? (i: number) => i % preSize : (i: number) => syn.pre[i]!;
    const postOf = syn.kind === 'dense' ? (i: number) => (i / preSize) | 0 : (i: number) => syn.post[i]!;
    if (this.part) {
      // A partition holds only the synapses onto its compartment range.
      const { start, end } = this.part;
      keep = keep.slice();
      for (let i = 0; i < descLength; i++) {
        const target = plan.postOffset + postOf(i);
        if (target < start || target >= end) keep[i] = 0;
      }
    }
    const rowStart = new Int32Array(preSize + 1);
    let count = 0;
    for (let i = 0; i < descLength; i++) {
      if (!keep[i]) continue;
      rowStart[preOf(i) + 1]!++;
      count++;
    }
    for (let j = 0; j < preSize; j++) rowStart[j + 1]! += rowStart[j]!;
    const delays = syn.delays;
    const fill = rowStart.slice(0, preSize);
    const post = new Int32Array(count);
    const descIndex = new Int32Array(count);
    const delay = typeof delays === 'number' ? null : new Uint8Array(count);
    for (let i = 0; i < descLength; i++) {
      if (!keep[i]) continue;
      const slot = fill[preOf(i)]!++;
      post[slot] = postOf(i);
      descIndex[slot] = i;
      if (delay) delay[slot] = (delays as ArrayLike<number>)[i]!;
    }
    const rowStartPtr = this.alloc(rowStart.length * 4);
    this.i32.set(rowStart, rowStartPtr >> 2);
    const offPtr = this.alloc(count * 4);
    const off = this.i32.subarray(offPtr >> 2, (offPtr >> 2) + count);
    for (let j = 0; j < count; j++) {
      const d = delay ? delay[j]! : plan.constDelay;
      off[j] = plan.weightExp >= 0 ? d * this.C + plan.postOffset + post[j]! : d * postSize + post[j]!;
    }
    return { rowStart, post, delay, descIndex, rowStartPtr, offPtr };
  }

  /**
   * Quantizes raw weights (description layout) for replica `replica` of `replicas`, or all (undefined): plastic
   * replicas each own an array; non-plastic replicas share one, and a replica written alone gets its own.
   */
  private setWeights(plan: Plan, raw: ArrayLike<number>, replicas: number, replica: number | undefined): void {
    const synapses = plan.structure.descIndex.length;
    const fresh = (): [number, number] => [this.alloc(synapses * 2), plan.packed ? this.alloc(synapses * 4) : 0];
    const targets = replica === undefined ? Array.from({ length: replicas }, (_, r) => r) : [replica];
    let shared: [number, number] | null = null;
    for (const r of targets) {
      let ptrs: [number, number];
      const current = plan.weightPtr[r];
      const sharedWithOther = current !== undefined && plan.weightPtr.some((q, other) => q === current && !targets.includes(other));
      if (plan.plastic) ptrs = current === undefined ? fresh() : [current, 0];
      else if (current === undefined || sharedWithOther) ptrs = shared ??= fresh();
      else ptrs = shared ??= [current, plan.packedPtr[r]!];
      plan.weightPtr[r] = ptrs[0];
      plan.packedPtr[r] = ptrs[1];
    }
    const written = new Set<number>();
    for (const r of targets) {
      if (written.has(plan.weightPtr[r]!)) continue;
      written.add(plan.weightPtr[r]!);
      this.storeWeights(plan, raw, plan.weightPtr[r]!, plan.packedPtr[r]!);
    }
  }

  /** Quantizes raw weights into the i16 array at `ptr` (and the packed words at `packedPtr` when packed). */
  private storeWeights(plan: Plan, raw: ArrayLike<number>, ptr: number, packedPtr: number): void {
    const { descIndex } = plan.structure;
    const base = ptr >> 1;
    const { signMode, numWeightBits } = plan.description;
    for (let j = 0; j < descIndex.length; j++) this.i16[base + j] = quantizeWeight(raw[descIndex[j]!]!, signMode, numWeightBits);
    if (!plan.packed) return;
    const off = plan.structure.offPtr >> 2;
    const words = packedPtr >> 2;
    for (let j = 0; j < descIndex.length; j++)
      this.i32[words + j] = (this.i32[off + j]! << PACK_WEIGHT_BITS) | (this.i16[base + j]! + PACK_WEIGHT_BIAS);
  }

  get currentStep(): number {
    return this.step;
  }

  /** Synaptic events delivered so far over this engine's replicas. */
  get synapticEvents(): number {
    return this.events;
  }

  /** Schedules checked spikes of a source for one local replica or all (undefined). */
  inject(source: string, spikes: ReadonlyArray<readonly [number, number]>, replica: number | undefined): void {
    const s = this.sourceByName.get(source)!;
    const index = s.population - this.groups.length;
    const schedule = replica === undefined ? this.sharedSchedule[index]! : this.replicas[replica]!.schedule[index]!;
    for (const [step, i] of spikes) addToSchedule(schedule, step, i);
  }

  /** Advances every replica by `steps` (replica-major, like the oracle). */
  run(steps: number): void {
    for (let r = 0; r < this.replicas.length; r++) {
      for (let t = this.step; t < this.step + steps; t++) this.advance(r, t);
    }
    this.step += steps;
    for (const schedule of [this.sharedSchedule, ...this.replicas.map((s) => s.schedule)]) {
      for (const perSource of schedule) for (const step of perSource.keys()) if (step < this.step) perSource.delete(step);
    }
  }

  private advance(r: number, t: number): void {
    const rep = this.replicas[r]!;
    const { C, slots, k } = this;
    const count = rep.count;
    const row = t % slots;
    const ringA = rep.ring + row * C * 4;
    const ringB = rep.ring + (row + slots) * C * 4;
    // Steps 1-6 for every group (of a partition: its part of the compartments).
    for (const g of this.groups) {
      const off = g.offset * 4;
      let begin = 0;
      let end = pad4(g.size) * 4;
      if (this.part) {
        begin = Math.max(0, this.part.start - g.offset) * 4;
        end = Math.min(end, Math.max(0, this.part.end - g.offset) * 4);
        if (begin >= end) {
          count[g.population] = 0;
          continue;
        }
      }
      const list = rep.list[g.population]!;
      let n = k.neurons(
        rep.u + off,
        rep.v + off,
        rep.ref + off,
        this.biasPtr + off,
        ringA + off,
        ringB + off,
        begin,
        end,
        g.ku,
        g.kv,
        g.vthEff,
        t,
        t + g.refractory,
        list,
        0,
        0,
      );
      let stop = this.i32[0]!;
      while (stop < end) {
        n = this.scalarLanes(rep, g, (ringA + off) >> 2, (ringB + off) >> 2, stop >> 2, t, list, n);
        n = k.neurons(
          rep.u + off,
          rep.v + off,
          rep.ref + off,
          this.biasPtr + off,
          ringA + off,
          ringB + off,
          stop + 16,
          end,
          g.ku,
          g.kv,
          g.vthEff,
          t,
          t + g.refractory,
          list,
          n,
          0,
        );
        stop = this.i32[0]!;
      }
      count[g.population] = n;
    }
    // Source spikes listed at t (a repeated entry is still one spike).
    for (const s of this.sources) {
      const list = rep.list[s.population]! >> 2;
      let n = 0;
      const index = s.population - this.groups.length;
      for (const indices of [this.sharedSchedule[index]!.get(t), rep.schedule[index]!.get(t)]) {
        if (!indices) continue;
        for (const i of indices) {
          if (this.sourceFlag[i]) continue;
          this.sourceFlag[i] = 1;
          this.i32[list + n++] = i;
        }
      }
      for (let q = 0; q < n; q++) this.sourceFlag[this.i32[list + q]!] = 0;
      count[s.population] = n;
    }
    if (this.part) this.exchange(rep, t);
    // Step 7: delivery into the rows of t+1 .. t+1+d.
    const ring = rep.ring + ((t + 1) % slots) * C * 4;
    for (const p of this.plans) {
      const pre = p.prePopulation;
      const n = count[pre]!;
      if (n === 0) continue;
      const s = p.structure;
      if (p.weightExp >= 0) {
        if (p.packed) this.events += k.deliverPacked(s.rowStartPtr, p.packedPtr[r]!, p.weightExp, rep.list[pre]!, n, ring);
        else this.events += k.deliver(s.rowStartPtr, s.offPtr, p.weightPtr[r]!, p.weightExp, rep.list[pre]!, n, ring);
      } else {
        this.events += k.deliverShift(
          s.rowStartPtr,
          s.offPtr,
          p.weightPtr[r]!,
          rep.list[pre]!,
          n,
          p.sumPtr,
          p.touchedPtr,
          p.cells,
          p.cellRingPtr,
          ring,
          -p.weightExp,
        );
      }
    }
    if (this.fired) this.learn(r, rep);
    this.record(rep, t);
  }

  /** Steps the four lanes at compartment `lane0` of group g with the scalar rules (outside the SIMD domain). */
  private scalarLanes(rep: Replica, g: Group, ringA: number, ringB: number, lane0: number, t: number, list: number, n: number): number {
    const i32 = this.i32;
    const biasBase = (this.biasPtr >> 2) + g.offset;
    for (let i = lane0; i < lane0 + 4; i++) {
      const a = (i32[ringA + i]! + i32[ringB + i]!) | 0;
      i32[ringA + i] = 0;
      i32[ringB + i] = 0;
      const c = g.offset + i;
      const uNew = updateCurrent(i32[(rep.u >> 2) + c]!, g.du, a);
      i32[(rep.u >> 2) + c] = uNew;
      if (i32[(rep.ref >> 2) + c]! >= t) continue;
      const vNew = updateVoltage(i32[(rep.v >> 2) + c]!, g.dv, uNew, i32[biasBase + i]!);
      if (vNew > g.vthEff) {
        i32[(rep.v >> 2) + c] = 0;
        i32[(rep.ref >> 2) + c] = t + g.refractory;
        i32[(list >> 2) + n++] = i;
      } else {
        i32[(rep.v >> 2) + c] = vNew;
      }
    }
    return n;
  }

  /** LEARN(t) of replica r (the oracle's rule: x0, y0, r1 of this step, after delivery). */
  private learn(r: number, rep: Replica): void {
    const fired = this.fired!;
    const i32 = this.i32;
    const populations = [...this.groups.map((g) => g.offset), ...this.sources.map((s) => s.flagOffset)];
    populations.forEach((flag, p) => {
      const list = rep.list[p]! >> 2;
      for (let q = 0; q < rep.count[p]!; q++) fired[flag + i32[list + q]!] = 1;
    });
    for (const p of this.plans) {
      const rule = p.rule;
      if (!rule) continue;
      const r1 = p.rewardPopulation >= 0 && rep.count[p.rewardPopulation]! > 0 ? 1 : 0;
      const { rowStart, post } = p.structure;
      const w = this.i16;
      const wBase = p.weightPtr[r]! >> 1;
      const { wMin, wMax, postOffset } = p;
      const updateRow = (pre: number, x0: number): void => {
        const dwSilentPost = rule.table[(x0 << 2) | r1]!;
        const dwFiringPost = rule.table[(x0 << 2) | 2 | r1]!;
        const end = rowStart[pre + 1]!;
        for (let j = rowStart[pre]!; j < end; j++) {
          const dw = fired[postOffset + post[j]!] ? dwFiringPost : dwSilentPost;
          if (dw === 0) continue;
          const next = w[wBase + j]! + dw;
          w[wBase + j] = next < wMin ? wMin : next > wMax ? wMax : next;
        }
      };
      if (rule.needsAllSynapses) {
        for (let pre = 0; pre < p.preSize; pre++) updateRow(pre, fired[p.preFlag + pre]!);
      } else {
        const list = rep.list[p.prePopulation]! >> 2;
        for (let q = 0; q < rep.count[p.prePopulation]!; q++) updateRow(i32[list + q]!, 1);
      }
    }
    populations.forEach((flag, p) => {
      const list = rep.list[p]! >> 2;
      for (let q = 0; q < rep.count[p]!; q++) fired[flag + i32[list + q]!] = 0;
    });
  }

  private record(rep: Replica, t: number): void {
    const { spikeGroups, stateGroups, stateSteps } = this.recording;
    // Partitions all hold the whole step's spikes after the exchange; the first one records them.
    const spikeGroupCount = this.part && this.part.index > 0 ? 0 : spikeGroups.length;
    for (let g = 0; g < spikeGroupCount; g++) {
      const pop = spikeGroups[g]!.population;
      const n = rep.count[pop]!;
      if (n === 0) continue;
      const out = rep.spikes[g]!;
      if (out.length + 2 * n > out.data.length) {
        const grown = new Int32Array(Math.max(out.data.length * 2, out.length + 2 * n));
        grown.set(out.data.subarray(0, out.length));
        out.data = grown;
      }
      const list = rep.list[pop]! >> 2;
      const data = out.data;
      let at = out.length;
      for (let q = 0; q < n; q++) {
        data[at++] = t;
        data[at++] = this.i32[list + q]!;
      }
      out.length = at;
    }
    while (rep.nextState < stateSteps.length && stateSteps[rep.nextState]! < t) rep.nextState++;
    if (stateSteps[rep.nextState] !== t) return;
    rep.nextState++;
    stateGroups.forEach((g, i) => {
      const [from, to] = this.ownedPart(g);
      rep.u0[i]!.push(this.i32.slice((rep.u >> 2) + from, (rep.u >> 2) + to));
      rep.v0[i]!.push(this.i32.slice((rep.v >> 2) + from, (rep.v >> 2) + to));
    });
  }

  /** The compartments [from, to) of group g this engine updates (all of them unless partitioned). */
  private ownedPart(g: Group): [number, number] {
    if (!this.part) return [g.offset, g.offset + g.size];
    const from = Math.min(Math.max(this.part.start, g.offset), g.offset + g.size);
    const to = Math.max(Math.min(this.part.end, g.offset + g.size), from);
    return [from, to];
  }

  /**
   * Partitioned step: publishes this partition's spikes of step t (per group, in the exchange buffer of t's
   * parity), waits for every partition, then gathers all of them, in partition order (so indices stay
   * increasing), into the spike lists that delivery and recording read.
   */
  private exchange(rep: Replica, t: number): void {
    const part = this.part!;
    const x = part.words;
    const parity = t & 1;
    for (const g of this.groups) {
      const at = part.slot[parity]![part.index]![g.population]!;
      const n = rep.count[g.population]!;
      x[at] = n;
      x.set(this.i32.subarray(rep.list[g.population]! >> 2, (rep.list[g.population]! >> 2) + n), at + 1);
    }
    barrier(part);
    for (const g of this.groups) {
      const list = rep.list[g.population]! >> 2;
      let n = 0;
      for (let q = 0; q < part.count; q++) {
        const at = part.slot[parity]![q]![g.population]!;
        const m = x[at]!;
        this.i32.set(x.subarray(at + 1, at + 1 + m), list + n);
        n += m;
      }
      rep.count[g.population] = n;
    }
  }

  /** Recording of every local replica so far (copies). */
  readRecording(): FlatRecording[] {
    const { spikeGroups, stateGroups } = this.recording;
    return this.replicas.map((rep) => {
      const out: FlatRecording = { spikes: {}, u: {}, v: {} };
      spikeGroups.forEach((g, i) => {
        const s = rep.spikes[i]!;
        out.spikes[g.name] = s.data.slice(0, s.length);
      });
      stateGroups.forEach((g, i) => {
        out.u[g.name] = rep.u0[i]!.map((row) => row.slice());
        out.v[g.name] = rep.v0[i]!.map((row) => row.slice());
      });
      return out;
    });
  }

  clearRecording(): void {
    for (const rep of this.replicas) {
      for (const s of rep.spikes) s.length = 0;
      for (const rows of [...rep.u0, ...rep.v0]) rows.length = 0;
    }
  }

  /** Stored weights of a local replica in the description layout. */
  readWeights(projection: string, replica: number): Int32Array {
    const p = this.planByName.get(projection)!;
    const out = new Int32Array(p.descLength);
    const { descIndex } = p.structure;
    const base = p.weightPtr[replica]! >> 1;
    for (let j = 0; j < descIndex.length; j++) out[descIndex[j]!] = this.i16[base + j]!;
    return out;
  }

  /** Whether writing `raw` requires a new structure: a dense non-plastic projection gains a nonzero entry. */
  needsRebuild(projection: string, raw: ArrayLike<number>): boolean {
    const p = this.planByName.get(projection)!;
    if (p.description.synapses.kind !== 'dense' || p.plastic) return false;
    const present = new Uint8Array(p.descLength);
    for (const i of p.structure.descIndex) present[i] = 1;
    // A partition answers for the synapses onto its own compartments (the caller asks every part).
    const [from, to] = this.part ? [this.part.start, this.part.end] : [0, this.C];
    for (let i = 0; i < p.descLength; i++) {
      if (raw[i] === 0 || present[i]) continue;
      const target = p.postOffset + ((i / p.preSize) | 0);
      if (target >= from && target < to) return true;
    }
    return false;
  }

  /** Entries with a nonzero stored weight in some local replica (the part of the rebuild's keep mask known here). */
  nonzeroMask(projection: string): Uint8Array {
    const p = this.planByName.get(projection)!;
    return this.keepMask(
      p,
      this.replicas.map((_, r) => this.readWeights(projection, r)),
    );
  }

  /**
   * Rebuilds a projection's structure with synapses where `keep` is set (the oracle's rule: nonzero stored weight
   * in any replica of the whole simulation, or in the raw weights being written); every local replica keeps its
   * stored weights (re-quantizing stored weights is idempotent).
   */
  rebuild(projection: string, keep: Uint8Array): void {
    const p = this.planByName.get(projection)!;
    const current = this.replicas.map((_, r) => this.readWeights(projection, r));
    const sharing = p.weightPtr.map((ptr) => p.weightPtr.indexOf(ptr));
    p.structure = this.buildStructure(p, keep);
    p.weightPtr = [];
    p.packedPtr = [];
    // Replicas that shared weights keep sharing them.
    current.forEach((w, r) => {
      if (sharing[r] === r) this.setWeights(p, w, this.replicas.length, r);
      else {
        p.weightPtr[r] = p.weightPtr[sharing[r]!]!;
        p.packedPtr[r] = p.packedPtr[sharing[r]!]!;
      }
    });
  }

  /** Replaces raw weights (validated, description layout) of one local replica or all, quantized as at load. */
  writeWeights(projection: string, raw: ArrayLike<number>, replica: number | undefined): void {
    this.setWeights(this.planByName.get(projection)!, raw, this.replicas.length, replica);
  }

  /** u and v of a group for a local replica. */
  readState(group: string, replica: number): { u: Int32Array; v: Int32Array } {
    const g = this.groupByName.get(group)!;
    const rep = this.replicas[replica]!;
    const [from, to] = this.ownedPart(g);
    return { u: this.i32.slice((rep.u >> 2) + from, (rep.u >> 2) + to), v: this.i32.slice((rep.v >> 2) + from, (rep.v >> 2) + to) };
  }
}

/**
 * One part of a single replica split by compartments over threads: this engine updates compartments
 * [start, end) (multiples of 4, in the padded layout) and holds only the synapses onto them; the spikes of every
 * step are exchanged through `exchange`, a SharedArrayBuffer of {@link exchangeBytes} bytes shared by all parts.
 */
export interface Partition {
  index: number;
  count: number;
  /** Range boundaries of every part: part q holds [bounds[q], bounds[q+1]). */
  bounds: number[];
  exchange: SharedArrayBuffer;
}

interface PartitionState {
  index: number;
  count: number;
  start: number;
  end: number;
  /** Words of the exchange: [0] arrivals, [1] generation, then the spike slots. */
  words: Int32Array;
  /** slot[parity][part][population]: word offset of that part's count and spikes of a group. */
  slot: number[][][];
}

/** Padded compartments of each group, in order (the engine's layout). */
function paddedSizes(network: Network): number[] {
  return network.groups.map((g) => pad4(g.size));
}

/** Splits C padded compartments into `count` ranges of multiples of 4. */
export function partitionBounds(network: Network, count: number): number[] {
  const C = paddedSizes(network).reduce((a, b) => a + b, 0);
  return Array.from({ length: count + 1 }, (_, q) => (q === count ? C : Math.floor((C / 4) * (q / count)) * 4));
}

/** Bytes of the exchange buffer for `count` parts. */
export function exchangeBytes(network: Network, count: number): number {
  const bounds = partitionBounds(network, count);
  return (
    (2 +
      2 *
        layoutSlots(
          network.groups.map((g) => g.size),
          bounds,
        ).total) *
    4
  );
}

function layoutSlots(sizes: number[], bounds: number[]): { offsets: number[][]; total: number } {
  let at = 0;
  const offsets: number[][] = [];
  let groupStart = 0;
  const starts = sizes.map((size) => {
    const s = groupStart;
    groupStart += pad4(size);
    return s;
  });
  for (let q = 0; q + 1 < bounds.length; q++) {
    offsets.push(
      sizes.map((size, g) => {
        const from = Math.min(Math.max(bounds[q]!, starts[g]!), starts[g]! + size);
        const to = Math.max(Math.min(bounds[q + 1]!, starts[g]! + size), from);
        const slot = at;
        at += 1 + (to - from);
        return slot;
      }),
    );
  }
  return { offsets, total: at };
}

function partitionState(p: Partition, groups: Group[], C: number): PartitionState {
  if (p.bounds[p.bounds.length - 1] !== C) throw new RangeError('wasm engine: partition bounds do not match the network');
  const { offsets, total } = layoutSlots(
    groups.map((g) => g.size),
    p.bounds,
  );
  const slot = [0, 1].map((parity) => offsets.map((row) => row.map((o) => 2 + parity * total + o)));
  return { index: p.index, count: p.count, start: p.bounds[p.index]!, end: p.bounds[p.index + 1]!, words: new Int32Array(p.exchange), slot };
}

/** Waits until every part has arrived (a generation barrier on words[0..1]). */
function barrier(part: PartitionState): void {
  const w = part.words;
  const generation = Atomics.load(w, 1);
  if (Atomics.add(w, 0, 1) === part.count - 1) {
    Atomics.store(w, 0, 0);
    Atomics.add(w, 1, 1);
    Atomics.notify(w, 1);
    return;
  }
  for (let spin = 0; spin < 2000; spin++) if (Atomics.load(w, 1) !== generation) return;
  while (Atomics.load(w, 1) === generation) Atomics.wait(w, 1, generation);
}
