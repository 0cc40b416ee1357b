// nbp_train: fused nBP training (nbp-circuit.md §3 / numpy_simulation.py), many samples per dispatch.
// One workgroup per replica (workgroup_id.x = replica); its threads split the hidden units (unit j belongs to
// thread j mod WG), so every weight update is thread-local: a thread owns column j of W1 and row j of W2, P, M.
// The only exchange is the output sum a2, reduced with workgroup atomics: one barrier per sample.
// Each dispatch continues a replica where the previous one stopped (cursor), so a train() call is a run of
// identical dispatches in one compute pass and one submit.
//
// Bindings (group 0):
//   0 params   uniform             Params (sizes, semantics constants)
//   1 data     storage, read       per training sample (stride dataStride): label, then ceil(nIn/32) input bit words
//   2 orders   storage, read       replicas × len training-set indices (this train() call)
//   3 cursor   storage, read_write per replica: samples of this call done so far
//   4 weights  storage, read_write per replica (stride weightStride): W1 nIn×nHid | W2 | P | M (nHid×nOut each)
// Flags:
//   NUMPY      the authors' numpy_simulation.py (backprop through the updated W2, clip whole matrices to ±254);
//              P and M are left alone; otherwise the chip circuit (backprop through P, M before the sample; saturate touched entries).

${PARAMS}

override WG: u32 = 64;
// Outputs are bits of a u32 mask; the host checks nOut ≤ 32.
const OUT_MAX: u32 = 32u;
// Hidden units per thread are 2 flag bits each of a u32; the host checks nHid ≤ 16·WG.
const UNITS_MAX: u32 = 16u;
const BINARY_THRESHOLD: i32 = 512;
const STEP: i32 = 2;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
@group(0) @binding(2) var<storage, read> orders: array<u32>;
@group(0) @binding(3) var<storage, read_write> cursor: array<u32>;
@group(0) @binding(4) var<storage, read_write> weights: array<i32>;

// a2 partial sums, triple-buffered by sample so one barrier per sample suffices: sample s adds into slot s%3,
// everyone reads it after the barrier, and thread 0 clears slot (s+2)%3, last read before this sample's barrier
// and next written after the following one.
var<workgroup> a2acc: array<atomic<i32>, 96>;
var<workgroup> startShared: u32;

fn sat(v: i32) -> i32 {
  return clamp(v, params.wMin, params.wMax);
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
  let nIn = params.nIn;
  let nHid = params.nHid;
  let nOut = params.nOut;
  let w1 = r * params.weightStride;
  let w2 = w1 + nIn * nHid;
  let pOff = w2 + nHid * nOut;
  let mOff = pOff + nHid * nOut;
  let units = (nHid + WG - 1u) / WG;

  for (var s = 0u; s < count; s++) {
    let sample = orders[r * params.len + start + s];
    let base = sample * params.dataStride;
    let label = data[base];
    let slot = (s % 3u) * OUT_MAX;

    // Forward: a1 = W1ᵀx for my units; h = a1 > 512; b = 0 < a1 ≤ derivHigh (2 bits per unit).
    var flags = 0u;
    for (var u = 0u; u < units; u++) {
      let j = tid + u * WG;
      if (j < nHid) {
        var a1 = 0;
        for (var wd = 0u; wd < params.words; wd++) {
          var bits = data[base + 1u + wd];
          while (bits != 0u) {
            let i = wd * 32u + countTrailingZeros(bits);
            bits &= bits - 1u;
            a1 += weights[w1 + i * nHid + j];
          }
        }
        if (a1 > BINARY_THRESHOLD) {
          flags |= 1u << (2u * u);
        }
        if (a1 > 0 && a1 <= params.derivHigh) {
          flags |= 2u << (2u * u);
        }
      }
    }
    // a2 = W2ᵀh: my units' share per output, then one atomic add per output.
    if ((flags & 0x55555555u) != 0u) {
      for (var k = 0u; k < nOut; k++) {
        var part = 0;
        for (var u = 0u; u < units; u++) {
          if (((flags >> (2u * u)) & 1u) != 0u) {
            part += weights[w2 + (tid + u * WG) * nOut + k];
          }
        }
        if (part != 0) {
          atomicAdd(&a2acc[slot + k], part);
        }
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
    // A sample with no output error changes nothing (d2 = 0 ⇒ d1 = 0). An if, not a continue: the barrier of the
    // next sample must stay in uniform control flow for WGSL's uniformity analysis.
    let learn = (d2p | d2m) != 0u || clipAll;
    for (var u = 0u; u < select(0u, units, learn); u++) {
      let j = tid + u * WG;
      if (j >= nHid) {
        continue;
      }
      let h = ((flags >> (2u * u)) & 1u) != 0u;
      let b = ((flags >> (2u * u)) & 2u) != 0u;
      let row = j * nOut;
#if ${NUMPY}
      // W2 += 2·h(d2p − d2m), clip; d1 = sign((d2p − d2m)·W2_new) where b. P and M are not kept (the host
      // reports them as ±W2, as numpy has no transpose copies).
      var back = 0;
      for (var k = 0u; k < nOut; k++) {
        let bit = 1u << k;
        let isP = (d2p & bit) != 0u;
        let isM = (d2m & bit) != 0u;
        if (!isP && !isM && !clipAll) {
          continue;
        }
        var wv = weights[w2 + row + k];
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
          weights[w2 + row + k] = wv;
        }
      }
      var delta = 0;
      if (b && back > 0) {
        delta = STEP;
      }
      if (b && back < 0) {
        delta = -STEP;
      }
      if (delta != 0) {
        for (var wd = 0u; wd < params.words; wd++) {
          var bits = data[base + 1u + wd];
          while (bits != 0u) {
            let e = w1 + (wd * 32u + countTrailingZeros(bits)) * nHid + j;
            bits &= bits - 1u;
            weights[e] = sat(weights[e] + delta);
          }
        }
      }
      if (clipAll) {
        for (var i = 0u; i < nIn; i++) {
          let e = w1 + i * nHid + j;
          weights[e] = sat(weights[e]);
        }
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
        var wv = weights[w2 + e];
        var pv = weights[pOff + e];
        var mv = weights[mOff + e];
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
          weights[w2 + e] = wv;
          weights[pOff + e] = pv;
          weights[mOff + e] = mv;
        }
      }
      let d1p = b && s6 > 0;
      let d1m = b && s10 > 0;
      // Phases 7 (+2) and 11 (−2) on W1[x, j], applied in that order to each entry.
      if (d1p || d1m) {
        for (var wd = 0u; wd < params.words; wd++) {
          var bits = data[base + 1u + wd];
          while (bits != 0u) {
            let e = w1 + (wd * 32u + countTrailingZeros(bits)) * nHid + j;
            bits &= bits - 1u;
            var wv = weights[e];
            if (d1p) {
              wv = sat(wv + STEP);
            }
            if (d1m) {
              wv = sat(wv - STEP);
            }
            weights[e] = wv;
          }
        }
      }
#endif
    }
  }
  if (tid == 0u) {
    cursor[r] = start + count;
  }
}
