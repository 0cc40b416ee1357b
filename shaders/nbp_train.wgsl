// nbp_train: fused nBP training (nbp-circuit.md §3 / numpy_simulation.py), many samples per dispatch.
// One workgroup per replica (workgroup_id.x = replica). Hidden units come in groups of 12 (see
// shaders/include/nbp_forward.wgsl), and group g belongs to thread g mod WG, so every weight update is
// thread-local: a thread owns 12 columns of W1 and 12 rows of W2, P, M. Each dispatch continues a replica where
// the previous one stopped (cursor), so a train() call is a run of identical dispatches in one compute pass and
// one submit.
//
// Per sample: forward (each thread: its groups' a1, h, b and its share of a2 = W2ᵀh), one workgroup atomicAdd per
// output and thread with a nonzero share (≤ nOut per thread), barrier, thread 0 reads and clears the nOut sums and
// publishes the error masks d2p/d2m, barrier, then (only when some output is wrong) each thread updates its own
// rows of W2, P, M and its own columns of W1. So 2 barriers and at most nOut·threads atomicAdd + nOut atomicLoad +
// nOut atomicStore per sample (the previous kernel: 1 barrier, but every thread read all nOut sums: nOut·WG loads).
//
// Trade-offs. SwiftShader (the CPU fallback) runs 4 invocations as the SIMD lanes of one CPU thread, and its JIT
// (Subzero) turns every per-lane load/store, every shift and every countTrailingZeros into 4 scalar operations, and
// recomputes arrayLength() with 4 divisions at each access to a runtime-sized array. Measured there, what costs is
// the number of per-lane W1 loads and the instructions of the row loops, not barriers (about 3 µs a sample) nor
// workgroup atomics. So, without serialising anything:
// - on a GPU the host runs one thread per group (36 threads for 400 units); on a fallback (CPU) adapter 3 groups
//   per thread (12 threads): fewer coroutines to switch at each barrier, measured about 1.2x faster there. W1 packs
//   3 weights per u32 (12 units per vec4 instead of 8), a third fewer loads (and bytes on a GPU) per input row;
// - the row loops (forward, W1 update) have no shift, no countTrailingZeros (countOneBits of the lowest bit − 1)
//   and no branch: fields are summed and updated in place, steps and bounds scaled instead of fields shifted;
// - the weight arrays are fixed-size (W1_LEN, W2_LEN, DATA_LEN from the host), so the robustness clamps need no arrayLength;
// - learning is vectorised over a thread's 12 units (W2, P, M stored output-major: one output of a group is 3
//   vec4s) and visits only the wrong outputs; a sample without an output error skips it (d2 = 0 ⇒ d1 = 0);
// - the a2 reduction stays a workgroup atomicAdd: a tree in workgroup memory needs log₂(WG) barriers.
// On a GPU all of this is neutral or better: fewer bytes, fewer threads per replica, the same single submit.
//
// Layouts:
//   W1: see shaders/include/nbp_forward.wgsl (9-bit offset-binary fields, one vec4 = 12 units of an input row).
//   W2 | P | M: i32 vec4s per replica (stride w2Stride vec4s), three matrices of nOut·groups·3 vec4s; output k,
//   group g: vec4 (k·groups + g)·3 + f = quarter f (units 4f..4f+3) of the group (padding units 0).
//
// Bindings (group 0):
//   0 params   uniform             Params (sizes, semantics constants)
//   1 data     storage, read       per training sample (stride dataStride): label, then ceil(nIn/32) input bit words
//   2 orders   storage, read       replicas × len training-set indices (this train() call)
//   3 cursor   storage, read_write per replica: samples of this call done so far
//   4 w1       storage, read_write per replica (stride w1Stride vec4s): W1 packed
//   5 w2       storage, read_write per replica (stride w2Stride vec4s): W2 | P | M as above
// Flags:
//   NUMPY      the authors' numpy_simulation.py (backprop through the updated W2, clip whole matrices to ±254;
//              P and M are left alone); otherwise the chip circuit (backprop through P, M before the sample;
//              saturate touched entries; P and M tracked on their own).

${PARAMS}

override WG: u32 = 64;
// Outputs are bits of a u32 mask; the host checks nOut ≤ 32.
const OUT_MAX: u32 = 32u;
// Unit groups per thread; the host checks nHid ≤ 12·GROUPS_MAX·WG.
const GROUPS_MAX: u32 = 4u;
const STEP: i32 = 2;
// Scale of packed W1 fields 1 and 2 (2⁹, 2¹⁸).
const SCALE1: i32 = 0x200;
const SCALE2: i32 = 0x40000;
// Flag words: bit u = h of unit u, bit u of the upper half (× B_FLAGS) = b.
const B_FLAGS: u32 = 0x10000u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<u32, ${DATA_LEN}>;
@group(0) @binding(2) var<storage, read> orders: array<u32>;
@group(0) @binding(3) var<storage, read_write> cursor: array<u32>;
@group(0) @binding(4) var<storage, read_write> w1: array<vec4<u32>, ${W1_LEN}>;
@group(0) @binding(5) var<storage, read_write> w2: array<vec4<i32>, ${W2_LEN}>;

#include nbp_forward

// a2 sums of the current sample (thread 0 reads and clears them between the two barriers).
var<workgroup> a2acc: array<atomic<i32>, OUT_MAX>;
// (d2p, d2m) of the current sample, written by thread 0.
var<workgroup> d2Shared: vec2<u32>;
var<workgroup> startShared: u32;

// STEP where a lane mask holds.
fn steps(m: vec4<bool>) -> vec4<i32> {
  return select(vec4<i32>(), vec4<i32>(STEP), m);
}

fn loadW2(at: u32) -> Quarters {
  return Quarters(w2[at], w2[at + 1u], w2[at + 2u]);
}

fn storeW2(at: u32, v: Quarters) {
  w2[at] = v.q0;
  w2[at + 1u] = v.q1;
  w2[at + 2u] = v.q2;
}

// v ± STEP where the masks hold, saturated.
// (lo, hi: the weight range, loaded from params once by the caller.)
fn stepMasked(v: Quarters, d: i32, m0: vec4<bool>, m1: vec4<bool>, m2: vec4<bool>, lo: vec4<i32>, hi: vec4<i32>) -> Quarters {
  return Quarters(select(v.q0, clamp(v.q0 + d, lo, hi), m0), select(v.q1, clamp(v.q1 + d, lo, hi), m1),
    select(v.q2, clamp(v.q2 + d, lo, hi), m2));
}

fn addQ(a: Quarters, b: Quarters) -> Quarters {
  return Quarters(a.q0 + b.q0, a.q1 + b.q1, a.q2 + b.q2);
}

// t when c, else f.
fn pick(f: Quarters, t: Quarters, c: bool) -> Quarters {
  return Quarters(select(f.q0, t.q0, c), select(f.q1, t.q1, c), select(f.q2, t.q2, c));
}

// One thread's learning for group g with flags f (bits u = h, 16 + u = b of unit u): W2, P, M rows of the wrong
// outputs `errs`, then the W1 columns of the units whose d1 is set. Everything it writes is its own.
fn learnGroup(g: u32, f: u32, d2p: u32, d2m: u32, errs: u32, clipAll: bool, base: u32, row0: u32, w2Off: u32) {
  let groups = params.groups;
  let blk = params.nOut * groups * 3u;
  let h0 = quarter(f, QUARTER0);
  let h1 = quarter(f, QUARTER1);
  let h2 = quarter(f, QUARTER2);
  let b0 = quarter(f, QUARTER0 * B_FLAGS);
  let b1 = quarter(f, QUARTER1 * B_FLAGS);
  let b2 = quarter(f, QUARTER2 * B_FLAGS);
  let anyH = (f & 0xffffu) != 0u;
  var e = errs;
  let zero = vec4<i32>();
  let wLo = vec4<i32>(params.wMin);
  let wHi = vec4<i32>(params.wMax);
#if ${NUMPY}
  // W2 += 2·h(d2p − d2m), clip; d1 = sign((d2p − d2m)·W2_new) where b.
  if (f == 0u && !clipAll) {
    return; // no h and no b: nothing of this group changes and d1 = 0
  }
  var back = Quarters(zero, zero, zero);
  while (e != 0u) {
    let bit = e & (0u - e);
    e ^= bit;
    let k = countOneBits(bit - 1u);
    let isP = (d2p & bit) != 0u;
    let isM = (d2m & bit) != 0u;
    let at = w2Off + (k * groups + g) * 3u;
    let d = select(0, STEP, isP) - select(0, STEP, isM);
    let old = loadW2(at);
    let w = Quarters(clamp(old.q0 + select(zero, vec4<i32>(d), h0), wLo, wHi),
      clamp(old.q1 + select(zero, vec4<i32>(d), h1), wLo, wHi), clamp(old.q2 + select(zero, vec4<i32>(d), h2), wLo, wHi));
    let sign = select(0, 1, isP) - select(0, 1, isM);
    back = Quarters(back.q0 + w.q0 * sign, back.q1 + w.q1 * sign, back.q2 + w.q2 * sign);
    // Entries without h keep their value (already within ±254 after the call's first sample, which clips all).
    if (anyH || clipAll) {
      storeW2(at, w);
    }
  }
  let up0 = b0 & (back.q0 > zero);
  let up1 = b1 & (back.q1 > zero);
  let up2 = b2 & (back.q2 > zero);
  let dn0 = b0 & (back.q0 < zero);
  let dn1 = b1 & (back.q1 < zero);
  let dn2 = b2 & (back.q2 < zero);
#else
  // Phase by phase per entry (d2p and d2m are disjoint): s6 reads P, M before phase 5; s10 after phase 5.
  if (f == 0u) {
    return; // no h and no b: nothing of this group changes and d1 = 0
  }
  var s6 = Quarters(zero, zero, zero);
  var s10 = Quarters(zero, zero, zero);
  while (e != 0u) {
    let bit = e & (0u - e);
    e ^= bit;
    let k = countOneBits(bit - 1u);
    let isP = (d2p & bit) != 0u;
    let at = w2Off + (k * groups + g) * 3u;
    var w = loadW2(at);
    var pv = loadW2(at + blk);
    var mv = loadW2(at + 2u * blk);
    s6 = addQ(s6, pick(mv, pv, isP));
    if (anyH) {
      // Phase 5 (reward): W2, P on (h, d2p) and M on (h, d2m) potentiate.
      if (isP) {
        w = stepMasked(w, STEP, h0, h1, h2, wLo, wHi);
        pv = stepMasked(pv, STEP, h0, h1, h2, wLo, wHi);
      } else {
        mv = stepMasked(mv, STEP, h0, h1, h2, wLo, wHi);
      }
    }
    s10 = addQ(s10, pick(pv, mv, isP));
    if (anyH) {
      // Phase 9: W2, P on (h, d2m) and M on (h, d2p) depress.
      if (isP) {
        mv = stepMasked(mv, -STEP, h0, h1, h2, wLo, wHi);
      } else {
        w = stepMasked(w, -STEP, h0, h1, h2, wLo, wHi);
        pv = stepMasked(pv, -STEP, h0, h1, h2, wLo, wHi);
      }
      storeW2(at, w);
      storeW2(at + blk, pv);
      storeW2(at + 2u * blk, mv);
    }
  }
  let up0 = b0 & (s6.q0 > zero);
  let up1 = b1 & (s6.q1 > zero);
  let up2 = b2 & (s6.q2 > zero);
  let dn0 = b0 & (s10.q0 > zero);
  let dn1 = b1 & (s10.q1 > zero);
  let dn2 = b2 & (s10.q2 > zero);
#endif
  // W1[x, unit] += 2 where d1p (phase 7), then −= 2 where d1m (phase 11), each saturated; all units of the
  // group at once. Clamping an untouched unit is harmless: loihi weights always lie in [wMin, wMax], and numpy
  // clips every entry every sample.
  if (!(any(up0 | up1 | up2 | dn0 | dn1 | dn2) || clipAll)) {
    return;
  }
  // In place: field f of a word is (w + 256)·2^(9f), so steps and bounds are scaled instead of the fields
  // shifted (no shifts per row: SwiftShader's JIT turns every shift into 4 scalar ones).
  let p0 = steps(up0);
  let p1 = steps(up1) * SCALE1;
  let p2 = steps(up2) * SCALE2;
  let m0 = steps(dn0);
  let m1 = steps(dn1) * SCALE1;
  let m2 = steps(dn2) * SCALE2;
  let lo = vec4<i32>(params.wMin + OFFSET);
  let hi = vec4<i32>(params.wMax + OFFSET);
  let lo1 = lo * SCALE1;
  let hi1 = hi * SCALE1;
  let lo2 = lo * SCALE2;
  let hi2 = hi * SCALE2;
  let stride = params.groups;
  let col = row0 + g;
  // numpy's first sample of a call visits every input row (to clip): all bits of the word below nIn; the other
  // samples only the active rows. A row visited but not active is only clamped (its steps are zero).
  for (var wd = 0u; wd < params.words; wd++) {
    let xbits = data[base + 1u + wd];
    let inRange = params.nIn - wd * 32u;
    let all = select((1u << inRange) - 1u, 0xffffffffu, inRange >= 32u);
    var bits = select(xbits, all, clipAll);
    let rows = col + wd * 32u * stride;
    while (bits != 0u) {
      let low = bits & (0u - bits); // lowest set bit
      bits ^= low;
      let at = rows + countOneBits(low - 1u) * stride;
      let on = (xbits & low) != 0u;
      let v = w1[at];
      let x0 = vec4<i32>(v & vec4<u32>(FIELD0));
      let x1 = vec4<i32>(v & vec4<u32>(FIELD1));
      let x2 = vec4<i32>(v & vec4<u32>(FIELD2));
      let y0 = clamp(clamp(x0 + select(zero, p0, on), lo, hi) - select(zero, m0, on), lo, hi);
      let y1 = clamp(clamp(x1 + select(zero, p1, on), lo1, hi1) - select(zero, m1, on), lo1, hi1);
      let y2 = clamp(clamp(x2 + select(zero, p2, on), lo2, hi2) - select(zero, m2, on), lo2, hi2);
      w1[at] = vec4<u32>(y0 | y1 | y2);
    }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let r = wid.x;
  if (r >= params.replicas) {
    return;
  }
  if (tid == 0u) {
    startShared = cursor[r];
  }
  let start = workgroupUniformLoad(&startShared);
  let count = min(params.samplesPerDispatch, params.len - min(start, params.len));
  let nOut = params.nOut;
  let groups = params.groups;
  let row0 = r * params.w1Stride;
  let w2Off = r * params.w2Stride;
  let myGroups = (groups + WG - 1u - tid) / WG;
  let allOut = 0xffffffffu >> (OUT_MAX - nOut);

  // Declared once: a declaration inside the sample loop would zero it at every sample.
  var flags: array<u32, GROUPS_MAX>;
  for (var s = 0u; s < count; s++) {
    let sample = orders[r * params.len + start + s];
    let base = sample * params.dataStride;

    // Forward, per group: bit u = h (a1 > 512), bit 16 + u = b (0 < a1 ≤ derivHigh) of unit u; padding units have
    // a1 = 0 (W1 0), so they are neither. Then this thread's share of a2 = W2ᵀh.
    for (var q = 0u; q < myGroups; q++) {
      let g = tid + q * WG;
      let a1 = groupA1(base, row0 + g);
      let t = vec4<i32>(BINARY_THRESHOLD);
      let dh = vec4<i32>(params.derivHigh);
      let zero = vec4<i32>();
      let h0 = a1.q0 > t;
      let h1 = a1.q1 > t;
      let h2 = a1.q2 > t;
      let hBits = unitBits(h0, h1, h2);
      flags[q] = hBits | (unitBits((a1.q0 > zero) & (a1.q0 <= dh), (a1.q1 > zero) & (a1.q1 <= dh), (a1.q2 > zero) & (a1.q2 <= dh)) * B_FLAGS);
      addA2Share(w2Off, g, h0, h1, h2, 0u);
    }
    workgroupBarrier();

    // Output error: d2p = t ∧ ¬o ∧ a2 > 0; d2m = o ∧ ¬t ∧ a2 ≤ derivHigh. Thread 0 reads the sums, clears them
    // for the next sample (whose adds come after the next barrier) and publishes the masks.
    if (tid == 0u) {
      let label = data[base];
      var d2p = 0u;
      var d2m = 0u;
      for (var k = 0u; k < nOut; k++) {
        let a2 = atomicLoad(&a2acc[k]);
        atomicStore(&a2acc[k], 0);
        let o = a2 > BINARY_THRESHOLD;
        if (k == label) {
          if (!o && a2 > 0) {
            d2p |= 1u << k;
          }
        } else if (o && a2 <= params.derivHigh) {
          d2m |= 1u << k;
        }
      }
      d2Shared = vec2<u32>(d2p, d2m);
    }
    workgroupBarrier();
    let d2 = d2Shared;

    // numpy clips whole matrices each sample; only the first sample of a call can find entries outside ±254.
    let clipAll = params.clipFirst != 0u && start + s == 0u;
    // A sample with no output error changes nothing (d2 = 0 ⇒ d1 = 0).
    let errs = d2.x | d2.y | select(0u, allOut, clipAll);
    if (errs != 0u) {
      for (var q = 0u; q < myGroups; q++) {
        learnGroup(tid + q * WG, flags[q], d2.x, d2.y, errs, clipAll, base, row0, w2Off);
      }
    }
  }
  if (tid == 0u) {
    cursor[r] = start + count;
  }
}
