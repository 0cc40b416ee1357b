import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import { randomNetwork, runNaive } from './naive.ts';

describe('CPU backend vs a naive simulator on random networks', () => {
  it('agrees on every spike, u, v at every step and on the learned weights (40 networks)', async () => {
    const backend = createCpuBackend();
    const steps = 40;
    for (let seed = 1; seed <= 40; seed++) {
      const network = randomNetwork(seed, steps);
      const naive = runNaive(network, steps);
      const sim = await backend.create(network, {
        recording: { spikes: 'all', state: 'all', stateSteps: [...Array(steps).keys()] },
      });
      // Two chunks, to cover state carried across run() calls.
      await sim.run(17);
      await sim.run(steps - 17);
      const [rec] = await sim.readRecording();
      for (const g of network.groups) {
        const spikes = naive.trace.flatMap((s, t) => s.spikes[g.name]!.map((i) => [t, i]));
        expect(rec!.spikes[g.name], `seed ${seed} group ${g.name} spikes`).toEqual(spikes);
        expect(
          rec!.u[g.name]!.map((row) => Array.from(row)),
          `seed ${seed} group ${g.name} u`,
        ).toEqual(naive.trace.map((s) => s.u[g.name]));
        expect(
          rec!.v[g.name]!.map((row) => Array.from(row)),
          `seed ${seed} group ${g.name} v`,
        ).toEqual(naive.trace.map((s) => s.v[g.name]));
      }
      for (const p of network.projections) {
        expect(Array.from(await sim.readWeights(p.name)), `seed ${seed} weights of ${p.name}`).toEqual(naive.weights[p.name]);
      }
      sim.dispose();
    }
  });
});
