/** Shared pieces of the WebGPU tests: one device per test file, and exact comparison of two simulations. */
import { acquireGpu, type GpuContext } from '../../src/backends/webgpu/device.ts';
import type { Backend, ReplicaRecording, Simulation, SimulationOptions } from '../../src/backends/types.ts';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import type { NetworkCase } from './random-network.ts';

let context: Promise<GpuContext> | undefined;

/** The test file's GPU context. Rejects (so the test fails, never skips) when there is no adapter. */
export function testGpu(): Promise<GpuContext> {
  return (context ??= acquireGpu());
}

/** Releases the test file's device. */
export async function releaseGpu(): Promise<void> {
  if (context) (await context).destroy();
  context = undefined;
}

/** The first difference between two recordings of one replica, in words, or null when they are equal. */
export function diffRecording(expected: ReplicaRecording, actual: ReplicaRecording, replica: number): string | null {
  for (const [group, spikes] of Object.entries(expected.spikes)) {
    const got = actual.spikes[group];
    if (!got) return `replica ${replica}: no spikes recorded for group '${group}'`;
    const n = Math.max(spikes.length, got.length);
    for (let i = 0; i < n; i++) {
      const e = spikes[i];
      const a = got[i];
      if (!e || !a || e[0] !== a[0] || e[1] !== a[1]) {
        return `replica ${replica} group '${group}': spike #${i} expected ${JSON.stringify(e ?? null)} got ${JSON.stringify(a ?? null)} (${spikes.length} vs ${got.length} spikes)`;
      }
    }
  }
  for (const field of ['u', 'v'] as const) {
    for (const [group, rows] of Object.entries(expected[field])) {
      const got = actual[field][group];
      if (!got || got.length !== rows.length)
        return `replica ${replica} group '${group}': ${field} has ${got?.length ?? 0} rows, expected ${rows.length}`;
      for (let row = 0; row < rows.length; row++) {
        for (let i = 0; i < rows[row]!.length; i++) {
          if (rows[row]![i] !== got[row]![i]) {
            return `replica ${replica} group '${group}': ${field} row ${row} index ${i} expected ${rows[row]![i]} got ${got[row]![i]}`;
          }
        }
      }
    }
  }
  return null;
}

/** Compares everything observable of two simulations of the same network: recordings, state, weights. */
export async function diffSimulations(expected: Simulation, actual: Simulation, groups: string[], projections: string[]): Promise<string | null> {
  const [re, ra] = [await expected.readRecording(), await actual.readRecording()];
  for (let r = 0; r < expected.replicas; r++) {
    const d = diffRecording(re[r]!, ra[r]!, r);
    if (d) return d;
    for (const g of groups) {
      const [se, sa] = [await expected.readState(g, r), await actual.readState(g, r)];
      for (const f of ['u', 'v'] as const) {
        const i = se[f].findIndex((x, k) => x !== sa[f][k]);
        if (i >= 0) return `replica ${r} group '${g}': final ${f}[${i}] expected ${se[f][i]} got ${sa[f][i]}`;
      }
    }
    for (const p of projections) {
      const [we, wa] = [await expected.readWeights(p, r), await actual.readWeights(p, r)];
      const i = we.findIndex((x, k) => x !== wa[k]);
      if (i >= 0 || we.length !== wa.length)
        return `replica ${r} projection '${p}': weight[${i}] expected ${we[i]} got ${wa[i]} (lengths ${we.length}, ${wa.length})`;
    }
  }
  return null;
}

/**
 * Runs one case on the CPU oracle and on `backend` (same injections, same run segments, every step's spikes, u and v
 * recorded) and returns the first difference in words (recording, final state, weights, synaptic event count), or
 * null. Shared by the WebGPU and wasm fuzz tests and by the GPU kit's fuzz stage.
 */
export async function compareWithOracle(c: NetworkCase, backend: Backend, extra: Partial<SimulationOptions> = {}): Promise<string | null> {
  const stateSteps = Array.from({ length: c.steps }, (_, t) => t);
  const options = { replicas: c.replicas, recording: { spikes: 'all' as const, state: 'all' as const, stateSteps } };
  const expected = await createCpuBackend().create(c.network, options);
  const actual = await backend.create(c.network, { ...options, ...extra });
  try {
    for (let k = 0; k < c.segments.length; k++) {
      for (const { source, spikes, replica } of c.injections[k]!) {
        expected.injectSpikes(source, spikes, replica);
        actual.injectSpikes(source, spikes, replica);
      }
      await expected.run(c.segments[k]!);
      await actual.run(c.segments[k]!);
    }
    const diff = await diffSimulations(
      expected,
      actual,
      c.network.groups.map((g) => g.name),
      c.network.projections.map((p) => p.name),
    );
    if (diff) return diff;
    const [e, a] = [expected.stats().synapticEvents, actual.stats().synapticEvents];
    return e === a ? null : `synaptic events: expected ${e} got ${a}`;
  } finally {
    expected.dispose();
    actual.dispose();
  }
}
