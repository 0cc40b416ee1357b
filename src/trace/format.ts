/**
 * The synfire-loihi-trace/1 golden trace and the synfire-loihi-result/1 result, as parsed (snake_case, as in
 * the files). Format: shared/docs/loihi-trace-format.md; semantics: loihi-cuba.md.
 */
import type { SignMode } from '../network/types.ts';

/** The format tag of a trace file. */
export const TRACE_FORMAT = 'synfire-loihi-trace/1';
/** The format tag of a result file. */
export const RESULT_FORMAT = 'synfire-loihi-result/1';

/** A compartment group of a trace. */
export interface TraceGroup {
  name: string;
  size: number;
  du: number;
  dv: number;
  vth: number;
  bias_mant: number[];
  bias_exp: number;
  refractory: number;
  u_init?: number[];
  v_init?: number[];
}

/** A spike source of a trace. */
export interface TraceSource {
  name: string;
  size: number;
  /** [step, index] pairs, sorted by step then index, unique. */
  spikes: Array<[number, number]>;
}

/** Dense synapses: weights[post][pre]; delays one integer or the same shape. */
export interface TraceDense {
  weights: number[][];
  delays: number | number[][];
}

/** Coordinate-list synapses. */
export interface TraceCoo {
  pre: number[];
  post: number[];
  weights: number[];
  delays: number | number[];
}

/** A projection of a trace: exactly one of `dense` and `coo`. */
export interface TraceProjection {
  name: string;
  from: string;
  to: string;
  weight_exp: number;
  num_weight_bits: number;
  sign_mode: SignMode;
  dense?: TraceDense;
  coo?: TraceCoo;
}

/** Spikes of every group and u, v at the record steps: the `expected` block and the result format. */
export interface TraceResult {
  /** Per group: [step, index] pairs. */
  spikes: Record<string, Array<[number, number]>>;
  /** Per group: one row of u per record step. */
  u: Record<string, number[][]>;
  /** Per group: one row of v per record step. */
  v: Record<string, number[][]>;
}

/** A whole trace file. */
export interface LoihiTrace {
  format: typeof TRACE_FORMAT;
  name?: string;
  description?: string;
  seed?: number;
  steps: number;
  groups: TraceGroup[];
  sources: TraceSource[];
  projections: TraceProjection[];
  record_steps: number[];
  expected?: TraceResult;
}
