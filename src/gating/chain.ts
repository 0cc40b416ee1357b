/**
 * The gating synfire chain: a ring of single-neuron gates g00 → g01 → … → g(L−1) → g00, kick-started once by
 * a spike source, and the phase clock it defines (nbp-circuit.md §1, in synfire's 0-based steps).
 *
 * Time base: the kick is listed at step L−2, so g00 fires at step L−1 (phase L−1 of sample −1), and phase p
 * of sample k is step L·(k+1) + p. Gate g_j fires in phase j−1 and gates the populations of phase j. For
 * L = 12 this is NxSDK's "in_g at 11, phase p of sample k at 12(k+1)+1+p" minus one.
 */
import type { CompartmentGroup, Projection, SpikeSource } from '../network/types.ts';
import { GATING_WEIGHTS, gateGroup, oneToAll, oneToOne, type GatingLevel } from './connections.ts';

/** Maps (sample, phase) to absolute steps and back, for a chain of `period` gates. */
export class PhaseClock {
  /** Steps per sample (the number of gates). */
  readonly period: number;
  /** The step of phase 0 of sample 0. */
  readonly origin: number;

  constructor(period: number, origin = period) {
    if (!Number.isInteger(period) || period < 2) throw new Error(`PhaseClock: period must be an integer >= 2, got ${period}`);
    this.period = period;
    this.origin = origin;
  }

  /** The absolute step of `phase` (0..period−1) of `sample` (sample −1 is the kick-start's). */
  step(sample: number, phase: number): number {
    if (phase < 0 || phase >= this.period) throw new Error(`phase must be in 0..${this.period - 1}, got ${phase}`);
    return this.origin + sample * this.period + phase;
  }

  /** The phase of an absolute step. */
  phaseOf(step: number): number {
    return (((step - this.origin) % this.period) + this.period) % this.period;
  }

  /** The sample an absolute step belongs to (−1 for the kick-start steps). */
  sampleOf(step: number): number {
    return Math.floor((step - this.origin) / this.period);
  }

  /** Steps needed to finish `samples` samples from step 0 (the kick-start included). */
  stepsFor(samples: number): number {
    return this.origin + samples * this.period;
  }
}

/** Options of {@link buildGateRing}. */
export interface GateRingOptions {
  /** Number of gates = steps per sample (12 for nBP training, 4 for inference). */
  length: number;
  /** Name of the kick-start spike source (default 'in_g'). */
  kickSource?: string;
}

/** The gate groups, the kick source and the ring projections, plus the clock they run. */
export interface GateRing {
  groups: CompartmentGroup[];
  sources: SpikeSource[];
  projections: Projection[];
  clock: PhaseClock;
  /** Gate names in ring order: g00, g01, … */
  gates: string[];
}

/** The name of gate j: two digits, as in the authors' topology (g00 … g11). */
export function gateName(j: number): string {
  return `g${String(j).padStart(2, '0')}`;
}

/**
 * Builds the ring: `length` gates, `1ge` (9280 = 145<<6) from each gate to the next and from the last to g00,
 * and a one-spike source at step length−2 into g00.
 */
export function buildGateRing(options: GateRingOptions): GateRing {
  const { length } = options;
  if (!Number.isInteger(length) || length < 2 || length > 100) {
    throw new Error(`buildGateRing: length must be an integer in 2..100, got ${length}`);
  }
  const kick = options.kickSource ?? 'in_g';
  const gates = Array.from({ length }, (_, j) => gateName(j));
  const projections: Projection[] = [oneToOne(`${kick}->${gates[0]}:1ge`, kick, gates[0]!, 1, GATING_WEIGHTS.ring)];
  for (let j = 0; j < length; j++) {
    const from = gates[j]!;
    const to = gates[(j + 1) % length]!;
    projections.push(oneToOne(`${from}->${to}:1ge`, from, to, 1, GATING_WEIGHTS.ring));
  }
  return {
    groups: gates.map(gateGroup),
    sources: [{ name: kick, size: 1, spikes: [[length - 2, 0]] }],
    projections,
    clock: new PhaseClock(length),
    gates,
  };
}

/** The phase in which gate j fires (j−1, and L−1 for g00). */
export function gateFiringPhase(j: number, length: number): number {
  return (j - 1 + length) % length;
}

/** A gating projection from gate `gate` to every unit of `target` at one of the gating levels. */
export function gateProjection(
  name: string,
  gate: string,
  target: string,
  targetSize: number,
  level: Exclude<GatingLevel, 'ring' | 'relay' | 'relayInhibit'>,
  delay = 0,
): Projection {
  return oneToAll(name, gate, target, targetSize, GATING_WEIGHTS[level], delay);
}
