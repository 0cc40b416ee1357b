/**
 * Random networks on the wasm backend against the CPU oracle, compared on every step: every spike of every group
 * and u/v of every compartment at every step, then the final state, the weights of every projection (plastic
 * ones learned) of every replica, and the synaptic event count. Replicas run in worker threads (one per replica
 * group), all in the calling thread, and one replica split by compartments over three worker threads. Each
 * property runs at least 1,000 steps in total.
 * Fixed seeds keep runs reproducible; SYNFIRE_FUZZ_SEED / SYNFIRE_FUZZ_RUNS explore further.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWasmBackend, type WasmBackendOptions } from '../../src/backends/wasm/index.ts';
import { compareWithOracle } from '../webgpu/helpers.ts';
import { networkCaseArb, type NetworkCase } from '../webgpu/random-network.ts';

const SEED = Number(process.env.SYNFIRE_FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.SYNFIRE_FUZZ_RUNS ?? 10);

/** Runs a case on the oracle and on the wasm backend; the first difference, or null. */
const compare = (c: NetworkCase, options: WasmBackendOptions): Promise<string | null> => compareWithOracle(c, createWasmBackend(options));

async function checkProperty(options: WasmBackendOptions, seedOffset: number): Promise<number> {
  let steps = 0;
  await fc.assert(
    fc.asyncProperty(networkCaseArb(250, 500), async (c) => {
      const diff = await compare(c, options);
      steps += c.steps;
      expect(diff, `network: ${JSON.stringify(c.network).slice(0, 2000)}`).toBeNull();
    }),
    { seed: SEED + seedOffset, numRuns: RUNS, endOnFailure: true },
  );
  return steps;
}

describe('wasm backend = CPU oracle on random networks, every step', () => {
  it('replicas in worker threads (2 threads)', { timeout: 300_000 }, async () => {
    expect(await checkProperty({ threads: 2 }, 0)).toBeGreaterThanOrEqual(RUNS * 250);
  });

  it('every replica in the calling thread', { timeout: 300_000 }, async () => {
    expect(await checkProperty({ threads: 1 }, 1)).toBeGreaterThanOrEqual(RUNS * 250);
  });

  it('one replica split by compartments over 3 threads', { timeout: 300_000 }, async () => {
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(networkCaseArb(250, 500), async (drawn) => {
        // One replica, no learning: the cases that are split (others run unsplit and are covered above).
        const c: NetworkCase = {
          ...drawn,
          replicas: 1,
          network: { ...drawn.network, projections: drawn.network.projections.map(({ learning: _, ...p }) => p) },
          injections: drawn.injections.map((list) => list.filter((i) => i.replica === undefined || i.replica === 0)),
        };
        const diff = await compare(c, { threads: 3, partitionMinCompartments: 0 });
        steps += c.steps;
        expect(diff, `network: ${JSON.stringify(c.network).slice(0, 2000)}`).toBeNull();
      }),
      { seed: SEED + 2, numRuns: RUNS, endOnFailure: true },
    );
    expect(steps).toBeGreaterThanOrEqual(RUNS * 250);
  });
});
