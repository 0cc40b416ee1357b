// nbp_train: fused nBP training (nbp-circuit.md §3 / numpy_simulation.py), many samples per dispatch.
// One workgroup per replica (workgroup_id.x = replica). Hidden units come in groups of 8, and group g belongs to
// thread g mod WG, so every weight update is thread-local: a thread owns 8 columns of W1 and 8 rows of W2, P, M.
// The only exchange is the output sum a2, reduced with workgroup atomics: one barrier per sample.
// Each dispatch continues a replica where the previous one stopped (cursor), so a train() call is a run of
// identical dispatches in one compute pass and one submit.
//
// W1 layout: entry (i, j) is the 16-bit half (j & 1) of u32 word i·nHidPad/2 + j/2, holding w + 256 (0..510);
// one vec4<u32> is 8 consecutive units of an input row. Offset-binary halves let a u32 add sum two units at once
// (SWAR): 128 inputs of at most 510 stay below 2¹⁶, so the halves are flushed to i32 every 4 input words.
//
// Bindings (group 0):
//   0 params   uniform             Params (sizes, semantics constants)
//   1 data     storage, read       per training sample (stride dataStride): label, then ceil(nIn/32) input bit words
//   2 orders   storage, read       replicas × len training-set indices (this train() call)
//   3 cursor   storage, read_write per replica: samples of this call done so far
//   4 w1       storage, read_write per replica (stride w1Stride vec4s): W1 packed as above
//   5 w2       storage, read_write per replica (stride w2Stride): W2 | P | M, i32, nHid×nOut each
// Flags:
//   NUMPY      the authors' numpy_simulation.py (backprop through the updated W2, clip whole matrices to ±254;
//              P and M are left alone); otherwise the chip circuit (backprop through P, M before the sample;
//              saturate touched entries; P and M tracked on their own).

${PARAMS}

override WG: u32 = 64;
// Outputs are bits of a u32 mask; the host checks nOut ≤ 32.
const OUT_MAX: u32 = 32u;
// Unit groups per thread; the host checks nHid ≤ 8·GROUPS_MAX·WG.
const GROUPS_MAX: u32 = 4u;
const BINARY_THRESHOLD: i32 = 512;
const STEP: i32 = 2;
const OFFSET: i32 = 256;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
@group(0) @binding(2) var<storage, read> orders: array<u32>;
@group(0) @binding(3) var<storage, read_write> cursor: array<u32>;
@group(0) @binding(4) var<storage, read_write> w1: array<vec4<u32>>;
@group(0) @binding(5) var<storage, read_write> w2: array<i32>;

// a2 partial sums, triple-buffered by sample so one barrier per sample suffices: sample s adds into slot s%3,
// everyone reads it after the barrier, and thread 0 clears slot (s+2)%3, last read before this sample's barrier
// and next written after the following one.
var<workgroup> a2acc: array<atomic<i32>, 96>;
var<workgroup> startShared: u32;

fn sat(v: i32) -> i32 {
  return clamp(v, params.wMin, params.wMax);
}

fn satv(v: vec4<i32>) -> vec4<i32> {
  return clamp(v, vec4<i32>(params.wMin), vec4<i32>(params.wMax));
}

// STEP for each unit of a group whose bit is set in `mask`, as the (lo, hi) = units (0,2,4,6), (1,3,5,7) vector.
fn unitSteps(mask: u32, half: u32) -> vec4<i32> {
  let m = mask >> half;
  return vec4<i32>(vec4<u32>(m, m >> 2u, m >> 4u, m >> 6u) & vec4<u32>(1u)) * STEP;
}

// a1 of the 8 units of group g for the sample at `base`: (lo, hi) = units (0,2,4,6), (1,3,5,7).
fn groupA1(base: u32, row0: u32, g: u32) -> array<vec4<i32>, 2> {
  var lo = vec4<i32>();
  var hi = vec4<i32>();
  var acc = vec4<u32>();
  var count = 0u;
  for (var wd = 0u; wd < params.words; wd++) {
    var bits = data[base + 1u + wd];
    count += countOneBits(bits);
    while (bits != 0u) {
      let i = wd * 32u + countTrailingZeros(bits);
      bits &= bits - 1u;
      acc += w1[row0 + i * params.groups + g];
    }
    if ((wd & 3u) == 3u || wd + 1u == params.words) {
      let bias = vec4<i32>(i32(count) * OFFSET);
      lo += vec4<i32>(acc & vec4<u32>(0xffffu)) - bias;
      hi += vec4<i32>(acc >> vec4<u32>(16u)) - bias;
      acc = vec4<u32>();
      count = 0u;
    }
  }
  return array<vec4<i32>, 2>(lo, hi);
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
  let nHid = params.nHid;
  let nOut = params.nOut;
  let row0 = r * params.w1Stride;
  let w2Off = r * params.w2Stride;
  let pOff = w2Off + nHid * nOut;
  let mOff = pOff + nHid * nOut;
  let myGroups = (params.groups + WG - 1u - tid) / WG;

  for (var s = 0u; s < count; s++) {
    let sample = orders[r * params.len + start + s];
    let base = sample * params.dataStride;
    let label = data[base];
    let slot = (s % 3u) * OUT_MAX;

    // Forward: per group, bits 0..7 = h (a1 > 512), bits 8..15 = b (0 < a1 ≤ derivHigh).
    var flags: array<u32, GROUPS_MAX>;
    for (var q = 0u; q < myGroups; q++) {
      let g = tid + q * WG;
      let a1 = groupA1(base, row0, g);
      var f = 0u;
      for (var l = 0u; l < 8u; l++) {
        let a = a1[l & 1u][l >> 1u];
        if (g * 8u + l < nHid) {
          f |= select(0u, 1u << l, a > BINARY_THRESHOLD) | select(0u, 0x100u << l, a > 0 && a <= params.derivHigh);
        }
      }
      flags[q] = f;
    }
    // a2 = W2ᵀh: my units' share per output, then one atomic add per output.
    for (var k = 0u; k < nOut; k++) {
      var part = 0;
      for (var q = 0u; q < myGroups; q++) {
        var hm = flags[q] & 0xffu;
        let j0 = (tid + q * WG) * 8u;
        while (hm != 0u) {
          part += w2[w2Off + (j0 + countTrailingZeros(hm)) * nOut + k];
          hm &= hm - 1u;
        }
      }
      if (part != 0) {
        atomicAdd(&a2acc[slot + k], part);
      }
    }
    workgroupBarrier();

    // Output error (every thread computes the same masks): d2p = t ∧ ¬o ∧ a2 > 0; d2m = o ∧ ¬t ∧ a2 ≤ derivHigh.
    var d2p = 0u;
    var d2m = 0u;
    for (var k = 0u; k < nOut; k++) {
      let a2 = atomicLoad(&a2acc[slot + k]);
      let o = a2 > BINARY_THRESHOLD;
      if (k == label) {
        if (!o && a2 > 0) {
          d2p |= 1u << k;
        }
      } else if (o && a2 <= params.derivHigh) {
        d2m |= 1u << k;
      }
    }
    if (tid == 0u) {
      let old = ((s + 2u) % 3u) * OUT_MAX;
      for (var k = 0u; k < nOut; k++) {
        atomicStore(&a2acc[old + k], 0);
      }
    }
    // numpy clips whole matrices each sample; only the first sample of a call can find entries outside ±254.
    let clipAll = params.clipFirst != 0u && start + s == 0u;
    // A sample with no output error changes nothing (d2 = 0 ⇒ d1 = 0). A loop bound, not a continue: the next
    // sample's barrier must stay in uniform control flow for WGSL's uniformity analysis.
    let learn = (d2p | d2m) != 0u || clipAll;
    for (var q = 0u; q < select(0u, myGroups, learn); q++) {
      let g = tid + q * WG;
      var d1p = 0u;
      var d1m = 0u;
      for (var l = 0u; l < 8u; l++) {
        let j = g * 8u + l;
        if (j >= nHid) {
          break;
        }
        let h = ((flags[q] >> l) & 1u) != 0u;
        let b = ((flags[q] >> (8u + l)) & 1u) != 0u;
        let row = j * nOut;
#if ${NUMPY}
        // W2 += 2·h(d2p − d2m), clip; d1 = sign((d2p − d2m)·W2_new) where b.
        var back = 0;
        for (var k = 0u; k < nOut; k++) {
          let bit = 1u << k;
          let isP = (d2p & bit) != 0u;
          let isM = (d2m & bit) != 0u;
          if (!isP && !isM && !clipAll) {
            continue;
          }
          var wv = w2[w2Off + row + k];
          if (h && isP) {
            wv += STEP;
          }
          if (h && isM) {
            wv -= STEP;
          }
          wv = sat(wv);
          if (isP) {
            back += wv;
          }
          if (isM) {
            back -= wv;
          }
          if ((h && (isP || isM)) || clipAll) {
            w2[w2Off + row + k] = wv;
          }
        }
        if (b && back > 0) {
          d1p |= 1u << l;
        }
        if (b && back < 0) {
          d1m |= 1u << l;
        }
#else
        // Phase by phase per entry (d2p and d2m are disjoint): s6 reads P, M before phase 5; s10 after phase 5.
        var s6 = 0;
        var s10 = 0;
        for (var k = 0u; k < nOut; k++) {
          let bit = 1u << k;
          let isP = (d2p & bit) != 0u;
          let isM = (d2m & bit) != 0u;
          if (!isP && !isM) {
            continue;
          }
          let e = row + k;
          var wv = w2[w2Off + e];
          var pv = w2[pOff + e];
          var mv = w2[mOff + e];
          if (isP) {
            s6 += pv;
          } else {
            s6 += mv;
          }
          // Phase 5 (reward): W2, P on (h, d2p) and M on (h, d2m) potentiate.
          if (h) {
            if (isP) {
              wv = sat(wv + STEP);
              pv = sat(pv + STEP);
            } else {
              mv = sat(mv + STEP);
            }
          }
          if (isM) {
            s10 += pv;
          } else {
            s10 += mv;
          }
          // Phase 9: W2, P on (h, d2m) and M on (h, d2p) depress.
          if (h) {
            if (isM) {
              wv = sat(wv - STEP);
              pv = sat(pv - STEP);
            } else {
              mv = sat(mv - STEP);
            }
            w2[w2Off + e] = wv;
            w2[pOff + e] = pv;
            w2[mOff + e] = mv;
          }
        }
        if (b && s6 > 0) {
          d1p |= 1u << l;
        }
        if (b && s10 > 0) {
          d1m |= 1u << l;
        }
#endif
      }
      // W1[x, unit] += 2 where d1p (phase 7), then −= 2 where d1m (phase 11), each saturated; all 8 units of the
      // group at once. Clamping an untouched unit is harmless: loihi weights always lie in [wMin, wMax], and numpy
      // clips every entry every sample.
      if ((d1p | d1m) != 0u || clipAll) {
        let pLo = unitSteps(d1p, 0u);
        let pHi = unitSteps(d1p, 1u);
        let mLo = unitSteps(d1m, 0u);
        let mHi = unitSteps(d1m, 1u);
        // numpy's first sample of a call visits every input row (to clip), the others only the active ones.
        let rows = select(params.words * 32u, params.nIn, clipAll);
        for (var wd = 0u; wd < params.words; wd++) {
          let xbits = data[base + 1u + wd];
          var bits = select(xbits, 0xffffffffu, clipAll);
          while (bits != 0u) {
            let bit = countTrailingZeros(bits);
            bits &= bits - 1u;
            let i = wd * 32u + bit;
            if (i >= rows) {
              break;
            }
            let on = ((xbits >> bit) & 1u) != 0u;
            let e = row0 + i * params.groups + g;
            let v = w1[e];
            var lo = vec4<i32>(v & vec4<u32>(0xffffu)) - vec4<i32>(OFFSET);
            var hi = vec4<i32>(v >> vec4<u32>(16u)) - vec4<i32>(OFFSET);
            if (on) {
              lo = satv(satv(lo + pLo) - mLo);
              hi = satv(satv(hi + pHi) - mHi);
            } else {
              lo = satv(lo);
              hi = satv(hi);
            }
            w1[e] = vec4<u32>(lo + vec4<i32>(OFFSET)) | (vec4<u32>(hi + vec4<i32>(OFFSET)) << vec4<u32>(16u));
          }
        }
      }
    }
  }
  if (tid == 0u) {
    cursor[r] = start + count;
  }
}
