/** The gate ring and the phase scheduler on a small gated network, run by the CPU backend. */
import { describe, expect, it } from 'vitest';
import { buildGateRing, gateProjection } from '../../src/gating/chain.ts';
import { GATING_WEIGHTS, gatedGroup, oneToOne } from '../../src/gating/connections.ts';
import { PhaseScheduler } from '../../src/gating/scheduler.ts';
import { getBackend } from '../../src/backends/index.ts';
import type { Network } from '../../src/network/types.ts';

/** Ring of 4; P gated by g01 ('gate'), Q at threshold by g01 (gate + halfGate), R bias-cancelled by g01; all
 * three get the source 'in' through relays (520 each, listed in phase 0) and are inhibited by g02 in phase 2. */
function network(): { net: Network; ring: ReturnType<typeof buildGateRing> } {
  const ring = buildGateRing({ length: 4 });
  const net: Network = {
    groups: [...ring.groups, gatedGroup('P', 5, 1), gatedGroup('Q', 5, 1), gatedGroup('R', 5, 1)],
    sources: [...ring.sources, { name: 'in', size: 5 }],
    projections: [
      ...ring.projections,
      gateProjection('g01>P', 'g01', 'P', 5, 'gate'),
      gateProjection('g01>Q', 'g01', 'Q', 5, 'gate'),
      gateProjection('g01>Q:half', 'g01', 'Q', 5, 'halfGate'),
      gateProjection('g01>R', 'g01', 'R', 5, 'biasCancel'),
      ...['P', 'Q', 'R'].map((to) => gateProjection(`g02>${to}`, 'g02', to, 5, 'inhibit')),
      ...['P', 'Q', 'R'].map((to) => oneToOne(`in>${to}`, 'in', to, 5, GATING_WEIGHTS.relay)),
      // A second relay of the same inputs, one step later (delay 1): R needs 2×520 > 1024 but gets it only in phase 2,
      // where g02 inhibits it; so R never fires.
      oneToOne('in>R:d1', 'in', 'R', 5, GATING_WEIGHTS.relay, 1),
    ],
  };
  return { net, ring };
}

describe('phase scheduler', () => {
  it('injects per-sample inputs at their phase; gates decide who fires and when', async () => {
    const { net, ring } = network();
    const sim = await (await getBackend('cpu')).create(net, { replicas: 2, recording: { spikes: 'all' } });
    const inputs = (k: number, r: number) => (k % 3 === 2 ? [] : [k % 5, (k + 2 * r + 1) % 5]);
    const scheduler = new PhaseScheduler(sim, ring.clock, [{ source: 'in', phase: 0, indices: inputs }]);
    const probed: string[] = [];
    await scheduler.runSamples(3, { samplesPerRun: 2 });
    await scheduler.runSamples(2, { probePhases: [1, 3], onPhase: (k, p) => void probed.push(`${k}:${p}`) });
    expect(sim.currentStep).toBe(4 + 5 * 4);
    expect(scheduler.nextSample).toBe(5);
    expect(probed).toEqual(['3:1', '3:3', '4:1', '4:3']);
    const recs = await sim.readRecording();
    recs.forEach((rec, r) => {
      for (let j = 0; j < 4; j++) {
        expect(
          rec.spikes[`g0${j}`]!.map(([s]) => ring.clock.phaseOf(s)),
          `g0${j}`,
        ).toEqual(Array(j === 0 ? 6 : 5).fill((j + 3) % 4));
      }
      const expected = Array.from({ length: 5 }, (_, k) => [...new Set(inputs(k, r))].sort().map((i) => [ring.clock.step(k, 1), i]));
      expect(rec.spikes.P, `replica ${r} P`).toEqual(expected.flat());
      expect(rec.spikes.Q, `replica ${r} Q`).toEqual(expected.flat());
      expect(rec.spikes.R, `replica ${r} R`).toEqual([]);
    });
  });

  it('a shared input reaches every replica; bad phases and mid-sample starts are refused', async () => {
    const { net, ring } = network();
    const sim = await (await getBackend('cpu')).create(net, { replicas: 2, recording: { spikes: ['P'] } });
    expect(() => new PhaseScheduler(sim, ring.clock, [{ source: 'in', phase: 4, indices: () => [] }])).toThrow(/phase must be in 0\.\.3/);
    const scheduler = new PhaseScheduler(sim, ring.clock, [{ source: 'in', phase: 0, shared: true, indices: (k) => [k] }]);
    await scheduler.runSamples(2);
    const recs = await sim.readRecording();
    for (const rec of recs)
      expect(rec.spikes.P).toEqual([
        [5, 0],
        [9, 1],
      ]);
    await sim.run(1);
    await expect(scheduler.runSamples(1)).rejects.toThrow(/inside a sample \(phase 1\)/);
    await expect(scheduler.runSamples(1, { probePhases: [2, 1] })).rejects.toThrow();
  });
});
