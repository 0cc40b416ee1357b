/**
 * Reads weights for `synfire eval`, `inspect` and `export` (Node): a run directory (its checkpoint.json, all
 * replicas) or a weights JSON file ({"W1", "W2"}, one replica, P and M derived).
 */
import { readFileSync, statSync } from 'node:fs';
import type { NbpShape, NbpWeights } from '../nbp/types.ts';
import { weightsFrom } from '../nbp/algorithm.ts';
import { readCheckpoint, type Checkpoint, type ReadCheckpointOptions } from './checkpoint.ts';
import { parseWeightsJson } from './weights-json.ts';

/** Weights of one or more replicas and where they came from. */
export interface WeightsSource {
  path: string;
  shape: NbpShape;
  replicas: Array<{ replica: number; seed: number | null; weights: NbpWeights }>;
  /** The checkpoint, when the source is a run directory. */
  checkpoint: Checkpoint | null;
}

/** Loads a run directory (checkpoint) or a weights JSON file. */
export function loadWeightsSource(path: string, options: ReadCheckpointOptions = {}): WeightsSource {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new Error(`${path} not found (expected a run directory or a weights JSON file)`);
  }
  if (isDir) {
    const ckpt = readCheckpoint(path, options);
    return {
      path,
      shape: ckpt.config.shape,
      replicas: ckpt.replicas.map((r) => ({ replica: r.replica, seed: r.seed, weights: r.weights })),
      checkpoint: ckpt,
    };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const pair = parseWeightsJson(text, path);
  return { path, shape: pair.shape, replicas: [{ replica: 0, seed: null, weights: weightsFrom(pair.W1, pair.W2) }], checkpoint: null };
}
