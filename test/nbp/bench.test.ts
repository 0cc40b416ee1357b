import { describe, expect, it } from 'vitest';
import definition from '../../src/bench/nbp.ts';
import type { BenchEnv } from '../../src/bench/types.ts';

describe('bench nbp (smoke: structure only, never timings)', () => {
  it('reports training and inference results for the CPU backend', async () => {
    const env: BenchEnv = {
      environment: 'node',
      gpu: () => Promise.reject(new Error('no GPU in this test')),
      version: 'test',
      commit: null,
      log: () => {},
    };
    const results = await definition.run({ quick: true, backends: ['cpu'], params: { samples: '300', replicas: '2', circuit: 'off' } }, env);
    expect(results.map((r) => [r.benchmark, r.backend, r.extra?.phase, r.sizes.replicas, r.sizes.samples])).toEqual([
      ['nbp', 'cpu', 'train', 2, 300],
      ['nbp', 'cpu', 'infer', 2, 10000],
    ]);
    for (const r of results) {
      expect(r.samplesPerS).toBeGreaterThan(0);
      expect(r.extra!.samples_per_s_per_replica as number).toBeCloseTo(r.samplesPerS! / 2, 6);
    }
    // With the circuit on (the default), its training and 4-step inference rows follow the fused ones.
    const withCircuit = await definition.run(
      { quick: true, backends: ['cpu'], params: { samples: '100', replicas: '1', 'circuit-samples': '6', 'circuit-eval': '24' } },
      env,
    );
    expect(withCircuit.map((r) => [r.benchmark, r.backend, r.sizes.samples])).toEqual([
      ['nbp', 'cpu', 100],
      ['nbp', 'cpu', 10000],
      ['nbp-circuit-train', 'cpu', 6],
      ['nbp-circuit-infer', 'cpu', 24],
    ]);
    expect(withCircuit[2]!.dispatchesPerStep).toBe(0);
    await expect(definition.run({ quick: true, backends: ['cpu'], params: { replicas: 'two' } }, env)).rejects.toThrow(
      /-p replicas= must be a positive integer/,
    );
  });
});
