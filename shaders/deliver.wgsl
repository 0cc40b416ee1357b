// deliver: spike propagation of step t (loihi-cuba.md "Delivery"), then event-driven LEARN(t) for plastic
// projections whose rule only changes synapses of spiking pres (nbp-circuit.md §2). Dispatched indirectly over
// the spike list built by cuba_step: each spike gets `spikeLanes` threads (a workgroup holds spikesPerGroup
// spikes) that walk the synapse segments of its pre neuron (one per projection leaving the pre's group),
// striding over each row.
// Exact: integer atomics, so any order gives the same sums. No barriers and no workgroup memory: cuba_step
// counts the synaptic events.
//
// Segment strategies (src/backends/webgpu/strategies.ts): dense rows (targets 0..post-1, no index) and CSR rows
// (target index per synapse). A synapse word is (W << 7) | (exists << 6) | delay, W the stored (quantized)
// weight; the exists bit is for the host (event counts), delivery skips W = 0.
// weight_exp >= 0: W << e goes straight into the delay ring row of step t+1+d (the shift distributes over the
// group sum). weight_exp < 0: raw W goes into the (projection, delay, target) scratch of this emission step;
// cuba_step floor-shifts each group sum at step t+1.
// Learning happens right after the synapse's own delivery, so delivery uses the weight from before LEARN(t).
//
// Bindings:
//   group 0: 0 P        uniform Params
//            1 tables   storage read        segments, CSR row starts and targets
//            2 weights  storage read_write  [R][wTotal] synapse words (W << 7) | (exists << 6) | delay
//            3 acc      storage read_write  delay ring [R][D][N], scratch [R][S] (atomic i32)
//            4 control  storage read_write  spike count and list of step t, spike bits
//   group 1: 0 clock_in storage read        t
// Flags: learning (compile the event-driven learning code)

${PARAMS}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> tables: array<i32>;
@group(0) @binding(2) var<storage, read_write> weights: array<i32>;
@group(0) @binding(3) var<storage, read_write> acc: array<atomic<i32>>;
@group(0) @binding(4) var<storage, read_write> control: array<atomic<u32>>;
@group(1) @binding(0) var<storage, read> clock_in: array<u32>;

override WG: u32 = 64;

// Layout constants, generated from src/backends/webgpu/kernels/tables.ts; helpers shared with learn.wgsl.
#include tables
#include spike_bits
#include segment_row
#include weight_change

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = clock_in[0];
  let p = t & 1u;
  let count = atomicLoad(&control[CTRL_COUNT + p]);
  let lane = lid % P.spikeLanes;
  let first = (wid.x + wid.y * nwg.x) * P.spikesPerGroup + lid / P.spikeLanes;
  for (var s = first; s < count; s += nwg.x * nwg.y * P.spikesPerGroup) {
    let spike = atomicLoad(&control[P.listOff + p * P.R * P.Npre + s]);
    let r = spike / P.Npre;
    let j = spike - r * P.Npre;
    let gb = P.groupOff + u32(tables[P.neuronOff + 2u * j + 1u]) * GROUP_STRIDE;
    let seg_start = u32(tables[gb + G_SEG_START]);
    let seg_end = seg_start + u32(tables[gb + G_SEG_COUNT]);
    for (var sg = seg_start; sg < seg_end; sg++) {
      let sb = P.segOff + sg * SEG_STRIDE;
      let local = j - u32(tables[sb + S_PRE_START]);
      let post_size = u32(tables[sb + S_POST_SIZE]);
      let seg_row = segment_row(sb, local);
      let start = seg_row.start;
      let len = seg_row.len;
      let col = seg_row.col;
      let dense = seg_row.dense;
      let e = tables[sb + S_EXP];
      // Where synapse (target i, delay d) adds: ring row of step t+1+d (e >= 0) or the scratch (e < 0).
      var tgt_base: u32;
      var delay_stride: u32;
      if (e >= 0) {
        tgt_base = r * P.ringSize * P.N + u32(tables[sb + S_TARGET]);
        delay_stride = P.N;
      } else {
        tgt_base = P.scratchOff + r * P.scratchSize + u32(tables[sb + S_TARGET]);
        delay_stride = post_size;
      }
      let w_row = r * P.wTotal + start;
#if ${learning}
      let learn = tables[sb + S_LEARN] == LEARN_EVENT;
      let post_start = u32(tables[sb + S_POST_START]);
      let r1 = any_spike(p, r, tables[sb + S_REWARD_START], tables[sb + S_REWARD_COUNT]);
      let w_min = tables[sb + S_W_MIN];
      let w_max = tables[sb + S_W_MAX];
#endif
      for (var i = lane; i < len; i += P.spikeLanes) {
        let word = weights[w_row + i];
        let w = word >> 7u;
        let d = u32(word & 63);
        var tgt = i;
        if (!dense) { tgt = u32(tables[col + i]); }
        if (w != 0) {
          if (e >= 0) {
            atomicAdd(&acc[tgt_base + ((t + 1u + d) & P.ringMask) * delay_stride + tgt], w << u32(e));
          } else {
            atomicAdd(&acc[tgt_base + d * delay_stride + tgt], w);
          }
        }
#if ${learning}
        if (learn) {
          // x0 = 1: this pre spiked at t.
          let dw = tables[sb + S_DW + 4u + 2u * spike_bit(p, r, post_start + tgt) + r1];
          if (dw != 0) {
            weights[w_row + i] = (apply_weight_change(w, dw, w_min, w_max) << 7u) | (word & 127);
          }
        }
#endif
      }
    }
  }
}
