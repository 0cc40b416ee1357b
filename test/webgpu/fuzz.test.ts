/**
 * Random networks on the WebGPU backend against the CPU oracle, compared on every step: every spike of every
 * group and u/v of every compartment at every step, then the final state, the weights of every projection
 * (plastic ones learned) of every replica, and the synaptic event count. Each property runs at least 1,000
 * steps in total. Also with one step per submit and with each synapse strategy forced.
 * Fixed seeds keep runs reproducible; SYNFIRE_FUZZ_SEED / SYNFIRE_FUZZ_RUNS explore further.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWebgpuBackend, type WebgpuBackend, type StrategyChoice } from '../../src/backends/webgpu/index.ts';
import type { Network } from '../../src/network/types.ts';
import { compareWithOracle, releaseGpu, testGpu } from './helpers.ts';
import { networkCaseArb, type NetworkCase } from './random-network.ts';

afterAll(releaseGpu);

const SEED = Number(process.env.SYNFIRE_FUZZ_SEED ?? 20241125);
const RUNS = Number(process.env.SYNFIRE_FUZZ_RUNS ?? 12);
const backends = new Map<string, Promise<WebgpuBackend>>();

function webgpu(strategy: StrategyChoice | undefined, spikeLanes: number | undefined): Promise<WebgpuBackend> {
  const key = JSON.stringify([strategy ?? 'auto', spikeLanes ?? 'auto']);
  let backend = backends.get(key);
  if (!backend) {
    backend = testGpu().then((ctx) =>
      createWebgpuBackend(ctx, { ...(strategy === undefined ? {} : { strategy }), ...(spikeLanes ? { spikeLanes } : {}) }),
    );
    backends.set(key, backend);
  }
  return backend;
}

/** Dense storage can hold every projection except sparse plastic ones; those stay CSR. */
function denseWherePossible(network: Network): StrategyChoice {
  return Object.fromEntries(network.projections.map((p) => [p.name, p.synapses.kind === 'sparse' && p.learning ? 'csr' : 'dense']));
}

interface Mode {
  strategy?: (network: Network) => StrategyChoice;
  stepsPerSubmit?: number;
  /** Threads per spike in deliver (default automatic: 1 on a software adapter). */
  spikeLanes?: number;
}

/** Runs a case on the oracle and on WebGPU (with the mode's strategy, lanes and steps per submit); first difference or null. */
async function compare(c: NetworkCase, mode: Mode): Promise<string | null> {
  const gpuBackend = await webgpu(mode.strategy?.(c.network), mode.spikeLanes);
  return compareWithOracle(c, gpuBackend, mode.stepsPerSubmit ? { stepsPerSubmit: mode.stepsPerSubmit } : {});
}

/** Checks `RUNS` random cases (each 250..500 steps, so at least 1,000 steps per property). */
async function checkProperty(mode: Mode, seedOffset: number): Promise<number> {
  let steps = 0;
  await fc.assert(
    fc.asyncProperty(networkCaseArb(250, 500), async (c) => {
      const diff = await compare(c, mode);
      steps += c.steps;
      expect(diff, `network: ${JSON.stringify(c.network).slice(0, 2000)}`).toBeNull();
    }),
    { seed: SEED + seedOffset, numRuns: RUNS, endOnFailure: true },
  );
  return steps;
}

describe('WebGPU backend = CPU oracle on random networks, every step', () => {
  it('automatic strategies, default steps per submit', async () => {
    expect(await checkProperty({}, 0)).toBeGreaterThanOrEqual(RUNS * 250);
  });

  it('one step per submit, CSR forced everywhere, 64 threads per spike', async () => {
    expect(await checkProperty({ stepsPerSubmit: 1, strategy: () => 'csr', spikeLanes: 64 }, 1)).toBeGreaterThanOrEqual(RUNS * 250);
  });

  it('dense forced wherever exact, 7 steps per submit, 4 threads per spike', async () => {
    expect(await checkProperty({ stepsPerSubmit: 7, strategy: denseWherePossible, spikeLanes: 4 }, 2)).toBeGreaterThanOrEqual(RUNS * 250);
  });
});
