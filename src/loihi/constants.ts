/**
 * Bit widths and parameter ranges of Loihi CUBA LIF compartments and synapses, as in loihi-cuba.md
 * ("Parameters", "Synapses and weight quantization", "One timestep"). Every other file takes its widths
 * from here, so a number such as 2^23 appears once.
 */

/** u and v are 24-bit registers (Lava `precision=24`). */
export const STATE_BITS = 24;
/** 2^23: the magnitude bound of u and v. */
export const STATE_LIMIT = 2 ** (STATE_BITS - 1);
/** Largest u after the wrap: +2^23 is kept (loihi-cuba.md step 2c). */
export const U_MAX = STATE_LIMIT;
/** Smallest u after the wrap: -(2^23 - 1). */
export const U_MIN = -(STATE_LIMIT - 1);
/** Largest v (clip bound): 2^23 - 1. */
export const V_MAX = STATE_LIMIT - 1;
/** Smallest v (clip bound): -(2^23 - 1). */
export const V_MIN = -(STATE_LIMIT - 1);
/** The modulus of the current wrap: 2^24. */
export const U_WRAP = 2 ** STATE_BITS;

/** du and dv are 12-bit decay constants scaled by 2^12 (Lava `decay_shift = 12`, `decay_unity = 4096`). */
export const DECAY_BITS = 12;
/** 4096: the decay constant that clears a state variable. */
export const DECAY_UNITY = 2 ** DECAY_BITS;
/** Lava adds 1 to du (`ds_offset = 1`) but not to dv (`dm_offset = 0`). */
export const DU_OFFSET = 1;

/** Synaptic input is MSB-aligned by 6 bits before it is added to u (Lava `act_shift`). */
export const ACTIVATION_SHIFT = 6;
/** 2^ACTIVATION_SHIFT as a factor: A << 6 = A * 64 (exact; a literal, because `2 ** x` at run time is slow). */
export const ACTIVATION_SCALE = 64;
/** The threshold mantissa is shifted by 6 bits: VTH = vth << 6 (Lava `vth << act_shift`). */
export const VTH_SHIFT = 6;

/** POW2[k] = 2^k for k in 0..9: shift amounts of weights and exponents as exact factors. */
export const POW2: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
/** Valid traces keep the total input of a compartment per step within ±(2^18 - 1). */
export const ACTIVATION_LIMIT = 2 ** 18 - 1;

/** Raw and stored weights are 8-bit magnitudes plus sign (mixed mode spans -256..255). */
export const WEIGHT_BITS = 8;
/** Smallest raw weight. */
export const WEIGHT_MIN = -(2 ** WEIGHT_BITS);
/** Largest raw weight. */
export const WEIGHT_MAX = 2 ** WEIGHT_BITS - 1;

/** Inclusive integer range of a parameter. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** Valid ranges of every parameter of the network description (loihi-cuba.md, loihi-trace-format.md). */
export const RANGES = {
  /** 12 bits: current decay, effective du+1. */
  du: { min: 0, max: DECAY_UNITY - 1 },
  /** 13 bits: voltage decay; 4096 clears v (nBP's memoryless units). */
  dv: { min: 0, max: DECAY_UNITY },
  /** 17 bits: threshold mantissa. */
  vth: { min: 0, max: 2 ** 17 - 1 },
  /** 13-bit signed bias mantissa. */
  biasMant: { min: -(2 ** 12), max: 2 ** 12 - 1 },
  /** 3 bits. */
  biasExp: { min: 0, max: 7 },
  /** 6 bits: blocked steps after a spike. */
  refractory: { min: 0, max: 63 },
  /** Initial current: the range of u. */
  uInit: { min: U_MIN, max: U_MAX },
  /** Initial voltage: the range of v. */
  vInit: { min: V_MIN, max: V_MAX },
  /** 6 bits: synaptic delay (arrival at t + 1 + delay). */
  delay: { min: 0, max: 63 },
  /** 4-bit signed weight exponent. */
  weightExp: { min: -8, max: 7 },
  /** Weight mantissa precision. */
  numWeightBits: { min: 1, max: WEIGHT_BITS },
  /** Raw weight. */
  weight: { min: WEIGHT_MIN, max: WEIGHT_MAX },
} as const satisfies Record<string, IntRange>;

/** Largest delay + 1: the length of a delay ring that covers every valid delay. */
export const MAX_DELAY_SLOTS = RANGES.delay.max + 1;
