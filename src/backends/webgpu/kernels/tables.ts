/**
 * Layout of the static i32 tables the simulation kernels read (one storage buffer, offsets in Params), and of the
 * control buffer's header. The WGSL kernels get these numbers as constants generated from this file
 * (./snippets.ts, `#include tables` in shaders/*.wgsl, expanded by scripts/build-shaders.mjs).
 */

/** Words per pre-group entry (groups, then sources). */
export const GROUP_STRIDE = 12;
/** Fields of a pre-group entry. */
export const GROUP = {
  start: 0,
  size: 1,
  du: 2,
  dv: 3,
  /** VTH = vth << 6. */
  vth: 4,
  refractory: 5,
  /** Bit offset in a spike-recording row, or -1. */
  recSpike: 6,
  /** Offset in a u/v recording row, or -1. */
  recState: 7,
  /** First weight_exp < 0 scratch entry of the group (as target) and how many. */
  negStart: 8,
  negCount: 9,
  /** First synapse segment of the group (as pre) and how many. */
  segStart: 10,
  segCount: 11,
} as const;

/** Words per scratch entry: [scratch base, weight_exp, delays (max delay + 1)]. */
export const NEG_STRIDE = 3;

/** Words per synapse segment (one per projection). */
export const SEG_STRIDE = 24;
/** Fields of a synapse segment. */
export const SEG = {
  kind: 0,
  /** Global index of the pre population's first neuron. */
  preStart: 1,
  postSize: 2,
  /** weight_exp >= 0: global index of the first target compartment; < 0: scratch base. */
  target: 3,
  exp: 4,
  /** First synapse word in a replica's weights. */
  wBase: 5,
  /** CSR: tables index of the row starts and of the targets. */
  rowBase: 6,
  colBase: 7,
  /** Global index of the first target compartment (for y0). */
  postStart: 8,
  /** 0 none, 1 event-driven (deliver), 2 full scan (learn). */
  learn: 9,
  wMin: 10,
  wMax: 11,
  /** Reward source neurons (global start, count) or -1. */
  rewardStart: 12,
  rewardCount: 13,
  /** dw for x0*4 + y0*2 + r1 (8 words). */
  dw: 16,
} as const;

/** Segment kinds. */
export const KIND_DENSE = 0;
export const KIND_CSR = 1;

/** Learning modes of a segment. */
export const LEARN = { none: 0, event: 1, full: 2 } as const;

/** Words at the start of the control buffer: spike count per parity (2), synaptic events (low, high). */
export const CONTROL = {
  /** Spike count of parity p at CONTROL.count + p. */
  count: 0,
  eventsLo: 2,
  eventsHi: 3,
} as const;
/** Length of the control header. */
export const CONTROL_HEADER = 4;
