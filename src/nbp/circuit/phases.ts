/** Phase discipline: every population of the circuit may fire only in its designed phases (nbp.md §3). */
import type { PhaseClock } from '../../gating/chain.ts';
import type { Population } from './topology.ts';

/** A spike outside its population's designed phases. */
export interface PhaseViolation {
  population: string;
  step: number;
  index: number;
  phase: number;
  sample: number;
}

/**
 * Spikes (per population, [step, index] pairs) that fall outside the designed phases. Before sample 0 only g00
 * may fire, once, at the kick-start's step (phase L−1 of sample −1).
 */
export function phaseViolations(
  spikes: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>,
  populations: readonly Population[],
  clock: PhaseClock,
): PhaseViolation[] {
  const out: PhaseViolation[] = [];
  for (const pop of populations) {
    const allowed = new Set(pop.phases);
    for (const [step, index] of spikes[pop.name] ?? []) {
      const phase = clock.phaseOf(step);
      const sample = clock.sampleOf(step);
      const beforeStart = sample < 0 && !(pop.name === 'g00' && step === clock.origin - 1);
      if (beforeStart || !allowed.has(phase)) out.push({ population: pop.name, step, index, phase, sample });
    }
  }
  return out.sort((a, b) => a.step - b.step || a.population.localeCompare(b.population) || a.index - b.index);
}
