// nbp_infer: batched nBP inference with metric tallies (src/nbp/metrics.ts), all replicas in one dispatch.
// Workgroup (x = replica, y = block of samplesPerBlock consecutive samples); its threads split the hidden units in
// groups of 8 (group g belongs to thread g mod WG) as in nbp_train, reduce a2 with workgroup atomics (one barrier
// per sample), and thread 0 predicts and tallies each sample, adding the block's tallies to the replica's counters
// once. W1, W2 are laid out as nbp_train describes (W1 16-bit halves holding w + 256; W2 output-major vec4s).
//
// Bindings (group 0):
//   0 params   uniform             Params (sizes)
//   1 data     storage, read       per sample (stride dataStride): label, then ceil(nIn/32) input bit words
//   2 w1       storage, read       per replica (stride w1Stride vec4s): W1 packed
//   3 w2       storage, read       per replica (stride w2Stride vec4s): W2 | P | M (only W2 is read)
//   4 counts   storage, read_write per replica, 5 u32: spikes, membrane, exact, wrongBits, silent (atomic adds)
// Flags: none.

${PARAMS}

override WG: u32 = 64;
const OUT_MAX: u32 = 32u;
const COUNTS: u32 = 5u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
@group(0) @binding(2) var<storage, read> w1: array<vec4<u32>, ${W1_LEN}>;
@group(0) @binding(3) var<storage, read> w2: array<vec4<i32>, ${W2_LEN}>;
@group(0) @binding(4) var<storage, read_write> counts: array<atomic<u32>>;

// Triple-buffered a2 sums, as in nbp_train: sample s adds into slot s%3; thread 0 reads it after the barrier and
// clears slot (s+2)%3.
var<workgroup> a2acc: array<atomic<i32>, 96>;

#include nbp_forward

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let r = wid.x;
  let first = wid.y * params.samplesPerBlock;
  if (r >= params.replicas || first >= params.n) {
    return;
  }
  let last = min(first + params.samplesPerBlock, params.n);
  let nOut = params.nOut;
  let row0 = r * params.w1Stride;
  let w2Off = r * params.w2Stride;
  let myGroups = (params.groups + WG - 1u - tid) / WG;

  var spikes = 0u;
  var membrane = 0u;
  var exact = 0u;
  var wrongBits = 0u;
  var silent = 0u;
  for (var s = first; s < last; s++) {
    let base = s * params.dataStride;
    let slot = ((s - first) % 3u) * OUT_MAX;
    for (var q = 0u; q < myGroups; q++) {
      let g = tid + q * WG;
      let a1 = groupA1(base, row0 + g);
      let t = vec4<i32>(BINARY_THRESHOLD);
      let zero = vec4<i32>();
      let h0 = a1.q0 > t;
      let h1 = a1.q1 > t;
      let h2 = a1.q2 > t;
      addA2Share(w2Off, g, h0, h1, h2, slot);
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
