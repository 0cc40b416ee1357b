// nBP hidden-unit groups and the forward pass of one group (shared by nbp_train and nbp_infer; needs `params` with
// words, groups, nOut; `data`: packed samples; `w1`: packed W1; `w2`: W2 | P | M; `a2acc`: workgroup atomic a2
// sums, as those kernels describe).
//
// Hidden units come in groups of 12: unit u of group g is hidden unit 12·g + u, held in component u % 4 of
// "quarter" f = u / 4 (f = 0, 1, 2), so a group's a1, h, b, d1 are three vec4s.
// W1: one vec4<u32> per (input row, group); component c packs the three units 4f + c as 9-bit fields at bit 9·f,
// each holding w + 256 (0..510). Three weights per u32 load a row with 2/3 of the loads 16-bit halves need, and
// that count is what costs most on SwiftShader (every per-lane load is 4 scalar loads) and on a GPU (bytes).

// Threshold of the binary neurons (a > 512 spikes).
const BINARY_THRESHOLD: i32 = 512;
// Packed W1 fields hold w + OFFSET.
const OFFSET: i32 = 256;
// Hidden units per group.
const UNITS: u32 = 12u;

// A value per unit of a group, by quarter.
struct Quarters {
  q0: vec4<i32>,
  q1: vec4<i32>,
  q2: vec4<i32>,
}

// Field masks of packed W1 words (fields in place: f0 at bit 0, f1 at bit 9, f2 at bit 18).
const FIELD0: u32 = 0x1ffu;
const FIELD1: u32 = 0x3fe00u;
const FIELD2: u32 = 0x7fc0000u;

// a1 of the units of the W1 column `col` (= replica's first vec4 + group) for the sample at `base`, by quarter.
// The row loop has no shift and no countTrailingZeros (SwiftShader's JIT turns each into 4 scalar operations;
// the row index comes from countOneBits instead): each field is summed in place in its own accumulator, f0 and f1
// with room for 2¹⁴ rows, f2 (bits 18..31) for 32, so f2 is moved down once per input word.
fn groupA1(base: u32, col: u32) -> Quarters {
  let stride = params.groups;
  let m0 = vec4<u32>(FIELD0);
  let m1 = vec4<u32>(FIELD1);
  let m2 = vec4<u32>(FIELD2);
  var f0 = vec4<u32>();
  var f1 = vec4<u32>();
  var f2 = vec4<u32>();
  var count = 0u;
  for (var wd = 0u; wd < params.words; wd++) {
    var bits = data[base + 1u + wd];
    count += countOneBits(bits);
    let rows = col + wd * 32u * stride;
    var top = vec4<u32>();
    while (bits != 0u) {
      let low = bits & (0u - bits);
      bits ^= low;
      let v = w1[rows + countOneBits(low - 1u) * stride];
      f0 += v & m0;
      f1 += v & m1;
      top += v & m2;
    }
    f2 += top >> vec4<u32>(18u);
  }
  let bias = vec4<i32>(i32(count) * OFFSET);
  return Quarters(vec4<i32>(f0) - bias, vec4<i32>(f1 >> vec4<u32>(9u)) - bias, vec4<i32>(f2) - bias);
}

// Unit bit 4f + c of quarter f, component c; b flags use the same bits × 2¹⁶. Masks instead of shifts.
const QUARTER0: vec4<u32> = vec4<u32>(0x1u, 0x2u, 0x4u, 0x8u);
const QUARTER1: vec4<u32> = vec4<u32>(0x10u, 0x20u, 0x40u, 0x80u);
const QUARTER2: vec4<u32> = vec4<u32>(0x100u, 0x200u, 0x400u, 0x800u);

// The unit bits of a group where the quarter masks hold.
fn unitBits(q0: vec4<bool>, q1: vec4<bool>, q2: vec4<bool>) -> u32 {
  let z = vec4<u32>();
  return dot(select(z, QUARTER0, q0) | select(z, QUARTER1, q1) | select(z, QUARTER2, q2), vec4<u32>(1u));
}

// Quarter `unitBit` (QUARTER0/1/2, times 2¹⁶ for b flags) of a flag word as a lane mask.
fn quarter(flags: u32, unitBit: vec4<u32>) -> vec4<bool> {
  return (vec4<u32>(flags) & unitBit) != vec4<u32>();
}

// Adds group g's share of a2 = W2ᵀh (h: the quarter masks) to a2acc[slot + k] for every output k: one workgroup
// atomicAdd per output with a nonzero share. W2 of the replica starts at vec4 w2Off (output-major, see nbp_train).
fn addA2Share(w2Off: u32, g: u32, h0: vec4<bool>, h1: vec4<bool>, h2: vec4<bool>, slot: u32) {
  if (!any(h0 | h1 | h2)) {
    return;
  }
  let zero = vec4<i32>();
  for (var k = 0u; k < params.nOut; k++) {
    let at = w2Off + (k * params.groups + g) * 3u;
    let part = dot(select(zero, w2[at], h0) + select(zero, w2[at + 1u], h1) + select(zero, w2[at + 2u], h2), vec4<i32>(1));
    if (part != 0) {
      atomicAdd(&a2acc[slot + k], part);
    }
  }
}
