/** A small, valid training checkpoint for the checkpoint tests, with the fields a test cares about overridable. */
import type { Checkpoint } from '../src/app/checkpoint.ts';
import { glorotInit } from '../src/nbp/init.ts';
import type { NbpShape, NbpWeights } from '../src/nbp/types.ts';

export interface TestCheckpointOptions {
  /** Samples trained (progress.samples and .offset); also the seed of the default weights. Default 10. */
  samples?: number;
  semantics?: 'loihi' | 'numpy';
  shape?: NbpShape;
  trainSize?: number;
  /** Default: Glorot-style weights of `shape` drawn with seed `samples`. */
  weights?: NbpWeights;
  remedies?: Checkpoint['config']['remedies'];
}

export const TEST_SHAPE: NbpShape = { nIn: 20, nHid: 8, nOut: 3 };

export function testCheckpoint(options: TestCheckpointOptions = {}): Checkpoint {
  const samples = options.samples ?? 10;
  const shape = options.shape ?? TEST_SHAPE;
  return {
    config: {
      dataset: 'mnist',
      engine: 'fused',
      semantics: options.semantics ?? 'loihi',
      seed: 1,
      replicas: 1,
      shape,
      trainSize: options.trainSize ?? 100,
      initWeightsSha256: null,
      orderSha256: null,
      remedies: options.remedies ?? null,
    },
    progress: { samples, epoch: 0, offset: samples },
    epochs: 1,
    replicas: [{ replica: 0, seed: 1, weights: options.weights ?? glorotInit(shape, samples) }],
    savedAt: 'now',
    version: 'test',
  };
}
