// Spike bits of step parity p (shared by deliver and learn). Expects `P: Params` (bitsOff, R, bitsWords) and
// `control: array<atomic<u32>>` holding the bits [2][R][bitsWords] at P.bitsOff.

// Whether neuron n of replica r spiked in the step of parity p.
fn spike_bit(p: u32, r: u32, n: u32) -> u32 {
  return (atomicLoad(&control[P.bitsOff + (p * P.R + r) * P.bitsWords + (n >> 5u)]) >> (n & 31u)) & 1u;
}

// r1: whether any neuron of [start, start + count) spiked at this step (the reward source of a rule; start < 0: none).
fn any_spike(p: u32, r: u32, start: i32, count: i32) -> u32 {
  if (start < 0) { return 0u; }
  for (var n = u32(start); n < u32(start + count); n++) {
    if (spike_bit(p, r, n) != 0u) { return 1u; }
  }
  return 0u;
}
