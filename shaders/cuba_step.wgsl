// cuba_step: one Loihi CUBA LIF timestep t (loihi-cuba.md "One timestep t", steps 1-6) for every compartment of
// every replica, plus the source spikes listed for step t. One thread per (replica, neuron), neurons being the
// compartments of all groups [0, N) followed by the source neurons [N, Npre).
// Exact: integer arithmetic only; u*(4095-du) is split so that no product needs more than 32 bits.
//
// It also: consumes the floor-shifted group sums of weight_exp < 0 projections emitted at t-1 (scratch),
// sets the spike bits of step t, appends spiking neurons that have synapses to the spike list (with the
// indirect dispatch size of deliver.wgsl), counts synaptic events (the spiking neuron's existing outgoing
// synapses, from tables), clears the other parity's bits and counters, records, and advances
// the step clock (clock_out = t + 1; the host alternates the clock bind groups, so no kernel reads what it writes).
//
// Bindings:
//   group 0: 0 P         uniform Params
//            1 tables    storage read        i32 tables (neurons, groups, scratch lists, out-degrees [R][Npre])
//            2 state     storage read_write  [R][N][3] u, v, ref_until
//            3 acc       storage read_write  delay ring [R][D][N] then scratch [R][S] (plain i32: this kernel
//                                            is the consumer of both and clears what it reads)
//            4 control   storage read_write  counters, spike bits [2][R][bitsWords], spike lists [2][R*Npre]
//            5 indirect  storage read_write  dispatchWorkgroupsIndirect args per parity
//            6 chunk     storage read        per submit: state-record index per step, source spike bits
//            7 rec       storage read_write  recorded u/v rows, then recorded spike bit rows
//   group 1: 0 clock_in  storage read        t
//            1 clock_out storage read_write  t + 1
// Flags: record (compile the recording code)

${PARAMS}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> tables: array<i32>;
@group(0) @binding(2) var<storage, read_write> state: array<i32>;
@group(0) @binding(3) var<storage, read_write> acc: array<i32>;
@group(0) @binding(4) var<storage, read_write> control: array<atomic<u32>>;
@group(0) @binding(5) var<storage, read_write> indirect: array<atomic<u32>>;
@group(0) @binding(6) var<storage, read> chunk: array<i32>;
@group(0) @binding(7) var<storage, read_write> rec: array<atomic<u32>>;
@group(1) @binding(0) var<storage, read> clock_in: array<u32>;
@group(1) @binding(1) var<storage, read_write> clock_out: array<u32>;

override WG: u32 = 64;

// Layout constants, generated from src/backends/webgpu/kernels/tables.ts.
#include tables

// ---- Loihi integer helpers; each names its TypeScript twin in src/loihi (test/webgpu/twins.test.ts) ----

#include loihi_constants

// Twin: trunc0MulSplit (src/loihi/neuron.ts). trunc0(x * k) for |x| <= 2^23, 0 <= k <= 4096, in 32 bits:
// |x| = 4096 q + r gives |x| k >> 12 = q k + (r k >> 12), with q k <= 2^23 and r k < 2^24; sign-magnitude.
fn trunc0_mul(x: i32, k: i32) -> i32 {
  let a = u32(abs(x));
  let m = i32((a >> 12u) * u32(k) + (((a & 4095u) * u32(k)) >> 12u));
  return select(m, -m, x < 0);
}

// Twin: decayCurrent (src/loihi/neuron.ts). Effective constant du + 1 (Lava's ds_offset).
fn decay_current(u: i32, du: i32) -> i32 {
  return trunc0_mul(u, DECAY_UNITY - (du + 1));
}

// Twin: wrapCurrent (src/loihi/neuron.ts). Lava's wrap: +2^23 stays, -2^23 becomes +2^23.
fn wrap_current(x: i32) -> i32 {
  if (x > STATE_LIMIT) { return x - U_WRAP; }
  if (x <= -STATE_LIMIT) { return x + U_WRAP; }
  return x;
}

// Twin: updateCurrent (src/loihi/neuron.ts). |A| <= 2^18 - 1, so A << 6 and the sum fit in i32.
fn update_current(u: i32, du: i32, a: i32) -> i32 {
  return wrap_current(decay_current(u, du) + (a << 6u));
}

// Twin: decayVoltage (src/loihi/neuron.ts). dv = 4096 clears v.
fn decay_voltage(v: i32, dv: i32) -> i32 {
  return trunc0_mul(v, DECAY_UNITY - dv);
}

// Twin: clipVoltage (src/loihi/neuron.ts). The voltage saturates, it never wraps.
fn clip_voltage(v: i32) -> i32 {
  return clamp(v, -V_MAX, V_MAX);
}

// Twin: updateVoltage (src/loihi/neuron.ts). |sum| < 2^25.
fn update_voltage(v: i32, dv: i32, u_new: i32, bias: i32) -> i32 {
  return clip_voltage(decay_voltage(v, dv) + u_new + bias);
}

// Twin: applyWeightExp (src/loihi/synapse.ts). G << e, or G >> -e flooring (arithmetic shift).
fn apply_weight_exp(sum: i32, e: i32) -> i32 {
  if (e >= 0) { return sum << u32(e); }
  return sum >> u32(-e);
}

// ---- the step ----

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let gid = (wid.x + wid.y * nwg.x) * WG + lid;
  if (gid >= P.R * P.Npre) { return; }
  let t = clock_in[0];
  let p = t & 1u;
  let q = 1u - p;
  let r = gid / P.Npre;
  let j = gid - r * P.Npre;

  // The other parity was last used by step t-1, whose kernels have all finished: clear it for step t+1.
  if (gid == 0u) {
    clock_out[0] = t + 1u;
    atomicStore(&control[CTRL_COUNT + q], 0u);
    atomicStore(&indirect[q * 4u], 0u);
  }
  if ((j & 31u) == 0u) {
    atomicStore(&control[P.bitsOff + (q * P.R + r) * P.bitsWords + (j >> 5u)], 0u);
  }

  let gb = P.groupOff + u32(tables[P.neuronOff + 2u * j + 1u]) * GROUP_STRIDE;
  var spiked = false;
  if (j < P.N) {
    let local = j - u32(tables[gb + G_START]);
    let size = u32(tables[gb + G_SIZE]);
    // 1. A(t): the ring row of step t, then the emission-step sums of weight_exp < 0 projections from t-1.
    let ring = r * P.ringSize * P.N;
    let cell = ring + (t & P.ringMask) * P.N + j;
    var a = acc[cell];
    acc[cell] = 0;
    let neg_start = u32(tables[gb + G_NEG_START]);
    let neg_count = u32(tables[gb + G_NEG_COUNT]);
    for (var k = 0u; k < neg_count; k++) {
      let nb = P.negOff + (neg_start + k) * NEG_STRIDE;
      let base = P.scratchOff + r * P.scratchSize + u32(tables[nb]) + local;
      let e = tables[nb + 1u];
      let delays = u32(tables[nb + 2u]);
      for (var d = 0u; d < delays; d++) {
        let g = acc[base + d * size];
        if (g == 0) { continue; }
        acc[base + d * size] = 0;
        let c = apply_weight_exp(g, e);
        // C[i,d](t-1) arrives at t + d: now for d = 0, else in the ring row of step t + d.
        if (d == 0u) { a += c; } else { acc[ring + ((t + d) & P.ringMask) * P.N + j] += c; }
      }
    }
    // 2.-6.
    let si = (r * P.N + j) * 3u;
    let u_new = update_current(state[si], tables[gb + G_DU], a);
    var v_new = state[si + 1u];
    var ref_until = state[si + 2u];
    if (ref_until < i32(t)) {
      v_new = update_voltage(v_new, tables[gb + G_DV], u_new, tables[P.neuronOff + 2u * j]);
      if (v_new > tables[gb + G_VTH]) {
        spiked = true;
        v_new = 0;
        ref_until = i32(t) + tables[gb + G_REFRACTORY];
      }
    }
    state[si] = u_new;
    state[si + 1u] = v_new;
    state[si + 2u] = ref_until;
#if ${record}
    let rec_state = tables[gb + G_REC_STATE];
    let state_row = chunk[t - P.chunkStart];
    if (rec_state >= 0 && state_row >= 0) {
      let at = 2u * ((u32(state_row) * P.R + r) * P.stateN + u32(rec_state) + local);
      atomicStore(&rec[at], bitcast<u32>(u_new));
      atomicStore(&rec[at + 1u], bitcast<u32>(v_new));
    }
    let rec_spike = tables[gb + G_REC_SPIKE];
    if (spiked && rec_spike >= 0) {
      let bit = u32(rec_spike) + local;
      let row = (t - P.recBase) * P.R + r;
      atomicOr(&rec[P.recSpikeOff + row * P.recWords + (bit >> 5u)], 1u << (bit & 31u));
    }
#endif
  } else {
    let s = j - P.N;
    let word = chunk[P.chunkBitsOff + ((t - P.chunkStart) * P.R + r) * P.srcWords + (s >> 5u)];
    spiked = ((u32(word) >> (s & 31u)) & 1u) != 0u;
  }

  if (spiked) {
    atomicOr(&control[P.bitsOff + (p * P.R + r) * P.bitsWords + (j >> 5u)], 1u << (j & 31u));
    if (tables[gb + G_SEG_COUNT] > 0) {
      let i = atomicAdd(&control[CTRL_COUNT + p], 1u);
      atomicStore(&control[P.listOff + p * P.R * P.Npre + i], gid);
      // One delivery workgroup per spikesPerGroup spikes, up to the per-dimension limit (they loop past it).
      atomicMax(&indirect[p * 4u], min(i / P.spikesPerGroup + 1u, MAX_WORKGROUPS));
      // Exact 64-bit event count in two u32 words: an add that wraps the low word carries once.
      let degree = u32(tables[P.degreeOff + gid]);
      let old = atomicAdd(&control[CTRL_EVENTS_LO], degree);
      if (old + degree < old) { atomicAdd(&control[CTRL_EVENTS_HI], 1u); }
    }
  }
}
