/**
 * Host scheduler for a gated network: runs Loihi-style timesteps in samples of `period` phases, injecting
 * each sample's inputs (targets, rewards, …) at the phases the circuit expects. Inputs of many samples are
 * scheduled at once and the backend then runs all their steps in one call, so a WebGPU backend can encode
 * many steps per submit; nothing is read back unless the caller asks the simulation for it.
 */
import type { Simulation } from '../backends/types.ts';
import type { PhaseClock } from './chain.ts';

/** One stream of per-sample spikes: source `source` lists `indices(sample, replica)` at `phase` of each sample. */
export interface PhaseInput {
  source: string;
  /** The phase whose step lists the spikes (they reach their targets in the next phase, or later by delay). */
  phase: number;
  /** True when every replica gets the same spikes (then `indices` is called with replica 0 only). */
  shared?: boolean;
  /** Indices of the source that spike for this sample and replica; empty for none. */
  indices(sample: number, replica: number): ArrayLike<number>;
}

/** Options of {@link PhaseScheduler.runSamples}. */
export interface RunSamplesOptions {
  /** Samples scheduled and run per `Simulation.run` call (default 64). */
  samplesPerRun?: number;
  /** Called after each run with the number of samples finished so far in this call. */
  onProgress?(done: number): void | Promise<void>;
  /**
   * Debug probes: phases (increasing) after whose step the run pauses so `onPhase` can read state. Forces one
   * sample per run and several runs per sample (slow; never for benchmarks).
   */
  probePhases?: readonly number[];
  /** Called after the step of each probe phase of each sample. */
  onPhase?(sample: number, phase: number): void | Promise<void>;
}

/** Runs a gated simulation sample by sample. Sample numbers count from 0 over the simulation's life. */
export class PhaseScheduler {
  readonly sim: Simulation;
  readonly clock: PhaseClock;
  readonly inputs: readonly PhaseInput[];

  constructor(sim: Simulation, clock: PhaseClock, inputs: readonly PhaseInput[]) {
    for (const input of inputs) {
      if (!Number.isInteger(input.phase) || input.phase < 0 || input.phase >= clock.period) {
        throw new Error(`PhaseScheduler: input '${input.source}' phase must be in 0..${clock.period - 1}, got ${input.phase}`);
      }
    }
    this.sim = sim;
    this.clock = clock;
    this.inputs = inputs;
  }

  /** The next sample slot to run (samples run so far, counting empty ones). */
  get nextSample(): number {
    return Math.max(0, this.clock.sampleOf(this.sim.currentStep));
  }

  /** Runs the kick-start steps before sample 0 if they have not run yet. */
  async start(): Promise<void> {
    const missing = this.clock.origin - this.sim.currentStep;
    if (missing > 0) await this.sim.run(missing);
  }

  /**
   * Runs `count` samples from {@link nextSample}: schedules their inputs, then advances the simulation
   * `count · period` steps, in runs of `samplesPerRun` samples.
   */
  async runSamples(count: number, options: RunSamplesOptions = {}): Promise<void> {
    if (!Number.isInteger(count) || count < 0) throw new Error(`runSamples: count must be a non-negative integer, got ${count}`);
    const perRun = options.samplesPerRun ?? 64;
    if (!Number.isInteger(perRun) || perRun < 1) throw new Error(`runSamples: samplesPerRun must be a positive integer, got ${perRun}`);
    await this.start();
    if ((this.sim.currentStep - this.clock.origin) % this.clock.period !== 0) {
      throw new Error(
        `runSamples: the simulation is at step ${this.sim.currentStep}, inside a sample (phase ${this.clock.phaseOf(this.sim.currentStep)})`,
      );
    }
    const first = this.nextSample;
    const probes = options.probePhases ?? [];
    probes.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 0 || p >= this.clock.period || (i > 0 && p <= probes[i - 1]!)) {
        throw new Error(`runSamples: probePhases must be increasing phases in 0..${this.clock.period - 1}, got [${probes.join(', ')}]`);
      }
    });
    for (let done = 0; done < count; ) {
      const n = probes.length > 0 ? 1 : Math.min(perRun, count - done);
      this.schedule(first + done, n);
      if (probes.length === 0) {
        await this.sim.run(n * this.clock.period);
      } else {
        let phase = 0;
        for (const p of probes) {
          await this.sim.run(p + 1 - phase);
          phase = p + 1;
          await options.onPhase?.(first + done, p);
        }
        await this.sim.run(this.clock.period - phase);
      }
      done += n;
      await options.onProgress?.(done);
    }
  }

  /** Injects the inputs of samples first … first+n−1. */
  private schedule(first: number, n: number): void {
    for (const input of this.inputs) {
      const replicas = input.shared ? 1 : this.sim.replicas;
      for (let r = 0; r < replicas; r++) {
        const spikes: Array<[number, number]> = [];
        for (let k = first; k < first + n; k++) {
          const step = this.clock.step(k, input.phase);
          const indices = input.indices(k, r);
          for (let i = 0; i < indices.length; i++) spikes.push([step, indices[i]!]);
        }
        if (spikes.length > 0) this.sim.injectSpikes(input.source, spikes, input.shared ? undefined : r);
      }
    }
  }
}
