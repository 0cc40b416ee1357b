/**
 * One training sample of the circuit as a spike raster: every population's spikes across the sample's 12
 * phases, with the phase labels, for the report's raster plot. Environment-neutral (no file access).
 */
import type { GpuContext } from '../../backends/webgpu/device.ts';
import type { EncodedDataset, NbpShape, NbpWeights } from '../types.ts';
import { createCircuitTrainer } from './engine.ts';
import { phaseViolations, type PhaseViolation } from './phases.ts';
import { TRAINING_PHASE_LABELS } from './topology.ts';

/** The raster file's format tag. */
export const RASTER_FORMAT = 'synfire-raster/1';

/** One population's row block of the raster. */
export interface RasterPopulation {
  name: string;
  size: number;
  role: string;
  /** Phases it is designed to fire in. */
  phases: number[];
  /** Spikes as [step, index]: step 0..11 counts from the sample's phase 0, so it equals the phase. */
  spikes: Array<[number, number]>;
}

/** DIR/raster-sample-K.json. */
export interface Raster {
  format: typeof RASTER_FORMAT;
  dataset: string;
  /** Index of the sample in the dataset. */
  sample: number;
  label: number;
  backend: 'cpu' | 'webgpu';
  /** Absolute simulation step of phase 0 (spike step s happened at firstStep + s). */
  firstStep: number;
  phases: Array<{ phase: number; label: string }>;
  populations: RasterPopulation[];
  /** Spikes outside their population's designed phases (empty when the circuit is inside its bias margins). */
  violations: PhaseViolation[];
  /** Synapses whose weight this sample changed, per matrix (W1, W2 from the first copies; P; M). */
  changed: { W1: number; W2: number; P: number; M: number };
}

/** Options of {@link recordRaster}. */
export interface RasterOptions {
  shape: NbpShape;
  weights: NbpWeights;
  data: EncodedDataset;
  sample: number;
  backend: 'cpu' | 'webgpu';
  ctx?: GpuContext;
}

const countChanged = (a: Int32Array, b: Int32Array): number => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);

/** Runs sample `sample` of `data` through the training circuit with `weights` and records every population. */
export async function recordRaster(o: RasterOptions): Promise<Raster> {
  if (!Number.isInteger(o.sample) || o.sample < 0 || o.sample >= o.data.n) {
    throw new RangeError(`--sample ${o.sample} is out of range 0..${o.data.n - 1} of ${o.data.name}`);
  }
  const trainer = await createCircuitTrainer(
    { shape: o.shape, semantics: 'loihi', train: o.data, initial: [o.weights], recordSpikes: 'all' },
    o.ctx ? { backend: o.backend, ctx: o.ctx } : o.backend,
  );
  try {
    await trainer.train([Uint32Array.of(o.sample)]);
    const [rec] = await trainer.simulation.readRecording();
    const { clock, populations, network } = trainer.circuit;
    const firstStep = clock.step(0, 0);
    const after = await trainer.getWeights(0);
    const sizes = new Map(network.groups.map((g) => [g.name, g.size]));
    return {
      format: RASTER_FORMAT,
      dataset: o.data.name,
      sample: o.sample,
      label: o.data.labels[o.sample]!,
      backend: o.backend,
      firstStep,
      phases: TRAINING_PHASE_LABELS.map((label, phase) => ({ phase, label })),
      populations: populations.map((p) => ({
        name: p.name,
        size: sizes.get(p.name)!,
        role: p.role,
        phases: [...p.phases],
        spikes: (rec!.spikes[p.name] ?? [])
          .filter(([s]) => s >= firstStep && s < firstStep + clock.period)
          .map(([s, i]): [number, number] => [s - firstStep, i]),
      })),
      violations: phaseViolations(rec!.spikes, populations, clock),
      changed: {
        W1: countChanged(after.W1, o.weights.W1),
        W2: countChanged(after.W2, o.weights.W2),
        P: countChanged(after.P, o.weights.P),
        M: countChanged(after.M, o.weights.M),
      },
    };
  } finally {
    trainer.dispose();
  }
}
