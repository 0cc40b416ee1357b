/**
 * Quantization fidelity on the published Braille networks: a float64 model of the NIR graph with synfire's
 * ordering (one step per projection, the Affine bias entering v as its steady state, reset to 0) against the
 * integer run of the imported description, on the same random input. Only the quantization differs, so the
 * spike counts must stay close (measured: total within 8%, per-neuron L1 within 13%; bounds below add margin).
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import { type NirGraph, readNir } from '../../src/nir/graph.ts';
import { importNir } from '../../src/nir/import.ts';
import { fixture } from './helpers.ts';

const DT = 1e-4;

function floatCounts(g: NirGraph, order: string[], input: Array<[number, number]>, inputSize: number, steps: number): Record<string, number[]> {
  const p = (n: string, k: string): Float64Array | undefined => (g.nodes.get(n)!.params.get(k) as { data: Float64Array } | undefined)?.data;
  const into = (n: string): string[] => g.edges.filter(([, b]) => b === n).map(([a]) => a);
  const size = (n: string): number => p(n, 'v_threshold')!.length;
  const state = Object.fromEntries(order.map((n) => [n, { I: new Float64Array(size(n)), v: new Float64Array(size(n)) }]));
  let prev: Record<string, Float64Array> = {
    input: new Float64Array(inputSize),
    ...Object.fromEntries(order.map((n) => [n, new Float64Array(size(n))])),
  };
  const counts = Object.fromEntries(order.map((n) => [n, new Array<number>(size(n)).fill(0)]));
  const byStep = new Map<number, number[]>();
  for (const [t, i] of input) byStep.set(t, [...(byStep.get(t) ?? []), i]);
  for (let t = 0; t < steps; t++) {
    const cur: Record<string, Float64Array> = { input: new Float64Array(inputSize) };
    for (const i of byStep.get(t) ?? []) cur.input![i] = 1;
    for (const n of order) {
      const N = size(n);
      const x = new Float64Array(N);
      const b = new Float64Array(N);
      for (const w of into(n)) {
        const W = p(w, 'weight')!;
        const pre = prev[into(w)[0]!]!;
        const B = p(w, 'bias');
        for (let i = 0; i < N; i++) {
          for (let j = 0; j < pre.length; j++) x[i]! += W[i * pre.length + j]! * pre[j]!;
          if (B) b[i]! += B[i]!;
        }
      }
      const [tauSyn, tauMem, r, wIn, vLeak, th] = ['tau_syn', 'tau_mem', 'r', 'w_in', 'v_leak', 'v_threshold'].map((k) => p(n, k)!);
      const s = new Float64Array(N);
      const { I, v } = state[n]!;
      for (let i = 0; i < N; i++) {
        const a = DT / tauSyn![i]!;
        const be = DT / tauMem![i]!;
        I[i] = (1 - a) * I[i]! + a * wIn![i]! * x[i]!;
        v[i] = (1 - be) * v[i]! + be * (vLeak![i]! + r![i]! * (I[i]! + wIn![i]! * b[i]!));
        if (v[i]! > th![i]!) {
          s[i] = 1;
          v[i] = 0;
          counts[n]![i]!++;
        }
      }
      cur[n] = s;
    }
    prev = { ...prev, ...cur };
  }
  return counts;
}

describe('quantization fidelity of imported CubaLIF networks', () => {
  for (const file of ['braille_noDelay_bias_zero.nir', 'braille_noDelay_noBias_subtract.nir']) {
    it(`${file}: integer spike counts follow the float model`, async () => {
      const g = await readNir(fixture(file));
      const { network } = importNir(g, { dt: DT });
      const steps = 1000;
      let seed = 3;
      const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const input: Array<[number, number]> = [];
      for (let t = 0; t < steps; t++) for (let i = 0; i < 12; i++) if (rnd() < 0.1) input.push([t, i]);
      const order = ['lif1.lif', 'lif2'];
      const expected = floatCounts(g, order, input, 12, steps);
      const sim = await createCpuBackend().create(network, { recording: { spikes: 'all' } });
      sim.injectSpikes('input', input);
      await sim.run(steps);
      const [rec] = await sim.readRecording();
      sim.dispose();
      for (const n of order) {
        const got = new Array<number>(expected[n]!.length).fill(0);
        for (const [, i] of rec!.spikes[n]!) got[i]!++;
        const total = expected[n]!.reduce((a, c) => a + c, 0);
        const totalGot = got.reduce((a, c) => a + c, 0);
        const l1 = got.reduce((a, c, i) => a + Math.abs(c - expected[n]![i]!), 0);
        expect(total, n).toBeGreaterThan(100);
        expect(Math.abs(totalGot - total) / total, `${n}: ${totalGot} vs ${total} spikes`).toBeLessThan(0.15);
        expect(l1 / total, `${n}: per-neuron L1 ${l1} of ${total}`).toBeLessThan(0.2);
      }
    });
  }
});
