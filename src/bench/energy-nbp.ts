/**
 * The Loihi estimate of one nBP training sample from its circuit raster (`synfire raster` output, or
 * recordRaster in a page): the circuit's connectivity from buildTrainingCircuit, the recorded spikes of its 27
 * populations, and the spike sources rebuilt from the circuit's schedule. Environment-neutral.
 */
import type { NbpShape } from '../nbp/types.ts';
import { zeroWeights } from '../nbp/algorithm.ts';
import { buildTrainingCircuit } from '../nbp/circuit/network.ts';
import { SOURCE_PHASES } from '../nbp/circuit/topology.ts';
import {
  countEvents,
  DAVIES_2018,
  DEFAULT_MAPPING,
  energyNetworkFrom,
  estimateLoihi,
  type ChipMapping,
  type EnergyNetwork,
  type EventCounts,
  type LoihiCosts,
  type LoihiEstimate,
} from './energy.ts';

/** The part of a raster the count needs: 12 steps of one sample, spikes per population, the sample's label. */
export interface SampleRaster {
  label: number;
  populations: ReadonlyArray<{ name: string; spikes: ReadonlyArray<readonly [number, number]> }>;
}

/** Steps of one nBP training sample. */
export const TRAINING_STEPS = 12;

const networks = new Map<string, EnergyNetwork>();

/** The training circuit's connectivity (memoized per shape: building it visits every synapse). */
export function trainingEnergyNetwork(shape: NbpShape): EnergyNetwork {
  const key = `${shape.nIn}-${shape.nHid}-${shape.nOut}`;
  let net = networks.get(key);
  if (!net) {
    // Plastic all-to-all matrices keep every synapse whatever their weights, so zero weights give the same wiring.
    net = energyNetworkFrom(buildTrainingCircuit(shape, zeroWeights(shape)).network);
    networks.set(key, net);
  }
  return net;
}

/**
 * Spikes of the sample including its sources: `input` one step before x fires (x relays it one to one), the target
 * spike in SOURCE_PHASES.target, one reward spike in each reward phase. The gate kick-start fires once per run, not
 * per sample, and is left out.
 */
export function sampleSpikes(raster: SampleRaster): Record<string, Array<[number, number]>> {
  const spikes: Record<string, Array<[number, number]>> = {};
  for (const p of raster.populations) spikes[p.name] = p.spikes.map(([s, i]) => [s, i]);
  const x = spikes.x;
  if (!x) throw new Error("raster: population 'x' is missing, so the input spikes cannot be rebuilt");
  spikes.input = x.filter(([s]) => s === SOURCE_PHASES.input + 1).map(([, i]) => [SOURCE_PHASES.input, i]);
  spikes.in_tgt = [[SOURCE_PHASES.target, raster.label]];
  spikes.reward = SOURCE_PHASES.reward.map((s) => [s, 0]);
  return spikes;
}

/** Event counts of one training sample. */
export function countTrainingSample(
  shape: NbpShape,
  raster: SampleRaster,
  costs: LoihiCosts = DAVIES_2018,
  mapping: ChipMapping = DEFAULT_MAPPING,
): EventCounts {
  return countEvents(trainingEnergyNetwork(shape), sampleSpikes(raster), TRAINING_STEPS, costs, mapping);
}

/** The Loihi estimate per training sample, from one or more sample rasters. */
export function estimateTrainingSample(
  shape: NbpShape,
  rasters: readonly SampleRaster[],
  costs: LoihiCosts = DAVIES_2018,
  mapping: ChipMapping = DEFAULT_MAPPING,
): LoihiEstimate {
  if (!rasters.length) throw new Error('energy: at least one raster is needed');
  const parts = rasters.map((r) => countTrainingSample(shape, r, costs, mapping));
  const total: EventCounts = {
    ...parts[0]!,
    steps: TRAINING_STEPS * parts.length,
    synOps: sum(parts.map((c) => c.synOps)),
    neuronUpdates: sum(parts.map((c) => c.neuronUpdates)),
    messages: sum(parts.map((c) => c.messages)),
    learnVisited: sum(parts.map((c) => c.learnVisited)),
    learnFullSweep: sum(parts.map((c) => c.learnFullSweep)),
    perStep: parts.flatMap((c) => c.perStep),
    busiest: {
      spikingNsLow: sum(parts.map((c) => c.busiest.spikingNsLow)),
      spikingNsHigh: sum(parts.map((c) => c.busiest.spikingNsHigh)),
      learningNsLow: sum(parts.map((c) => c.busiest.learningNsLow)),
      learningNsHigh: sum(parts.map((c) => c.busiest.learningNsHigh)),
      barrierNs: sum(parts.map((c) => c.busiest.barrierNs)),
    },
  };
  return estimateLoihi(total, rasters.length, 'train', costs, mapping);
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
