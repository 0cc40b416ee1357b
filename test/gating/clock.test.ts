import { describe, expect, it } from 'vitest';
import { PhaseClock, buildGateRing, gateFiringPhase, gateName } from '../../src/gating/chain.ts';

describe('phase clock and gate ring (nbp-circuit.md §1)', () => {
  it('phase p of sample k is NxSDK step 12(k+1)+1+p, i.e. synfire step 12(k+1)+p', () => {
    const clock = new PhaseClock(12);
    for (const k of [0, 1, 7, 59999]) {
      for (let p = 0; p < 12; p++) {
        const nxsdk = 12 * (k + 1) + 1 + p;
        const step = clock.step(k, p);
        expect(step).toBe(nxsdk - 1);
        expect(clock.phaseOf(step)).toBe(p);
        expect(clock.sampleOf(step)).toBe(k);
      }
    }
    expect(clock.phaseOf(11)).toBe(11);
    expect(clock.sampleOf(11)).toBe(-1);
    expect(clock.stepsFor(3)).toBe(48);
    expect(() => clock.step(0, 12)).toThrow(/phase/);
  });

  it('the ring kicks g00 once at step L−2 and links every gate to the next', () => {
    const ring = buildGateRing({ length: 12 });
    expect(ring.gates).toEqual(Array.from({ length: 12 }, (_, j) => gateName(j)));
    expect(ring.gates[11]).toBe('g11');
    expect(ring.sources).toEqual([{ name: 'in_g', size: 1, spikes: [[10, 0]] }]);
    const links = ring.projections.map((p) => `${p.from}>${p.to}`);
    expect(links).toEqual(['in_g>g00', ...ring.gates.map((g, j) => `${g}>${ring.gates[(j + 1) % 12]}`)]);
    for (const p of ring.projections) {
      expect([p.weightExp, p.signMode, Array.from(p.synapses.weights)]).toEqual([6, 'excitatory', [145]]);
    }
    expect(gateFiringPhase(0, 12)).toBe(11);
    expect(gateFiringPhase(1, 12)).toBe(0);
    expect(gateFiringPhase(3, 4)).toBe(2);
    expect(() => buildGateRing({ length: 1 })).toThrow(/length/);
  });
});
