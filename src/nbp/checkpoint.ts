/**
 * Training checkpoints (Node): DIR/checkpoint.json holds the run's configuration, its progress and the weights
 * of every replica. It is written to a temporary file, flushed, then renamed over the old one, so a crash at any
 * moment leaves either the previous or the new checkpoint, never a torn one.
 *
 * Weights are stored as base64 of little-endian int16 (all Loihi weights fit), row-major, in the shapes of
 * ./types.ts (W1 nIn×nHid, W2/P/M nHid×nOut).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { NbpShape, NbpWeights, Semantics } from './types.ts';
import type { RemedySettings } from './remedies.ts';

/** The checkpoint file name inside a run directory. */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'synfire-nbp-checkpoint';
const VERSION = 1;

/** What fixes a run's results; --resume refuses a checkpoint whose config differs. */
export interface RunConfig {
  dataset: string;
  engine: string;
  semantics: Semantics;
  seed: number;
  replicas: number;
  shape: NbpShape;
  /** Size of the training set the orders index into. */
  trainSize: number;
  /** SHA-256 of the --init-weights file, or null for the seeded Glorot init. */
  initWeightsSha256: string | null;
  /** SHA-256 of the --order file, or null for the seeded shuffles. */
  orderSha256: string | null;
  remedies: RemedySettings | null;
}

/** Where training stands: total samples trained per replica, and the same as (epoch, offset within it). */
export interface RunProgress {
  samples: number;
  epoch: number;
  offset: number;
}

/** One replica's saved state. */
export interface ReplicaState {
  replica: number;
  /** The seed its init and shuffles derive from (run seed + replica). */
  seed: number;
  weights: NbpWeights;
}

/** A checkpoint. */
export interface Checkpoint {
  config: RunConfig;
  progress: RunProgress;
  /** The --epochs of the run that wrote it (informational: resume may change it). */
  epochs: number;
  replicas: ReplicaState[];
  savedAt: string;
  version: string;
}

function encode(a: Int32Array): string {
  const buf = Buffer.alloc(a.length * 2);
  for (let i = 0; i < a.length; i++) buf.writeInt16LE(a[i]!, 2 * i);
  return buf.toString('base64');
}

function decode(s: unknown, n: number, where: string): Int32Array {
  if (typeof s !== 'string') throw new Error(`${where}: expected base64 text`);
  const buf = Buffer.from(s, 'base64');
  if (buf.length !== n * 2) throw new Error(`${where}: ${buf.length / 2} weights, expected ${n}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}

/** Writes DIR/checkpoint.json atomically (temp file, fsync, rename, fsync of the directory). */
export function writeCheckpoint(dir: string, ckpt: Checkpoint): void {
  mkdirSync(dir, { recursive: true });
  const json = {
    format: FORMAT,
    formatVersion: VERSION,
    ...ckpt,
    replicas: ckpt.replicas.map((r) => ({
      replica: r.replica,
      seed: r.seed,
      W1: encode(r.weights.W1),
      W2: encode(r.weights.W2),
      P: encode(r.weights.P),
      M: encode(r.weights.M),
    })),
  };
  const final = join(dir, CHECKPOINT_FILE);
  const tmp = join(dir, `.${CHECKPOINT_FILE}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(json));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directory fsync is not supported everywhere; the rename itself is atomic.
  }
}

/** True if DIR holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

/** Reads and validates DIR/checkpoint.json; errors name the file and the field. */
export function readCheckpoint(dir: string): Checkpoint {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new Error(`${file} not found: is '${dir}' a training run directory (synfire train --out DIR)?`);
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (obj.format !== FORMAT) throw new Error(`${file}: not a synfire nBP checkpoint (format ${JSON.stringify(obj.format)})`);
  if (obj.formatVersion !== VERSION) throw new Error(`${file}: checkpoint format version ${JSON.stringify(obj.formatVersion)} is not supported (expected ${VERSION})`);
  const config = obj.config as RunConfig;
  const shape = config?.shape;
  if (!shape || ![shape.nIn, shape.nHid, shape.nOut].every((v) => Number.isInteger(v) && v > 0)) throw new Error(`${file}: config.shape is missing or invalid`);
  const progress = obj.progress as RunProgress;
  if (!progress || !Number.isInteger(progress.samples) || !Number.isInteger(progress.epoch) || !Number.isInteger(progress.offset)) {
    throw new Error(`${file}: progress is missing or invalid`);
  }
  const reps = obj.replicas;
  if (!Array.isArray(reps) || reps.length !== config.replicas) throw new Error(`${file}: expected ${config.replicas} replicas`);
  const n1 = shape.nIn * shape.nHid;
  const n2 = shape.nHid * shape.nOut;
  const replicas = reps.map((r: Record<string, unknown>, i): ReplicaState => ({
    replica: i,
    seed: Number(r.seed),
    weights: {
      W1: decode(r.W1, n1, `${file}: replicas[${i}].W1`),
      W2: decode(r.W2, n2, `${file}: replicas[${i}].W2`),
      P: decode(r.P, n2, `${file}: replicas[${i}].P`),
      M: decode(r.M, n2, `${file}: replicas[${i}].M`),
    },
  }));
  return { config, progress, epochs: Number(obj.epochs), replicas, savedAt: String(obj.savedAt), version: String(obj.version) };
}

/** Lists the fields in which two configs differ, as "field: old → new". */
export function configDifferences(saved: RunConfig, now: RunConfig): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(saved), ...Object.keys(now)]) as Set<keyof RunConfig>;
  for (const k of keys) {
    const a = JSON.stringify(saved[k] ?? null);
    const b = JSON.stringify(now[k] ?? null);
    if (a !== b) out.push(`${k}: ${a} → ${b}`);
  }
  return out;
}

/**
 * SHA-256 of a matrix's values: the hex digest of its entries as little-endian int32, row-major (numpy:
 * hashlib.sha256(W.astype('<i4').tobytes()).hexdigest()).
 */
export function weightsSha256(a: Int32Array): string {
  const buf = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) buf.writeInt32LE(a[i]!, 4 * i);
  return createHash('sha256').update(buf).digest('hex');
}

/** SHA-256 of a file's bytes (recorded for --init-weights and --order). */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
