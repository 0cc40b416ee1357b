/**
 * The circuit engine (`--engine circuit`): nBP trained by the neuron-level circuit of nbp-circuit.md on a
 * backend, behind the same FusedTrainer contract as the fused engines. Each sample takes 12 timesteps; the
 * input, target and reward spikes are injected per sample by the phase scheduler, and many samples run per
 * backend call. evaluate() runs the 4-step inference circuit.
 */
import type { Backend, Simulation, SimulationStats } from '../../backends/types.ts';
import type { GpuContext } from '../../backends/webgpu/device.ts';
import { PhaseScheduler, type PhaseInput } from '../../gating/scheduler.ts';
import type { FusedTrainer, FusedTrainerOptions, NbpMetrics, NbpShape, NbpWeights } from '../types.ts';
import { buildTrainingCircuit, TRAINING_PLASTIC, type BuiltCircuit } from './network.ts';
import { SOURCE_PHASES } from './topology.ts';
import { circuitMatrices, checkWeights, w1FromCircuit, w2FromCircuit } from './weights.ts';
import { activeInputs } from './inputs.ts';
import { runInferenceCircuit } from './inference.ts';
import { MARGIN_WINDOWS, MarginMonitor, describeCrossing, type MarginCrossing } from './margins.ts';
import { loadBackend } from './backend.ts';
import { checkOrders, checkReplicaIndex } from '../trainer-checks.ts';

/** Circuit-specific options (all optional; the defaults suit training). */
export interface CircuitOptions {
  /** Samples scheduled per Simulation.run call (default 64 = 768 steps). */
  samplesPerRun?: number;
  /** WebGPU steps per queue submit (default: the backend's choice). */
  stepsPerSubmit?: number;
  /**
   * Debug: read u in every bias-margin window (nbp-circuit.md, "Bias margins") and report data sums that cross
   * the margin. Pauses the run five times per sample (slow). `true` prints each crossing, and the largest sums
   * after each train() call, to stderr. Default: on when the environment variable SYNFIRE_DEBUG_MARGINS=1.
   */
  marginCheck?: boolean | { onCrossing(c: MarginCrossing): void };
  /** Record the spikes of these groups (or 'all') during training, e.g. for rasters. */
  recordSpikes?: string[] | 'all';
}

/** Every plastic matrix of a replica, in the fused layout (W1 nIn×nHid; W2, P, M nHid×nOut). */
export interface CircuitCopies {
  /** From x→h1, x→h1_copy, x→h1_copy2. */
  W1: [Int32Array, Int32Array, Int32Array];
  /** From h1→o, h1→o_copy, h1→o_copy2. */
  W2: [Int32Array, Int32Array, Int32Array];
  /** o→h1T (+W2ᵀ). */
  P: Int32Array;
  /** oT-→h1T (−W2ᵀ). */
  M: Int32Array;
}

/** A FusedTrainer that runs the circuit, with access to the simulation for tests, rasters and benchmarks. */
export interface CircuitTrainer extends FusedTrainer {
  readonly engine: 'circuit';
  readonly circuit: BuiltCircuit;
  readonly simulation: Simulation;
  readonly scheduler: PhaseScheduler;
  /** Sample slots run so far (all replicas run in lockstep). */
  readonly samplesRun: number;
  /** The bias-margin monitor when `marginCheck` is on, else null. */
  readonly margins: MarginMonitor | null;
  /** All 8 plastic matrices of a replica (the copies are identical in normal training). */
  readCopies(replica: number): Promise<CircuitCopies>;
  /** Work counters of the training simulation. */
  stats(): SimulationStats;
}

/** SYNFIRE_DEBUG_MARGINS=1 switches the bias-margin check on for `synfire train --engine circuit` (Node only). */
function debugMarginsFromEnv(): boolean {
  const env = typeof process !== 'undefined' ? process.env?.SYNFIRE_DEBUG_MARGINS : undefined;
  return !!env && env !== '0';
}

/** Where the circuit runs, as src/nbp/engines.ts passes it (threads are unused: one simulation holds all replicas). */
export interface CircuitEnv {
  backend: 'cpu' | 'webgpu';
  ctx?: GpuContext;
  threads?: number;
}

/**
 * Creates the circuit engine on the CPU or WebGPU backend (`backend` by name, or an env object as the train
 * command passes it). Only the 'loihi' semantics exists as a circuit (nbp-circuit.md §2: spike-then-learn);
 * remedies are fused-engine departures and are refused.
 */
export async function createCircuitTrainer(
  opts: FusedTrainerOptions & CircuitOptions,
  where: 'cpu' | 'webgpu' | CircuitEnv,
  gpu?: GpuContext,
): Promise<CircuitTrainer> {
  const backend = typeof where === 'string' ? where : where.backend;
  const ctx = typeof where === 'string' ? gpu : (where.ctx ?? gpu);
  if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`circuit: backend must be 'cpu' or 'webgpu', got '${String(backend)}'`);
  if (opts.semantics !== 'loihi') {
    throw new Error(
      `--engine circuit computes the chip's semantics only: use --semantics loihi (got '${opts.semantics}'; the numpy semantics exists only in the fused engines)`,
    );
  }
  if (opts.remedies && Object.keys(opts.remedies).length > 0) {
    throw new Error(`--engine circuit runs the faithful circuit only; remedies (${Object.keys(opts.remedies).join(', ')}) need a fused engine`);
  }
  const shape: NbpShape = { ...opts.shape };
  if (opts.train.nIn !== shape.nIn)
    throw new Error(`circuit: training set '${opts.train.name}' has ${opts.train.nIn} inputs, the shape ${shape.nIn}`);
  const replicas = opts.initial.length;
  if (replicas < 1) throw new Error('circuit: options.initial must hold one weight set per replica (got none)');
  opts.initial.forEach((w) => checkWeights(shape, w));
  const be: Backend = await loadBackend(backend, ctx);
  const circuit = buildTrainingCircuit(shape, opts.initial[0]!);
  const simOptions: Parameters<Backend['create']>[1] = { replicas };
  if (opts.stepsPerSubmit !== undefined) simOptions.stepsPerSubmit = opts.stepsPerSubmit;
  if (opts.recordSpikes) simOptions.recording = { spikes: opts.recordSpikes };
  const sim = await be.create(circuit.network, simOptions);

  const writeAll = async (replica: number | undefined, w: NbpWeights): Promise<void> => {
    for (const [name, m] of circuitMatrices(shape, w, TRAINING_PLASTIC)) await sim.writeWeights(name, m, replica);
  };
  for (let r = 1; r < replicas; r++) await writeAll(r, opts.initial[r]!);

  // The orders of the current train() call and the sample slot they start at.
  let orders: ReadonlyArray<Uint32Array> = [];
  let firstSlot = 0;
  const datasetIndex = (slot: number, r: number): number => orders[r]![slot - firstSlot]!;
  const inputs: PhaseInput[] = [
    { source: 'input', phase: SOURCE_PHASES.input, indices: (k, r) => activeInputs(opts.train, datasetIndex(k, r)) },
    { source: 'in_tgt', phase: SOURCE_PHASES.target, indices: (k, r) => [opts.train.labels[datasetIndex(k, r)]!] },
    ...SOURCE_PHASES.reward.map((phase): PhaseInput => ({ source: 'reward', phase, shared: true, indices: () => [0] })),
  ];
  const scheduler = new PhaseScheduler(sim, circuit.clock, inputs);

  const check = opts.marginCheck ?? (debugMarginsFromEnv() || undefined);
  const margins = check ? new MarginMonitor() : null;
  const onCrossing = typeof check === 'object' ? check.onCrossing : (c: MarginCrossing) => console.error(describeCrossing(c));
  const probePhases = [...new Set(MARGIN_WINDOWS.map((w) => w.phase))].sort((a, b) => a - b);
  const probe = async (slot: number, phase: number): Promise<void> => {
    for (let i = 0; i < MARGIN_WINDOWS.length; i++) {
      const w = MARGIN_WINDOWS[i]!;
      if (w.phase !== phase) continue;
      for (let r = 0; r < replicas; r++) {
        const { u } = await sim.readState(w.group, r);
        for (const c of margins!.observe(i, slot, r, u)) onCrossing(c);
      }
    }
  };

  const readMatrix = (name: string, r: number) => sim.readWeights(name, r);
  const trainer: CircuitTrainer = {
    backend,
    engine: 'circuit',
    semantics: 'loihi',
    shape,
    replicas,
    circuit,
    simulation: sim,
    scheduler,
    margins,
    get samplesRun() {
      return scheduler.nextSample;
    },
    async train(newOrders) {
      const n = checkOrders(newOrders, replicas, opts.train);
      if (n === 0) return;
      await scheduler.start();
      orders = newOrders;
      firstSlot = scheduler.nextSample;
      const runOptions: Parameters<PhaseScheduler['runSamples']>[1] = { samplesPerRun: opts.samplesPerRun ?? 64 };
      if (margins) {
        runOptions.probePhases = probePhases;
        runOptions.onPhase = probe;
      }
      await scheduler.runSamples(n, runOptions);
      if (margins && check === true) {
        console.error(
          `bias margins after ${scheduler.nextSample} samples (${margins.crossingCount} crossing(s)):\n  ${margins.summary().join('\n  ')}`,
        );
      }
    },
    async evaluate(data): Promise<NbpMetrics[]> {
      const weights = [];
      for (let r = 0; r < replicas; r++) {
        weights.push({
          W1: w1FromCircuit(shape, await readMatrix(TRAINING_PLASTIC.W1[0], r)),
          W2: w2FromCircuit(shape, await readMatrix(TRAINING_PLASTIC.W2[0], r)),
        });
      }
      const inferenceOptions: Parameters<typeof runInferenceCircuit>[4] = {};
      if (opts.stepsPerSubmit !== undefined) inferenceOptions.stepsPerSubmit = opts.stepsPerSubmit;
      return (await runInferenceCircuit(be, shape, weights, data, inferenceOptions)).metrics;
    },
    async getWeights(r) {
      const c = await trainer.readCopies(r);
      return { W1: c.W1[0], W2: c.W2[0], P: c.P, M: c.M };
    },
    async setWeights(r, w) {
      checkReplicaIndex('setWeights', r, replicas);
      checkWeights(shape, w);
      await writeAll(r, w);
    },
    async readCopies(r) {
      checkReplicaIndex('readCopies', r, replicas);
      const w1 = await Promise.all(TRAINING_PLASTIC.W1.map(async (name) => w1FromCircuit(shape, await readMatrix(name, r))));
      const w2 = await Promise.all(TRAINING_PLASTIC.W2.map(async (name) => w2FromCircuit(shape, await readMatrix(name, r))));
      return {
        W1: [w1[0]!, w1[1]!, w1[2]!],
        W2: [w2[0]!, w2[1]!, w2[2]!],
        P: Int32Array.from(await readMatrix(TRAINING_PLASTIC.P, r)),
        M: Int32Array.from(await readMatrix(TRAINING_PLASTIC.M, r)),
      };
    },
    stats: () => sim.stats(),
    dispose() {
      sim.dispose();
    },
  };
  return trainer;
}
