/**
 * Inference through the 4-step circuit (nbp.md §1.3): x fires in phase 1, h in phase 2, o in phase 3. The
 * outputs are the spikes of o in phase 3; the membrane potential a2 is read from o's current u in phase 3
 * (memoryless units: u = A·64 exactly, A = gate input 8704 + W2ᵀh).
 */
import type { Backend, SimulationStats } from '../../backends/types.ts';
import { PhaseScheduler } from '../../gating/scheduler.ts';
import type { EncodedDataset, NbpMetrics, NbpShape, NbpWeights } from '../types.ts';
import { emptyCounts, metricsFromCounts, type MetricCounts } from '../metrics.ts';
import { buildInferenceCircuit, INFERENCE_WEIGHTS } from './network.ts';
import { INFERENCE_CONNECTIONS } from './topology.ts';
import { gateInputAt } from './margins.ts';
import { transpose } from './weights.ts';
import { activeInputs } from './inputs.ts';
import { GATING_WEIGHTS } from '../../gating/connections.ts';

/** Per replica: binary outputs and a2, n×nOut row-major, and the metrics they give. */
export interface CircuitInference {
  metrics: NbpMetrics[];
  counts: MetricCounts[];
  outputs: Uint8Array[];
  a2: Int32Array[];
  stats: SimulationStats;
}

/** Options of {@link runInferenceCircuit}. */
export interface InferenceOptions {
  /** Samples per Simulation.run (default 512). */
  samplesPerRun?: number;
  stepsPerSubmit?: number;
}

/** Tallies one sample from its circuit outputs (spikes) and a2, as metrics.ts defines the metrics. */
function countCircuitSample(c: MetricCounts, o: Uint8Array, a2: Int32Array, offset: number, label: number): void {
  let firstSpike = -1;
  let best = 0;
  let wrong = 0;
  for (let k = 0; k < c.nOut; k++) {
    if (o[offset + k] && firstSpike < 0) firstSpike = k;
    if (a2[offset + k]! > a2[offset + best]!) best = k;
    if (o[offset + k] !== (k === label ? 1 : 0)) wrong++;
  }
  c.n++;
  if (Math.max(firstSpike, 0) === label) c.spikes++;
  if (best === label) c.membrane++;
  if (wrong === 0) c.exact++;
  if (firstSpike < 0) c.silent++;
  c.wrongBits += wrong;
}

/** Runs `data` through the inference circuit once per weight set (one replica each). */
export async function runInferenceCircuit(
  backend: Backend,
  shape: NbpShape,
  weights: ReadonlyArray<Pick<NbpWeights, 'W1' | 'W2'>>,
  data: EncodedDataset,
  options: InferenceOptions = {},
): Promise<CircuitInference> {
  if (data.nIn !== shape.nIn) throw new Error(`inference: dataset '${data.name}' has ${data.nIn} inputs, the network ${shape.nIn}`);
  if (weights.length < 1) throw new Error('inference: need at least one weight set');
  const { network, clock } = buildInferenceCircuit(shape, weights[0]!);
  const outputPhase = 3;
  const stateSteps = Array.from({ length: data.n }, (_, k) => clock.step(k, outputPhase));
  const simOptions: Parameters<Backend['create']>[1] = {
    replicas: weights.length,
    recording: { spikes: ['o'], state: ['o'], stateSteps },
  };
  if (options.stepsPerSubmit !== undefined) simOptions.stepsPerSubmit = options.stepsPerSubmit;
  const sim = await backend.create(network, simOptions);
  try {
    for (let r = 1; r < weights.length; r++) {
      await sim.writeWeights(INFERENCE_WEIGHTS.W1, transpose(weights[r]!.W1, shape.nIn, shape.nHid), r);
      await sim.writeWeights(INFERENCE_WEIGHTS.W2, transpose(weights[r]!.W2, shape.nHid, shape.nOut), r);
    }
    const scheduler = new PhaseScheduler(sim, clock, [{ source: 'input', phase: 0, shared: true, indices: (k) => activeInputs(data, k) }]);
    await scheduler.runSamples(data.n, { samplesPerRun: options.samplesPerRun ?? 512 });
    const recordings = await sim.readRecording();
    const gate = gateInputAt('o', outputPhase, clock.period, INFERENCE_CONNECTIONS);
    if (gate !== GATING_WEIGHTS.gate) throw new Error(`inference: o is gated by ${gate} in phase 3, expected ${GATING_WEIGHTS.gate}`);
    const result: CircuitInference = { metrics: [], counts: [], outputs: [], a2: [], stats: sim.stats() };
    for (const rec of recordings) {
      const outputs = new Uint8Array(data.n * shape.nOut);
      for (const [step, index] of rec.spikes.o ?? []) {
        if (clock.phaseOf(step) !== outputPhase)
          throw new Error(`inference: o fired at step ${step}, phase ${clock.phaseOf(step)} (designed: phase 3 only)`);
        outputs[clock.sampleOf(step) * shape.nOut + index] = 1;
      }
      const us = rec.u.o ?? [];
      if (us.length !== data.n) throw new Error(`inference: recorded o's state at ${us.length} steps, expected ${data.n}`);
      const a2 = new Int32Array(data.n * shape.nOut);
      us.forEach((u, k) => {
        for (let j = 0; j < shape.nOut; j++) a2[k * shape.nOut + j] = (u[j]! >> 6) - gate;
      });
      const counts = emptyCounts(shape.nOut);
      for (let k = 0; k < data.n; k++) countCircuitSample(counts, outputs, a2, k * shape.nOut, data.labels[k]!);
      result.outputs.push(outputs);
      result.a2.push(a2);
      result.counts.push(counts);
      result.metrics.push(metricsFromCounts(counts));
    }
    return result;
  } finally {
    sim.dispose();
  }
}
