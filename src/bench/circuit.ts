/**
 * Circuit benchmarks for `synfire bench nbp` (environment-neutral: Node and the harness page). Measures the
 * 12-step training circuit and the 4-step inference circuit per backend: timesteps/s, samples/s, synaptic events
 * per step, dispatches and submits per step, and the distance from Loihi's published 1.5 ms per training sample
 * (125 µs per step) and 0.17 ms per inference sample (42.5 µs per step).
 */
import type { BenchEnv, BenchOptions, BenchResult } from './types.ts';
import type { SimulationStats } from '../backends/types.ts';
import type { EncodedDataset } from '../data/types.ts';
import type { NbpShape, NbpWeights } from '../nbp/types.ts';
import { weightsFrom } from '../nbp/algorithm.ts';
import { createCircuitTrainer } from '../nbp/circuit/engine.ts';
import { runInferenceCircuit } from '../nbp/circuit/inference.ts';
import { loadBackend } from '../nbp/circuit/backend.ts';
import { TRAINING_POPULATIONS, INFERENCE_POPULATIONS } from '../nbp/circuit/topology.ts';
import { uniformStream } from '../util/random.ts';

/** Loihi's published latencies (nbp.md §5, Table 1): per sample and per step. */
export const CHIP = {
  trainMsPerSample: 1.5,
  trainUsPerStep: 1500 / 12,
  inferMsPerSample: 0.17,
  inferUsPerStep: 170 / 4,
} as const;

/** Options of {@link benchCircuit} beyond the common ones (read from `params` when given as strings). */
export interface CircuitBenchOptions extends BenchOptions {
  /** Training data (Node passes MNIST); default: synthetic binary inputs of MNIST's density (see below). */
  data?: EncodedDataset;
}

const SHAPE: NbpShape = { nIn: 400, nHid: 400, nOut: 10 };

/** Synthetic MNIST-like data: each input on with probability 0.19 (MNIST 20×20 averages about 19% on). */
export function syntheticData(n: number, seed = 1): EncodedDataset {
  const rnd = uniformStream(seed);
  const x = new Uint8Array(n * SHAPE.nIn);
  for (let i = 0; i < x.length; i++) x[i] = rnd() < 0.19 ? 1 : 0;
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) labels[k] = Math.floor(rnd() * 10);
  return { name: `synthetic-${n}`, n, nIn: SHAPE.nIn, x, labels };
}

/** Glorot-like deterministic initial weights: even values, std about 50 (W1) and 72 (W2), clipped to ±240. */
function benchWeights(seed: number): NbpWeights {
  const rnd = uniformStream(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const init = (n: number, std: number) =>
    Int32Array.from({ length: n }, () => {
      const w = Math.max(-240, Math.min(240, normal() * std));
      return Math.sign(w) * Math.floor(Math.abs(w) / 2) * 2;
    });
  return weightsFrom(init(SHAPE.nIn * SHAPE.nHid, 51), init(SHAPE.nHid * SHAPE.nOut, 72));
}

function param(options: BenchOptions, key: string, fallback: number): number {
  const raw = options.params?.[key];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench nbp: -p ${key}=${raw} must be a positive integer`);
  return v;
}

function delta(a: SimulationStats, b: SimulationStats): SimulationStats {
  return {
    steps: b.steps - a.steps,
    dispatches: b.dispatches - a.dispatches,
    submits: b.submits - a.submits,
    readbacks: b.readbacks - a.readbacks,
    synapticEvents: b.synapticEvents < 0 ? -1 : b.synapticEvents - a.synapticEvents,
  };
}

const neurons = (pops: typeof TRAINING_POPULATIONS): number =>
  pops.reduce((n, p) => n + (p.layer === 'in' ? SHAPE.nIn : p.layer === 'hid' ? SHAPE.nHid : p.layer === 'out' ? SHAPE.nOut : 1), 0);

/**
 * Measures the circuit on each backend. Params: `circuit-samples` (timed training samples per replica),
 * `circuit-replicas`, `circuit-eval` (inference samples), `circuit-per-run` (samples per Simulation.run).
 */
export async function benchCircuit(env: BenchEnv, options: CircuitBenchOptions = {}): Promise<BenchResult[]> {
  const quick = !!options.quick;
  const replicas = param(options, 'circuit-replicas', 1);
  const perRun = param(options, 'circuit-per-run', 64);
  const results: BenchResult[] = [];
  // The circuit engine runs on the cpu and webgpu backends (a --backend wasm of `bench core` is skipped here).
  for (const backend of (options.backends ?? ['cpu', 'webgpu']).filter((b): b is 'cpu' | 'webgpu' => b !== 'wasm')) {
    const slow = backend === 'webgpu';
    const samples = param(options, 'circuit-samples', quick ? (slow ? 16 : 48) : slow ? 96 : 480);
    const evalN = param(options, 'circuit-eval', quick ? (slow ? 64 : 256) : slow ? 512 : 2000);
    const warm = Math.max(2, Math.min(perRun, 8));
    const data = options.data ?? syntheticData(Math.max(samples + warm, evalN) * replicas, 7);
    const ctx = backend === 'webgpu' ? await env.gpu() : undefined;
    const adapter = ctx ? `${ctx.summary.vendor} / ${ctx.summary.architecture} / ${ctx.summary.device}`.trim() : null;
    const base = { backend, environment: env.environment, adapter, version: env.version, commit: env.commit } as const;

    const initial = Array.from({ length: replicas }, (_, r) => benchWeights(11 + r));
    const t0 = performance.now();
    const trainer = await createCircuitTrainer(
      { shape: SHAPE, semantics: 'loihi', train: data, initial, samplesPerRun: perRun },
      ctx ? { backend, ctx } : backend,
    );
    const orderOf = (from: number, n: number) =>
      Array.from({ length: replicas }, (_, r) => Uint32Array.from({ length: n }, (_, i) => (from + i + r * (samples + warm)) % data.n));
    try {
      // The warm-up compiles pipelines and runs the kick-start; it is not timed.
      await trainer.train(orderOf(0, warm));
      const warmupMs = performance.now() - t0;
      env.log(`bench circuit ${backend}: training ${samples} samples × ${replicas} replica(s)`);
      const before = trainer.stats();
      const t1 = performance.now();
      await trainer.train(orderOf(warm, samples));
      await trainer.getWeights(0); // waits for the device
      const seconds = (performance.now() - t1) / 1000;
      const d = delta(before, trainer.stats());
      const usPerStep = (seconds * 1e6) / d.steps;
      results.push({
        ...base,
        benchmark: 'nbp-circuit-train',
        sizes: { nIn: SHAPE.nIn, nHid: SHAPE.nHid, nOut: SHAPE.nOut, replicas, samples },
        samplesPerS: (samples * replicas) / seconds,
        usPerStep,
        neuronStepsPerS: (neurons(TRAINING_POPULATIONS) * replicas * d.steps) / seconds,
        synapticEventsPerS: d.synapticEvents < 0 ? undefined : d.synapticEvents / seconds,
        dispatchesPerStep: d.dispatches / d.steps,
        submitsPerStep: d.submits / d.steps,
        extra: {
          stepsPerS: d.steps / seconds,
          synapticEventsPerStep: d.synapticEvents < 0 ? null : d.synapticEvents / d.steps / replicas,
          readbacksPerStep: d.readbacks / d.steps,
          chipUsPerStep: CHIP.trainUsPerStep,
          // > 1: slower than the chip by that factor (per replica; replicas run side by side).
          slowerThanChip: usPerStep / CHIP.trainUsPerStep,
          slowerThanChipPerReplica: usPerStep / replicas / CHIP.trainUsPerStep,
          warmupMs,
          data: data.name,
        },
      });
    } finally {
      trainer.dispose();
    }

    // Inference: the 4-step circuit on one weight set per replica.
    const be = await loadBackend(backend, ctx);
    const evalData: EncodedDataset = { ...data, n: evalN, x: data.x.subarray(0, evalN * data.nIn), labels: data.labels.subarray(0, evalN) };
    env.log(`bench circuit ${backend}: inference on ${evalN} samples`);
    const t2 = performance.now();
    const inf = await runInferenceCircuit(be, SHAPE, initial, evalData, { samplesPerRun: 512 });
    const seconds = (performance.now() - t2) / 1000;
    const s = inf.stats;
    const usPerStep = (seconds * 1e6) / s.steps;
    results.push({
      ...base,
      benchmark: 'nbp-circuit-infer',
      sizes: { nIn: SHAPE.nIn, nHid: SHAPE.nHid, nOut: SHAPE.nOut, replicas, samples: evalN },
      samplesPerS: (evalN * replicas) / seconds,
      usPerStep,
      neuronStepsPerS: (neurons(INFERENCE_POPULATIONS) * replicas * s.steps) / seconds,
      synapticEventsPerS: s.synapticEvents < 0 ? undefined : s.synapticEvents / seconds,
      dispatchesPerStep: s.dispatches / s.steps,
      submitsPerStep: s.submits / s.steps,
      extra: {
        stepsPerS: s.steps / seconds,
        synapticEventsPerStep: s.synapticEvents < 0 ? null : s.synapticEvents / s.steps / replicas,
        chipUsPerStep: CHIP.inferUsPerStep,
        slowerThanChip: usPerStep / CHIP.inferUsPerStep,
        note: 'includes network build, pipeline setup and the readback of outputs',
      },
    });
  }
  return results;
}
