// nbp_infer: batched nBP inference with metric tallies (src/nbp/metrics.ts), all replicas in one dispatch.
// Workgroup (x = replica, y = block of samplesPerBlock consecutive samples); its threads split the hidden units
// (unit j belongs to thread j mod WG) as in nbp_train, reduce a2 with workgroup atomics (one barrier per sample),
// and thread 0 predicts and tallies each sample, adding the block's tallies to the replica's counters once.
//
// Bindings (group 0):
//   0 params   uniform             Params (sizes)
//   1 data     storage, read       per sample (stride dataStride): label, then ceil(nIn/32) input bit words
//   2 weights  storage, read       per replica (stride weightStride): W1 nIn×nHid | W2 nHid×nOut | P | M
//   3 counts   storage, read_write per replica, 5 u32: spikes, membrane, exact, wrongBits, silent (atomic adds)
// Flags: none.

${PARAMS}

override WG: u32 = 64;
const OUT_MAX: u32 = 32u;
const BINARY_THRESHOLD: i32 = 512;
const COUNTS: u32 = 5u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<i32>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;

// Triple-buffered a2 sums, as in nbp_train: sample s adds into slot s%3; thread 0 reads it after the barrier and
// clears slot (s+2)%3.
var<workgroup> a2acc: array<atomic<i32>, 96>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let r = wid.x;
  let first = wid.y * params.samplesPerBlock;
  if (r >= params.replicas || first >= params.n) {
    return;
  }
  let last = min(first + params.samplesPerBlock, params.n);
  let nIn = params.nIn;
  let nHid = params.nHid;
  let nOut = params.nOut;
  let w1 = r * params.weightStride;
  let w2 = w1 + nIn * nHid;
  let units = (nHid + WG - 1u) / WG;

  var spikes = 0u;
  var membrane = 0u;
  var exact = 0u;
  var wrongBits = 0u;
  var silent = 0u;
  for (var s = first; s < last; s++) {
    let base = s * params.dataStride;
    let slot = ((s - first) % 3u) * OUT_MAX;
    var hmask = 0u;
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
          hmask |= 1u << u;
        }
      }
    }
    if (hmask != 0u) {
      for (var k = 0u; k < nOut; k++) {
        var part = 0;
        for (var u = 0u; u < units; u++) {
          if (((hmask >> u) & 1u) != 0u) {
            part += weights[w2 + (tid + u * WG) * nOut + k];
          }
        }
        if (part != 0) {
          atomicAdd(&a2acc[slot + k], part);
        }
      }
    }
    workgroupBarrier();
    if (tid == 0u) {
      let label = data[base];
      // argmax with the first maximum winning, like numpy: all-silent outputs predict class 0.
      var firstSpike = -1;
      var best = 0u;
      var bestV = atomicLoad(&a2acc[slot]);
      var wrong = 0u;
      for (var k = 0u; k < nOut; k++) {
        let v = atomicLoad(&a2acc[slot + k]);
        let o = v > BINARY_THRESHOLD;
        if (o && firstSpike < 0) {
          firstSpike = i32(k);
        }
        if (v > bestV) {
          bestV = v;
          best = k;
        }
        if (o != (k == label)) {
          wrong++;
        }
      }
      if (u32(max(firstSpike, 0)) == label) {
        spikes++;
      }
      if (best == label) {
        membrane++;
      }
      if (wrong == 0u) {
        exact++;
      }
      if (firstSpike < 0) {
        silent++;
      }
      wrongBits += wrong;
      let old = ((s - first + 2u) % 3u) * OUT_MAX;
      for (var k = 0u; k < nOut; k++) {
        atomicStore(&a2acc[old + k], 0);
      }
    }
  }
  if (tid == 0u) {
    let c = r * COUNTS;
    atomicAdd(&counts[c], spikes);
    atomicAdd(&counts[c + 1u], membrane);
    atomicAdd(&counts[c + 2u], exact);
    atomicAdd(&counts[c + 3u], wrongBits);
    atomicAdd(&counts[c + 4u], silent);
  }
}
