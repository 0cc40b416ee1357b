// nbp_infer: batched nBP inference with metric tallies (src/nbp/metrics.ts), all replicas in one dispatch.
// Workgroup (x = replica, y = block of samplesPerBlock consecutive samples); its threads split the hidden units in
// groups of 8 (group g belongs to thread g mod WG) as in nbp_train, reduce a2 with workgroup atomics (one barrier
// per sample), and thread 0 predicts and tallies each sample, adding the block's tallies to the replica's counters
// once. W1 is packed as nbp_train describes (16-bit halves holding w + 256, summed two at a time).
//
// Bindings (group 0):
//   0 params   uniform             Params (sizes)
//   1 data     storage, read       per sample (stride dataStride): label, then ceil(nIn/32) input bit words
//   2 w1       storage, read       per replica (stride w1Stride vec4s): W1 packed
//   3 w2       storage, read       per replica (stride w2Stride): W2 | P | M, i32 (only W2 is read)
//   4 counts   storage, read_write per replica, 5 u32: spikes, membrane, exact, wrongBits, silent (atomic adds)
// Flags: none.

${PARAMS}

override WG: u32 = 64;
const OUT_MAX: u32 = 32u;
const BINARY_THRESHOLD: i32 = 512;
const COUNTS: u32 = 5u;
const OFFSET: i32 = 256;
const GROUPS_MAX: u32 = 4u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> data: array<u32>;
@group(0) @binding(2) var<storage, read> w1: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> w2: array<i32>;
@group(0) @binding(4) var<storage, read_write> counts: array<atomic<u32>>;

// Triple-buffered a2 sums, as in nbp_train: sample s adds into slot s%3; thread 0 reads it after the barrier and
// clears slot (s+2)%3.
var<workgroup> a2acc: array<atomic<i32>, 96>;

// a1 of the 8 units of group g (as nbp_train's groupA1): (lo, hi) = units (0,2,4,6), (1,3,5,7).
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
  let first = wid.y * params.samplesPerBlock;
  if (r >= params.replicas || first >= params.n) {
    return;
  }
  let last = min(first + params.samplesPerBlock, params.n);
  let nHid = params.nHid;
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
    var hmask: array<u32, GROUPS_MAX>;
    for (var q = 0u; q < myGroups; q++) {
      let g = tid + q * WG;
      let a1 = groupA1(base, row0, g);
      var m = 0u;
      for (var l = 0u; l < 8u; l++) {
        if (g * 8u + l < nHid && a1[l & 1u][l >> 1u] > BINARY_THRESHOLD) {
          m |= 1u << l;
        }
      }
      hmask[q] = m;
    }
    for (var k = 0u; k < nOut; k++) {
      var part = 0;
      for (var q = 0u; q < myGroups; q++) {
        var hm = hmask[q];
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
