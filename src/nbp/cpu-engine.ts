/**
 * The fast CPU nBP engine for one replica: the algorithm of ./algorithm.ts, bit for bit, organised for speed.
 * - x is binary, so a1 is a sum of the active inputs' W1 rows (per-sample active lists, built once per dataset),
 *   computed by a WebAssembly SIMD kernel over i16 weights (./wasm/kernels.ts).
 * - A sample whose output error is zero changes nothing (d2 = 0 ⇒ d1 = 0) and costs only the forward pass.
 * - W1 updates touch only active rows × the 8-lane blocks holding a nonzero d1.
 * - loihi: d1p and d1m use P and M before the sample. That equals the circuit's order (nbp-circuit.md §3: s10 is
 *   taken after the phase-5 update) because phase 5 only changes P on d2p columns and M on d2m columns, which s10
 *   does not read. W2/P/M entries are each touched at most once per sample (d2p and d2m are disjoint).
 * - numpy: numpy clips whole matrices every sample; entries outside ±254 can only come from the initial weights,
 *   so the first trained sample after setWeights clips everything once, as numpy would.
 * Environment-neutral (no node:* imports); workers wrap it in ./fused-cpu.ts.
 */
import type { NbpShape, NbpWeights, Semantics } from './types.ts';
import type { ActiveLists } from '../data/preprocess.ts';
import { FAITHFUL_STRATEGY, LEARNING_STEP, SEMANTICS, type DerivativeBox, type LearningStrategy, type SemanticsConstants } from './algorithm.ts';
import { MIXED_8BIT_WEIGHTS } from '../loihi/synapse.ts';
import { countSample, emptyCounts, type MetricCounts } from './metrics.ts';
import { instantiateKernels, kernelLayout, type KernelExports, type KernelLayout } from './wasm/kernels.ts';

/** The weight range every engine accepts (Loihi's 8-bit mixed-sign weights, src/loihi/synapse.ts). */
export const WEIGHT_LIMITS = MIXED_8BIT_WEIGHTS;

/** Checks that weights have the shape's sizes and are integers in [−256, 254]; the message names the matrix. */
export function validateWeights(shape: NbpShape, w: NbpWeights, where = 'weights'): void {
  const sizes: Record<keyof NbpWeights, number> = {
    W1: shape.nIn * shape.nHid,
    W2: shape.nHid * shape.nOut,
    P: shape.nHid * shape.nOut,
    M: shape.nHid * shape.nOut,
  };
  for (const key of ['W1', 'W2', 'P', 'M'] as const) {
    const a = w[key];
    if (a.length !== sizes[key]) throw new Error(`${where}: ${key} has ${a.length} entries, expected ${sizes[key]}`);
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v < WEIGHT_LIMITS.min || v > WEIGHT_LIMITS.max) {
        throw new Error(`${where}: ${key}[${i}] = ${v} is outside the 8-bit weight range [${WEIGHT_LIMITS.min}, ${WEIGHT_LIMITS.max}]`);
      }
    }
  }
}

/** One replica's state and its training / inference loops. */
export class CpuReplicaEngine {
  readonly layout: KernelLayout;
  private readonly k: KernelExports;
  private readonly w1: Int16Array;
  private readonly a1v: Int32Array;
  private readonly rowsv: Int32Array;
  private readonly dpv: Int16Array;
  private readonly dmv: Int16Array;
  private readonly blocksv: Int32Array;
  private readonly W2: Int32Array;
  private readonly P: Int32Array;
  private readonly M: Int32Array;
  private readonly hList: Int32Array;
  private readonly d1List: Int32Array;
  private readonly blockMark: Uint8Array;
  private readonly a2: Int32Array;
  private readonly d2pList: Int32Array;
  private readonly d2mList: Int32Array;
  /** Output errors of the current sample: d2pList[0..np), d2mList[0..nm). */
  private np = 0;
  private nm = 0;
  private numpyNeedsClip = false;
  private readonly c: SemanticsConstants;
  /** Samples trained since creation, and those that changed weights (for benchmarks). */
  trained = 0;
  updated = 0;

  /**
   * `strategy` gives each training sample its rule (box edges, update filter): the faithful algorithm by default,
   * remedies via remedyStrategy (./remedies.ts). One strategy per replica: it keeps the replica's sample clock.
   */
  constructor(
    readonly shape: NbpShape,
    readonly semantics: Semantics,
    private readonly strategy: LearningStrategy = FAITHFUL_STRATEGY,
  ) {
    this.c = SEMANTICS[semantics];
    this.layout = kernelLayout(shape.nIn, shape.nHid, shape.nOut);
    this.k = instantiateKernels(this.layout, shape.nHid);
    const buf = this.k.memory.buffer;
    const L = this.layout;
    this.w1 = new Int16Array(buf, L.w1, shape.nIn * L.nHidPad);
    this.a1v = new Int32Array(buf, L.a1, L.nHidPad);
    this.rowsv = new Int32Array(buf, L.rows, shape.nIn);
    this.dpv = new Int16Array(buf, L.dp, L.nHidPad);
    this.dmv = new Int16Array(buf, L.dm, L.nHidPad);
    this.blocksv = new Int32Array(buf, L.blocks, L.nHidPad / 8);
    // W2, P and M share the padded row stride nOutPad, so one index addresses all three.
    const n2 = shape.nHid * L.nOutPad;
    this.W2 = new Int32Array(buf, L.w2, n2);
    this.P = new Int32Array(n2);
    this.M = new Int32Array(n2);
    this.hList = new Int32Array(buf, L.hlist, shape.nHid);
    this.d1List = new Int32Array(shape.nHid);
    this.blockMark = new Uint8Array(L.nHidPad / 8);
    this.a2 = new Int32Array(buf, L.a2, L.nOutPad);
    this.d2pList = new Int32Array(shape.nOut);
    this.d2mList = new Int32Array(shape.nOut);
  }

  /** Loads weights (validated: integers in [−256, 254]). */
  setWeights(w: NbpWeights): void {
    validateWeights(this.shape, w);
    const { nIn, nHid, nOut } = this.shape;
    const pad = this.layout.nHidPad;
    const op = this.layout.nOutPad;
    this.w1.fill(0);
    for (let i = 0; i < nIn; i++) for (let j = 0; j < nHid; j++) this.w1[i * pad + j] = w.W1[i * nHid + j]!;
    this.W2.fill(0);
    this.P.fill(0);
    this.M.fill(0);
    for (let j = 0; j < nHid; j++) {
      for (let k = 0; k < nOut; k++) {
        this.W2[j * op + k] = w.W2[j * nOut + k]!;
        this.P[j * op + k] = w.P[j * nOut + k]!;
        this.M[j * op + k] = w.M[j * nOut + k]!;
      }
    }
    const { wMin, wMax } = SEMANTICS.numpy;
    this.numpyNeedsClip = this.semantics === 'numpy' && [w.W1, w.W2].some((a) => a.some((v) => v < wMin || v > wMax));
  }

  /** Copies the weights out (numpy semantics: P = W2, M = −W2). */
  getWeights(): NbpWeights {
    const { nIn, nHid, nOut } = this.shape;
    const pad = this.layout.nHidPad;
    const op = this.layout.nOutPad;
    const W1 = new Int32Array(nIn * nHid);
    for (let i = 0; i < nIn; i++) for (let j = 0; j < nHid; j++) W1[i * nHid + j] = this.w1[i * pad + j]!;
    const unpad = (a: Int32Array, sign = 1) => {
      const out = new Int32Array(nHid * nOut);
      for (let j = 0; j < nHid; j++) for (let k = 0; k < nOut; k++) out[j * nOut + k] = sign * a[j * op + k]! || 0;
      return out;
    };
    if (this.semantics === 'numpy') return { W1, W2: unpad(this.W2), P: unpad(this.W2), M: unpad(this.W2, -1) };
    return { W1, W2: unpad(this.W2), P: unpad(this.P), M: unpad(this.M) };
  }

  /** Writes the sample's active-row addresses and runs the a1 kernel; returns the active count. */
  private forwardA1(lists: ActiveLists, s: number): number {
    const o0 = lists.offsets[s]!;
    const count = lists.offsets[s + 1]! - o0;
    const rows = this.rowsv;
    const idx = lists.indices;
    const base = this.layout.w1;
    const rb = this.layout.rowBytes;
    for (let p = 0; p < count; p++) rows[p] = base + idx[o0 + p]! * rb;
    this.k.a1(this.layout.rows, count, this.layout.a1);
    return count;
  }

  /** h as a list of hidden indices and a2 = h·W2 (wasm kernel); returns the number of active hidden units. */
  private forwardHidden(): number {
    const L = this.layout;
    return this.k.hidden(L.a1, L.w2, L.a2, L.hlist);
  }

  /** Trains online on the samples `order` (indices into `lists`/`labels`), in order. */
  train(order: ArrayLike<number>, lists: ActiveLists, labels: Uint8Array): void {
    for (let n = 0; n < order.length; n++) {
      const s = order[n]!;
      this.trainSample(s, lists, labels[s]!);
    }
  }

  /** One online training sample s under the strategy's rule for it. */
  private trainSample(s: number, lists: ActiveLists, label: number): void {
    const count = this.forwardA1(lists, s);
    const nh = this.forwardHidden();
    const rule = this.strategy.nextSample();
    this.outputErrors(label, rule.box);
    this.trained++;
    if (this.np === 0 && this.nm === 0) {
      if (this.numpyNeedsClip) this.clipAllNumpy();
      return;
    }
    this.updated++;
    const keep = rule.keep;
    let nd: number;
    if (this.semantics === 'loihi') {
      // d1 lanes from P and M before the sample (phases 6 and 10), then phases 5 and 9 on W2, P and M.
      nd = this.hiddenErrorsLoihi(rule.box);
      this.updateW2Loihi(nh, keep);
    } else {
      // numpy: W2 first, then d1 through the updated W2.
      this.updateW2Numpy(nh, keep);
      if (this.numpyNeedsClip) this.clipMatrix(this.W2);
      nd = this.hiddenErrorsNumpy(rule.box);
    }
    if (nd > 0) this.updateW1(lists, s, count, nd, keep);
    if (this.numpyNeedsClip) this.clipAllNumpy();
  }

  /** d2p/d2m lists of the sample: faithful d2p = t ∧ ¬o ∧ (a > 0), d2m = o ∧ ¬t ∧ ¬(a > derivHigh); `box` moves the edges. */
  private outputErrors(label: number, box: Readonly<DerivativeBox>): void {
    const nOut = this.shape.nOut;
    const a2 = this.a2,
      d2pList = this.d2pList,
      d2mList = this.d2mList;
    const hi = this.c.derivHigh;
    const { targetHigh, targetLow, nonTargetLow } = box;
    let np = 0,
      nm = 0;
    for (let k = 0; k < nOut; k++) {
      const a = a2[k]!;
      if (k === label) {
        if (!(a > targetHigh) && a > targetLow) d2pList[np++] = k;
      } else if (a > nonTargetLow && !(a > hi)) d2mList[nm++] = k;
    }
    this.np = np;
    this.nm = nm;
  }

  /** loihi: hidden units in the box whose phase-6 (P·d2p + M·d2m) or phase-10 (M·d2p + P·d2m) sum is positive get dp = +2 / dm = −2; returns how many (in d1List). */
  private hiddenErrorsLoihi(box: Readonly<DerivativeBox>): number {
    const nHid = this.shape.nHid;
    const a1 = this.a1v,
      P = this.P,
      M = this.M,
      dp = this.dpv,
      dm = this.dmv;
    const d2pList = this.d2pList,
      d2mList = this.d2mList,
      d1List = this.d1List;
    const np = this.np,
      nm = this.nm;
    const op = this.layout.nOutPad;
    const step = LEARNING_STEP;
    const hLow = -box.hiddenWiden || 0,
      hHigh = this.c.derivHigh + box.hiddenWiden;
    let nd = 0;
    for (let j = 0; j < nHid; j++) {
      const v = a1[j]!;
      if (v <= hLow || v > hHigh) continue;
      const r = j * op;
      let s6 = 0,
        s10 = 0;
      for (let q = 0; q < np; q++) {
        const e = r + d2pList[q]!;
        s6 += P[e]!;
        s10 += M[e]!;
      }
      for (let q = 0; q < nm; q++) {
        const e = r + d2mList[q]!;
        s6 += M[e]!;
        s10 += P[e]!;
      }
      if (s6 > 0 || s10 > 0) {
        if (s6 > 0) dp[j] = step;
        if (s10 > 0) dm[j] = -step;
        d1List[nd++] = j;
      }
    }
    return nd;
  }

  /** numpy: hidden units in the box with a nonzero (d2p − d2m)·W2ᵀ get dp = ±2 by its sign; returns how many (in d1List). */
  private hiddenErrorsNumpy(box: Readonly<DerivativeBox>): number {
    const nHid = this.shape.nHid;
    const a1 = this.a1v,
      W2 = this.W2,
      dp = this.dpv;
    const d2pList = this.d2pList,
      d2mList = this.d2mList,
      d1List = this.d1List;
    const np = this.np,
      nm = this.nm;
    const op = this.layout.nOutPad;
    const step = LEARNING_STEP;
    const hLow = -box.hiddenWiden || 0,
      hHigh = this.c.derivHigh + box.hiddenWiden;
    let nd = 0;
    for (let j = 0; j < nHid; j++) {
      const v = a1[j]!;
      if (v <= hLow || v > hHigh) continue;
      const r = j * op;
      let sum = 0;
      for (let q = 0; q < np; q++) sum += W2[r + d2pList[q]!]!;
      for (let q = 0; q < nm; q++) sum -= W2[r + d2mList[q]!]!;
      if (sum !== 0) {
        dp[j] = sum > 0 ? step : -step;
        d1List[nd++] = j;
      }
    }
    return nd;
  }

  /** loihi phases 5 and 9: W2 and P move by ±2 on (h, d2p) / (h, d2m), M the other way, each saturating; `keep` filters synapses. */
  private updateW2Loihi(nh: number, keep: ((index: number) => boolean) | null): void {
    const nOut = this.shape.nOut;
    const W2 = this.W2,
      P = this.P,
      M = this.M,
      hList = this.hList,
      d2pList = this.d2pList,
      d2mList = this.d2mList;
    const np = this.np,
      nm = this.nm;
    const op = this.layout.nOutPad;
    const step = LEARNING_STEP;
    const { wMin, wMax } = this.c;
    for (let q = 0; q < nh; q++) {
      const r = hList[q]! * op;
      const rl = hList[q]! * nOut;
      for (let t = 0; t < np; t++) {
        const e = r + d2pList[t]!;
        if (keep !== null && !keep(rl + d2pList[t]!)) continue;
        let v = W2[e]! + step;
        W2[e] = v > wMax ? wMax : v;
        v = P[e]! + step;
        P[e] = v > wMax ? wMax : v;
        v = M[e]! - step;
        M[e] = v < wMin ? wMin : v;
      }
      for (let t = 0; t < nm; t++) {
        const e = r + d2mList[t]!;
        if (keep !== null && !keep(rl + d2mList[t]!)) continue;
        let v = W2[e]! - step;
        W2[e] = v < wMin ? wMin : v;
        v = P[e]! - step;
        P[e] = v < wMin ? wMin : v;
        v = M[e]! + step;
        M[e] = v > wMax ? wMax : v;
      }
    }
  }

  /** W1 += dp/dm on (active inputs, d1 lanes) with saturation: the wasm kernel, or plain JS when `keep` filters synapses. */
  private updateW1(lists: ActiveLists, s: number, count: number, nd: number, keep: ((index: number) => boolean) | null): void {
    const dp = this.dpv,
      dm = this.dmv,
      mark = this.blockMark,
      blocks = this.blocksv,
      d1List = this.d1List;
    const { wMin, wMax } = this.c;
    let nb = 0;
    for (let q = 0; q < nd; q++) {
      const blk = d1List[q]! >> 3;
      if (!mark[blk]) {
        mark[blk] = 1;
        blocks[nb++] = blk * 16;
      }
    }
    if (keep !== null) this.updateW1Kept(lists, s, nd, keep, wMin, wMax);
    else this.k.update(this.layout.rows, count, this.layout.blocks, nb, this.layout.dp, this.layout.dm, wMin, wMax);
    for (let q = 0; q < nd; q++) {
      const j = d1List[q]!;
      dp[j] = 0;
      dm[j] = 0;
      mark[j >> 3] = 0;
    }
  }

  /** numpy: W2 += 2·outer(h, d2p − d2m), clipped to ±254 (the rest of W2 is already inside after the first sample); `keep` filters synapses. */
  private updateW2Numpy(nh: number, keep: ((index: number) => boolean) | null): void {
    const np = this.np,
      nm = this.nm;
    const op = this.layout.nOutPad;
    const nOut = this.shape.nOut;
    const { wMin, wMax } = SEMANTICS.numpy;
    const W2 = this.W2;
    for (let q = 0; q < nh; q++) {
      const r = this.hList[q]! * op;
      const rl = this.hList[q]! * nOut;
      for (let t = 0; t < np; t++) {
        const e = r + this.d2pList[t]!;
        if (keep !== null && !keep(rl + this.d2pList[t]!)) continue;
        const v = W2[e]! + LEARNING_STEP;
        W2[e] = v > wMax ? wMax : v;
      }
      for (let t = 0; t < nm; t++) {
        const e = r + this.d2mList[t]!;
        if (keep !== null && !keep(rl + this.d2mList[t]!)) continue;
        const v = W2[e]! - LEARNING_STEP;
        W2[e] = v < wMin ? wMin : v;
      }
    }
  }

  /** The W1 update of phases 7/11 in plain JS, each synapse (i, j) applying it only if `keep` says so. */
  private updateW1Kept(lists: ActiveLists, s: number, nd: number, keep: (index: number) => boolean, wMin: number, wMax: number): void {
    const { nHid, nOut } = this.shape;
    const pad = this.layout.nHidPad;
    const w1 = this.w1,
      dp = this.dpv,
      dm = this.dmv,
      d1 = this.d1List,
      idx = lists.indices;
    const base = nHid * nOut;
    for (let p = lists.offsets[s]!; p < lists.offsets[s + 1]!; p++) {
      const i = idx[p]!;
      for (let q = 0; q < nd; q++) {
        const j = d1[q]!;
        if (!keep(base + i * nHid + j)) continue;
        let v = w1[i * pad + j]! + dp[j]!;
        v = v < wMin ? wMin : v > wMax ? wMax : v;
        v += dm[j]!;
        w1[i * pad + j] = v < wMin ? wMin : v > wMax ? wMax : v;
      }
    }
  }

  private clipMatrix(a: Int16Array | Int32Array): void {
    const { wMin, wMax } = SEMANTICS.numpy;
    for (let i = 0; i < a.length; i++) a[i] = a[i]! < wMin ? wMin : a[i]! > wMax ? wMax : a[i]!;
  }

  private clipAllNumpy(): void {
    this.clipMatrix(this.w1);
    this.clipMatrix(this.W2);
    this.numpyNeedsClip = false;
  }

  /** Inference over samples [start, end) of a dataset, as metric tallies. */
  evaluate(lists: ActiveLists, labels: Uint8Array, start = 0, end = labels.length): MetricCounts {
    const counts = emptyCounts(this.shape.nOut);
    for (let s = start; s < end; s++) {
      this.forwardA1(lists, s);
      this.forwardHidden();
      countSample(counts, this.a2, labels[s]!);
    }
    return counts;
  }
}
