/**
 * Source spikes by step, kept on the host and uploaded per submit as bits [K][R][srcWords] (one bit per source
 * neuron), so the GPU needs nothing per step. Spikes of the description and `injectSpikes` without a replica
 * go to every replica; a repeated entry is still one spike.
 */
import type { PopulationLayout } from './layout.ts';
import { checkInjectedSpikes, unknownSource } from '../checks.ts';

/** Scheduled source spikes of a simulation. */
export class SourceSchedule {
  /** step → source-bit indices, for all replicas. */
  private readonly shared = new Map<number, number[]>();
  /** Per replica: step → source-bit indices. */
  private readonly own: Map<number, number[]>[];
  /** Words of source bits per replica and step. */
  readonly words: number;

  constructor(
    private readonly sources: readonly PopulationLayout[],
    /** Global index of the first source neuron (= number of compartments). */
    private readonly firstSource: number,
    private readonly replicas: number,
  ) {
    this.own = Array.from({ length: replicas }, () => new Map());
    this.words = Math.ceil(sources.reduce((n, s) => n + s.size, 0) / 32);
  }

  /** Adds spikes of `source` (already checked) for one replica or all. */
  add(source: PopulationLayout, spikes: ReadonlyArray<readonly [number, number]>, replica?: number): void {
    const map = replica === undefined ? this.shared : this.own[replica]!;
    const base = source.start - this.firstSource;
    for (const [step, index] of spikes) {
      const list = map.get(step);
      if (list) list.push(base + index);
      else map.set(step, [base + index]);
    }
  }

  /** Checks injected spikes: known source, integer steps >= `currentStep`, indices in range. */
  check(source: string, spikes: ReadonlyArray<readonly [number, number]>, currentStep: number): PopulationLayout {
    const layout = this.sources.find((s) => s.name === source);
    if (!layout)
      throw unknownSource(
        source,
        this.sources.map((s) => s.name),
      );
    checkInjectedSpikes(source, layout.size, spikes, currentStep);
    return layout;
  }

  /** Whether any spike is scheduled in [start, start + steps). */
  any(start: number, steps: number): boolean {
    for (const map of [this.shared, ...this.own]) for (const step of map.keys()) if (step >= start && step < start + steps) return true;
    return false;
  }

  /** Writes the bits of steps [start, start + steps) as [step][replica][word] into `out` (zeroed first). */
  fill(start: number, steps: number, out: Uint32Array): void {
    out.fill(0, 0, steps * this.replicas * this.words);
    for (let k = 0; k < steps; k++) {
      const shared = this.shared.get(start + k);
      for (let r = 0; r < this.replicas; r++) {
        const row = (k * this.replicas + r) * this.words;
        for (const list of [shared, this.own[r]!.get(start + k)]) {
          if (list) for (const bit of list) out[row + (bit >>> 5)]! |= 1 << (bit & 31);
        }
      }
    }
  }

  /** Forgets every step before `step`. */
  drop(step: number): void {
    for (const map of [this.shared, ...this.own]) for (const s of map.keys()) if (s < step) map.delete(s);
  }
}
