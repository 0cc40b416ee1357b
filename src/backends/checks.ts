/**
 * The argument checks of the Simulation contract (./types.ts), written once for every backend so that the CPU
 * reference and the WebGPU backend refuse the same calls with the same messages.
 */
import { RANGES } from '../loihi/constants.ts';

/** The replica count of SimulationOptions.replicas (default 1): an integer >= 1. */
export function checkReplicaCount(replicas: number | undefined): number {
  const r = replicas ?? 1;
  if (!Number.isInteger(r) || r < 1) throw new RangeError(`replicas = ${r} must be an integer >= 1`);
  return r;
}

/** A replica argument of `method`: undefined (all replicas, where the method allows it) or an index in range. */
export function checkReplica(replica: number | undefined, replicas: number, method: string): void {
  if (replica === undefined) return;
  if (!Number.isInteger(replica) || replica < 0 || replica >= replicas) {
    throw new RangeError(`${method}: replica ${replica} is out of range 0..${replicas - 1}`);
  }
}

/** The steps argument of `run`: an integer >= 0. */
export function checkRunSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`run: steps = ${steps} must be an integer >= 0`);
}

/** The projection called `name` in `byName`, or a RangeError of `method` listing the projections there are. */
export function projectionNamed<P>(byName: ReadonlyMap<string, P>, name: string, method: string): P {
  const p = byName.get(name);
  if (!p) throw new RangeError(`${method}: no projection named '${name}' (projections: ${[...byName.keys()].join(', ') || 'none'})`);
  return p;
}

/** The weights of `writeWeights(projection, weights)`: `expected` of them, each an integer raw weight. */
export function checkWriteWeights(projection: string, weights: ArrayLike<number>, expected: number): void {
  if (weights.length !== expected) {
    throw new RangeError(`writeWeights '${projection}': got ${weights.length} weights, expected ${expected}`);
  }
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!Number.isInteger(w) || w < RANGES.weight.min || w > RANGES.weight.max) {
      throw new RangeError(`writeWeights '${projection}': weights[${i}] = ${w} is out of range ${RANGES.weight.min}..${RANGES.weight.max}`);
    }
  }
}

/**
 * Spikes of `injectSpikes(source, spikes)` for a source of `size` neurons: integer steps >= `currentStep` and
 * indices in 0..size-1.
 */
export function checkInjectedSpikes(source: string, size: number, spikes: ReadonlyArray<readonly [number, number]>, currentStep: number): void {
  spikes.forEach(([step, index], i) => {
    if (!Number.isInteger(step) || step < currentStep) {
      throw new RangeError(`injectSpikes '${source}': spikes[${i}] step ${step} must be an integer >= the current step ${currentStep}`);
    }
    if (!Number.isInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`injectSpikes '${source}': spikes[${i}] index ${index} is out of range 0..${size - 1}`);
    }
  });
}

/** The error of a source name that is not in `names`. */
export function unknownSource(source: string, names: readonly string[]): RangeError {
  return new RangeError(`injectSpikes: no source named '${source}' (sources: ${names.join(', ') || 'none'})`);
}
