/**
 * The backend contract: the CPU reference (the oracle), the wasm engine and the WebGPU backend implement it and
 * must give the same spikes, the same u/v and the same weights, bit for bit.
 */
import type { Network } from '../network/types.ts';

/** What to record while running. Recording stays inside the backend until read. */
export interface RecordingOptions {
  /** Groups whose spikes are recorded at every step ('all' = every group). Default: none. */
  spikes?: string[] | 'all';
  /** Groups whose u and v are recorded at `stateSteps`. Default: none. */
  state?: string[] | 'all';
  /** Absolute steps (0-based, strictly increasing) at which u and v are recorded (after the spike reset). */
  stateSteps?: number[];
}

/** Options for creating a simulation. */
export interface SimulationOptions {
  /** R independent copies advanced together (own state, own inputs, optionally own weights). Default 1. */
  replicas?: number;
  recording?: RecordingOptions;
  /** WebGPU: steps encoded per queue submit (default: automatic). Forced to 1 in some tests. */
  stepsPerSubmit?: number;
}

/** Recorded results of one replica. */
export interface ReplicaRecording {
  /** Per group: spikes as [step, index] pairs sorted by step then index. */
  spikes: Record<string, Array<[number, number]>>;
  /** Per group: one Int32Array of u per recorded step (in `stateSteps` order). */
  u: Record<string, Int32Array[]>;
  /** Per group: one Int32Array of v per recorded step. */
  v: Record<string, Int32Array[]>;
}

/** A running network on some backend. */
export interface Simulation {
  readonly backend: 'cpu' | 'webgpu' | 'wasm';
  readonly replicas: number;
  /** Number of steps simulated so far (the next step to run has this number). */
  readonly currentStep: number;
  /** Schedules spikes of a source at absolute future steps (>= currentStep), for one replica or all (undefined). */
  injectSpikes(source: string, spikes: ReadonlyArray<readonly [number, number]>, replica?: number): void;
  /** Advances every replica by `steps` timesteps. */
  run(steps: number): Promise<void>;
  /** Returns what has been recorded so far, per replica. */
  readRecording(): Promise<ReplicaRecording[]>;
  /** Drops recorded data (to keep memory bounded in long runs). */
  clearRecording(): void;
  /** Current stored (quantized) weights of a projection for one replica, in its description layout. */
  readWeights(projection: string, replica?: number): Promise<Int32Array>;
  /** Replaces a projection's raw weights (quantized as at load) for one replica or all. */
  writeWeights(projection: string, weights: ArrayLike<number>, replica?: number): Promise<void>;
  /** Current u and v of a group for one replica. */
  readState(group: string, replica?: number): Promise<{ u: Int32Array; v: Int32Array }>;
  /** Counters for benchmarks: dispatches and submits issued so far (WebGPU), synaptic events delivered. */
  stats(): SimulationStats;
  /** Releases resources. */
  dispose(): void;
}

/** Work counters of a simulation. */
export interface SimulationStats {
  steps: number;
  dispatches: number;
  submits: number;
  readbacks: number;
  /** Synaptic events (spike × outgoing synapse) delivered so far, summed over replicas; -1 if not counted. */
  synapticEvents: number;
}

/** Creates simulations of a network. */
export interface Backend {
  readonly name: 'cpu' | 'webgpu' | 'wasm';
  create(network: Network, options?: SimulationOptions): Promise<Simulation>;
}
