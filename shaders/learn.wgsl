// learn: LEARN(t) (nbp-circuit.md §2) for plastic projections whose rule changes weights even when the pre
// did not spike (a term without x0, e.g. '-1*y0'), so every synapse must be visited every step. Rules whose
// terms all contain x0 are applied inside deliver.wgsl instead. Runs after deliver in the same step, so
// delivery saw the weights from before LEARN(t). One thread per (replica, pre neuron of such a projection)
// walks that pre's row. Exact: each synapse is owned by one thread.
//
// Bindings:
//   group 0: 0 P        uniform Params
//            1 tables   storage read        segments, CSR rows, learning items [segment, first item]
//            2 weights  storage read_write  [R][wTotal] synapse words (W << 7) | (exists << 6) | delay
//            3 control  storage read_write  spike bits of step t (atomic u32, only read here)
//   group 1: 0 clock_in storage read        t
// Flags: none

${PARAMS}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> tables: array<i32>;
@group(0) @binding(2) var<storage, read_write> weights: array<i32>;
@group(0) @binding(3) var<storage, read_write> control: array<atomic<u32>>;
@group(1) @binding(0) var<storage, read> clock_in: array<u32>;

override WG: u32 = 64;

// Layout constants, generated from src/backends/webgpu/kernels/tables.ts; helpers shared with deliver.wgsl.
#include tables
#include spike_bits
#include segment_row
#include weight_change

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.x + wid.y * nwg.x) * WG + lid;
  if (gid >= P.R * P.learnItems) { return; }
  let t = clock_in[0];
  let p = t & 1u;
  let r = gid / P.learnItems;
  let item = gid - r * P.learnItems;
  // Items are numbered per projection; the table holds [segment, first item] pairs in increasing order.
  var k = 0u;
  while (k + 1u < P.learnSegs && u32(tables[P.learnOff + 2u * (k + 1u) + 1u]) <= item) { k++; }
  let sb = P.segOff + u32(tables[P.learnOff + 2u * k]) * SEG_STRIDE;
  let local = item - u32(tables[P.learnOff + 2u * k + 1u]);
  let seg_row = segment_row(sb, local);
  let start = seg_row.start;
  let len = seg_row.len;
  let col = seg_row.col;
  let dense = seg_row.dense;
  let x0 = spike_bit(p, r, u32(tables[sb + S_PRE_START]) + local);
  let r1 = any_spike(p, r, tables[sb + S_REWARD_START], tables[sb + S_REWARD_COUNT]);
  let post_start = u32(tables[sb + S_POST_START]);
  let w_min = tables[sb + S_W_MIN];
  let w_max = tables[sb + S_W_MAX];
  let w_row = r * P.wTotal + start;
  for (var i = 0u; i < len; i++) {
    var tgt = i;
    if (!dense) { tgt = u32(tables[col + i]); }
    let dw = tables[sb + S_DW + 4u * x0 + 2u * spike_bit(p, r, post_start + tgt) + r1];
    if (dw != 0) {
      let word = weights[w_row + i];
      weights[w_row + i] = (apply_weight_change(word >> 7u, dw, w_min, w_max) << 7u) | (word & 127);
    }
  }
}
