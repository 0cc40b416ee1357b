/** The circuit benchmark's counters (not its timings): steps, events and dispatches per step on the CPU backend. */
import { describe, expect, it } from 'vitest';
import { benchCircuit, syntheticData, CHIP } from '../../src/bench/circuit.ts';
import type { BenchEnv } from '../../src/bench/types.ts';

const env: BenchEnv = {
  environment: 'node',
  gpu: () => Promise.reject(new Error('no GPU in this test')),
  version: 'test',
  commit: null,
  log: () => {},
};

describe('benchCircuit (cpu, tiny)', () => {
  it('reports training and inference results with per-step counters and the chip comparison', async () => {
    const results = await benchCircuit(env, { backends: ['cpu'], params: { 'circuit-samples': '6', 'circuit-eval': '10', 'circuit-replicas': '2' } });
    expect(results.map((r) => [r.benchmark, r.backend, r.sizes.samples, r.sizes.replicas])).toEqual([
      ['nbp-circuit-train', 'cpu', 6, 2],
      ['nbp-circuit-infer', 'cpu', 10, 2],
    ]);
    const [train, infer] = results;
    expect([train!.dispatchesPerStep, train!.submitsPerStep, infer!.dispatchesPerStep]).toEqual([0, 0, 0]);
    expect(train!.extra!.synapticEventsPerStep).toBeGreaterThan(1000);
    expect(train!.extra!.chipUsPerStep).toBe(125);
    expect(infer!.extra!.chipUsPerStep).toBe(42.5);
    expect(train!.samplesPerS).toBeGreaterThan(0);
    expect(train!.extra!.slowerThanChip).toBeCloseTo(train!.usPerStep! / 125, 9);
    expect((CHIP.trainMsPerSample / 12) * 1000).toBe(125);
  });

  it('synthetic data is deterministic and about 19% on', () => {
    const a = syntheticData(100, 3);
    expect(a.x).toEqual(syntheticData(100, 3).x);
    const on = a.x.reduce((n, v) => n + v, 0) / a.x.length;
    expect(on).toBeGreaterThan(0.15);
    expect(on).toBeLessThan(0.23);
    expect(Math.max(...a.labels)).toBeLessThan(10);
  });
});
