/**
 * Bias-margin windows (nbp-circuit.md, "Bias margins"): steps in which a population gets a data sum through a
 * plastic matrix but must stay silent only because that sum stays below its bias margin. The debug check reads
 * u in those steps (u = A·64 exactly for memoryless units), subtracts the known gating input and reports sums
 * that reach the margin, where the circuit stops computing the chip algorithm.
 */
import { BIAS, THRESHOLD } from '../../gating/connections.ts';
import { gateFiringPhase } from '../../gating/chain.ts';
import { CONNECTION_TYPES, TRAINING_CONNECTIONS, type Connection } from './topology.ts';

/** One window: a group, a phase, and what its data sum is. */
export interface MarginWindow {
  group: string;
  phase: number;
  /** What arrives there, e.g. 'W1ᵀx (x replay of phase 11)'. */
  data: string;
  /** Gating input in this phase (weight units), from the connection table. */
  gateInput: number;
  /** Largest data sum that keeps the unit silent: BIAS + THRESHOLD − gateInput. */
  limit: number;
  /** The data comes from phase 11 of the previous sample (the window is phase 0 of the next one). */
  fromPreviousSample: boolean;
}

/** The gating input (weight units) that `group` receives in `phase`, from the gates' designed firing phases. */
export function gateInputAt(group: string, phase: number, period = 12, connections: readonly Connection[] = TRAINING_CONNECTIONS): number {
  let sum = 0;
  for (const [pre, post, typeName] of connections) {
    const m = /^g(\d\d)$/.exec(pre);
    const type = CONNECTION_TYPES[typeName]!;
    if (!m || post !== group || typeof type.weight !== 'number') continue;
    const arrival = (gateFiringPhase(Number(m[1]), period) + 1 + type.delay) % period;
    if (arrival === phase) sum += type.weight;
  }
  return sum;
}

const window = (group: string, phase: number, data: string): MarginWindow => {
  const gateInput = gateInputAt(group, phase);
  return { group, phase, data, gateInput, limit: BIAS + THRESHOLD - gateInput, fromPreviousSample: phase === 0 };
};

/** The six windows of nbp-circuit.md (o in phases 6 and 10 counted separately). */
export const MARGIN_WINDOWS: readonly MarginWindow[] = [
  window('h1', 0, 'W1ᵀx (x replay of phase 11)'),
  window('o', 8, 'W2ᵀ(b∧d1⁺) (h of phase 7)'),
  window('o', 0, 'W2ᵀ(b∧d1⁻) (h of phase 11)'),
  window('o', 6, 'W2ᵀh (h replay of phase 5)'),
  window('o', 10, 'W2ᵀh (h replay of phase 9)'),
  window('h1T', 4, 'W2ᵀo (o of phase 3)'),
  window('h1', 8, 'W1ᵀx (x replay of phase 7)'),
];

/** A data sum that reached its window's limit (the unit fired, or would have, outside its phases). */
export interface MarginCrossing {
  window: MarginWindow;
  sample: number;
  replica: number;
  unit: number;
  dataSum: number;
}

/** Running maxima and crossings of the margin windows. */
export class MarginMonitor {
  /** Largest data sum seen per window (same order as MARGIN_WINDOWS); −Infinity before any. */
  readonly max: number[] = MARGIN_WINDOWS.map(() => -Infinity);
  readonly crossings: MarginCrossing[] = [];
  /** Crossings kept in `crossings` (the count goes on in `crossingCount`). */
  readonly keep: number;
  crossingCount = 0;

  constructor(keep = 1000) {
    this.keep = keep;
  }

  /**
   * Checks the u of a window's group, read right after the window's step of sample slot `slot`. Returns the new
   * crossings, attributed to the sample whose spikes made the sum.
   */
  observe(windowIndex: number, slot: number, replica: number, u: ArrayLike<number>): MarginCrossing[] {
    const w = MARGIN_WINDOWS[windowIndex]!;
    const sample = w.fromPreviousSample ? slot - 1 : slot;
    const found: MarginCrossing[] = [];
    for (let unit = 0; unit < u.length; unit++) {
      // du = 4095 leaves no residue, so u is exactly A << 6 (and |A| < 2^17 keeps it unwrapped).
      const dataSum = (u[unit]! >> 6) - w.gateInput;
      if (dataSum > this.max[windowIndex]!) this.max[windowIndex] = dataSum;
      if (dataSum > w.limit) {
        const c = { window: w, sample, replica, unit, dataSum };
        found.push(c);
        this.crossingCount++;
        if (this.crossings.length < this.keep) this.crossings.push(c);
      }
    }
    return found;
  }

  /** One line per window: its largest data sum against its limit. */
  summary(): string[] {
    return MARGIN_WINDOWS.map((w, i) => {
      const m = this.max[i]!;
      return `${w.group} phase ${w.phase}: ${w.data}: max ${Number.isFinite(m) ? m : 'n/a'} (limit ${w.limit})`;
    });
  }
}

/** Human-readable description of a crossing. */
export function describeCrossing(c: MarginCrossing): string {
  return (
    `bias margin crossed: sample ${c.sample} replica ${c.replica}: ${c.window.group}[${c.unit}] in phase ${c.window.phase} ` +
    `gets ${c.window.data} = ${c.dataSum} > ${c.window.limit}; the unit fires outside its phases and the circuit departs from nbp-circuit.md §3`
  );
}
