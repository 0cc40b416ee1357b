/**
 * Shared types of the nBP model (nbp.md §4, nbp-circuit.md §3): shapes, weights, data, metrics and the
 * fused-trainer contract that the CPU and WGSL engines both implement, bit for bit.
 */
import type { EncodedDataset } from '../data/types.ts';

/** Which algorithm the fused engine computes. */
export type Semantics =
  /** What the chip circuit computes (nbp-circuit.md §3): backprop through W2 before the sample, a > 1024,
   * saturation at [-256, 254], P (+W2ᵀ) and M (−W2ᵀ) tracked separately. */
  | 'loihi'
  /** The authors' numpy_simulation.py: backprop through the updated W2, a > 1023, clip ±254. */
  | 'numpy';

/** Layer sizes: 400-400-10 (MNIST 20×20) or 784-400-10 (Fashion-MNIST 28×28). */
export interface NbpShape {
  nIn: number;
  nHid: number;
  nOut: number;
}

/**
 * The trainable state of one replica. Row-major, a = x·W1 as in the authors' code.
 * W1: nIn×nHid. W2: nHid×nOut. P: the +W2ᵀ copy, M: the −W2ᵀ copy, both kept as nHid×nOut
 * (in normal training P = W2 and M = −W2). The numpy semantics ignores P and M (keeps them equal to ±W2).
 */
export interface NbpWeights {
  W1: Int32Array;
  W2: Int32Array;
  P: Int32Array;
  M: Int32Array;
}

/** A binarized dataset (owned by src/data/types.ts; re-exported here for the model's users). */
export type { EncodedDataset } from '../data/types.ts';

/** Test-set metrics of one replica (nbp.md §4.2 "Readout metrics"). */
export interface NbpMetrics {
  /** argmax of output spikes (first maximum wins, so all-silent counts as class 0). */
  acc_spikes: number;
  /** argmax of the output membrane potential a2 (first maximum wins). */
  acc_membrane: number;
  /** All outputs equal the one-hot target. */
  acc_exact: number;
  /** Mean squared error between binary outputs and one-hot targets. */
  mse: number;
  /** Fraction of samples whose output layer is all silent. */
  silent: number;
}

/** A fused nBP engine: whole samples per call, many replicas, no host round-trip between samples. */
export interface FusedTrainer {
  readonly backend: 'cpu' | 'webgpu';
  readonly semantics: Semantics;
  readonly shape: NbpShape;
  readonly replicas: number;
  /** Trains each replica online (batch 1) on its own sequence of training-set indices (all the same length). */
  train(orders: ReadonlyArray<Uint32Array>): Promise<void>;
  /** Inference on a dataset for every replica. */
  evaluate(data: EncodedDataset): Promise<NbpMetrics[]>;
  /** Copies out a replica's weights. */
  getWeights(replica: number): Promise<NbpWeights>;
  /** Replaces a replica's weights. */
  setWeights(replica: number, weights: NbpWeights): Promise<void>;
  dispose(): void;
}

/** Options to create a fused trainer (CPU: createCpuFusedTrainer in src/nbp/fused-cpu.ts; WebGPU:
 * createWebgpuFusedTrainer in src/nbp/webgpu/trainer.ts). */
export interface FusedTrainerOptions {
  shape: NbpShape;
  semantics: Semantics;
  /** The training set that `train` indexes into. */
  train: EncodedDataset;
  /** Initial weights, one per replica (the replica count is its length). */
  initial: NbpWeights[];
  /** Opt-in accuracy remedies (documented in src/nbp/remedies.ts); undefined = the faithful algorithm. */
  remedies?: Readonly<Record<string, number | boolean>>;
  /** Samples per replica trained before these weights (a resumed run): continues schedules such as lr-halve. */
  samplesDone?: number;
}
