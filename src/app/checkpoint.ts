/**
 * Training checkpoints (Node): DIR/checkpoint.json holds the run's configuration, its progress and the weights
 * of every replica. It is written to a temporary file in full (every write's byte count checked), fsynced, then
 * renamed over the old one, so a crash or a full disk at any moment leaves either the previous or the new
 * checkpoint, never a torn one; a failed write is an error naming the file and the cause (ENOSPC, EROFS, ...).
 *
 * Weights are stored as base64 of little-endian int16 (all Loihi weights fit), row-major, in the shapes of
 * src/nbp/types.ts (W1 nIn×nHid, W2/P/M nHid×nOut). Format version 2 adds SHA-256 checksums: of every matrix (the
 * {@link weightsSha256} of its values, as `synfire inspect` prints), of the config and of the progress. Loading
 * verifies them and checks every weight with the rules of --init-weights (8-bit range; even in loihi semantics).
 * Version 1 files (no checksums) are refused unless `acceptUnverified` is set (--accept-unverified), see README.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as v from 'valibot';
import type { NbpShape, NbpWeights, Semantics } from '../nbp/types.ts';
import type { RemedySettings } from '../nbp/remedies.ts';
import { validateRemedies } from '../nbp/remedies.ts';
import { WEIGHT_LIMITS } from '../nbp/cpu-engine.ts';
import { makeRunDir, writeFileAtomic, type DurableFs } from './durable.ts';
import { describeIssues } from '../nbp/schema-errors.ts';
import { jsonSyntaxError } from '../trace/json.ts';

/** The checkpoint file name inside a run directory. */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'synfire-nbp-checkpoint';
const VERSION = 2;

/** Identity of the data a run trains and evaluates on: size and SHA-256 of the encoded samples and labels. */
export interface DatasetIdentity {
  train: { n: number; sha256: string };
  test: { n: number; sha256: string };
}

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
  /** The data trained on (absent in checkpoints written before synfire recorded it). */
  data?: DatasetIdentity;
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

const MATRICES = ['W1', 'W2', 'P', 'M'] as const;
const int = (min = 0) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(Number.MAX_SAFE_INTEGER));
const sha = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'Expected a SHA-256 hex digest'));
const base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Expected base64 text'));

const ShapeSchema = v.strictObject({ nIn: int(1), nHid: int(1), nOut: int(1) });
const DataSchema = v.strictObject({
  train: v.strictObject({ n: int(1), sha256: sha }),
  test: v.strictObject({ n: int(1), sha256: sha }),
});
/** The config block of a checkpoint (also DIR/config.json's core). */
export const RunConfigSchema = v.strictObject({
  dataset: v.pipe(v.string(), v.minLength(1)),
  engine: v.picklist(['fused', 'circuit']),
  semantics: v.picklist(['loihi', 'numpy']),
  seed: int(0),
  replicas: int(1),
  shape: ShapeSchema,
  trainSize: int(1),
  initWeightsSha256: v.nullable(sha),
  orderSha256: v.nullable(sha),
  remedies: v.nullable(v.record(v.string(), v.union([v.number(), v.boolean()]))),
  data: v.optional(DataSchema),
});
const ProgressSchema = v.strictObject({ samples: int(0), epoch: int(0), offset: int(0) });
const ReplicaSchema = v.object({
  replica: int(0),
  seed: int(0),
  W1: base64,
  W2: base64,
  P: base64,
  M: base64,
  sha256: v.optional(v.strictObject({ W1: sha, W2: sha, P: sha, M: sha })),
});
const CheckpointSchema = v.object({
  format: v.literal(FORMAT),
  formatVersion: v.picklist([1, 2]),
  config: RunConfigSchema,
  progress: ProgressSchema,
  epochs: int(1),
  replicas: v.pipe(v.array(ReplicaSchema), v.minLength(1)),
  savedAt: v.string(),
  version: v.string(),
  sha256: v.optional(v.strictObject({ config: sha, progress: sha })),
});

/** Options of {@link readCheckpoint}. */
export interface ReadCheckpointOptions {
  /** Load a format-1 checkpoint (no checksums) after structural and weight checks; default: $SYNFIRE_ACCEPT_UNVERIFIED=1. */
  acceptUnverified?: boolean;
  /** Hears the warning given when an unverified checkpoint is loaded (default: stderr). */
  warn?: (line: string) => void;
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  /** File-system calls (tests inject failing ones). */
  fs?: DurableFs;
}

function encode(a: Int32Array): string {
  const buf = Buffer.alloc(a.length * 2);
  for (let i = 0; i < a.length; i++) buf.writeInt16LE(a[i]!, 2 * i);
  return buf.toString('base64');
}

function decode(s: string, n: number, where: string): Int32Array {
  const buf = Buffer.from(s, 'base64');
  if (buf.length !== n * 2) throw new Error(`${where}: ${buf.length / 2} weights, expected ${n}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}

/** JSON with object keys sorted at every level: the text the config and progress checksums are taken over. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const textSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const progressBlock = (c: Pick<Checkpoint, 'progress' | 'epochs'>, seeds: number[]) => ({ progress: c.progress, epochs: c.epochs, seeds });

/** Checks every weight against the 8-bit range and, in loihi semantics, evenness; names the first bad entry. */
export function checkWeightValues(w: NbpWeights, shape: NbpShape, semantics: Semantics, where: string): void {
  for (const name of MATRICES) {
    const a = w[name];
    const cols = name === 'W1' ? shape.nHid : shape.nOut;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const at = `${where}.${name}[${Math.floor(i / cols)}][${i % cols}] = ${x}`;
      if (x < WEIGHT_LIMITS.min || x > WEIGHT_LIMITS.max)
        throw new Error(`${at} is outside the 8-bit weight range [${WEIGHT_LIMITS.min}, ${WEIGHT_LIMITS.max}]`);
      if (semantics === 'loihi' && x % 2 !== 0) throw new Error(`${at} is odd; Loihi weights are even (LSB 2)`);
    }
  }
}

/** The JSON text of a checkpoint (format version 2, with checksums). */
export function formatCheckpoint(ckpt: Checkpoint): string {
  const json = {
    format: FORMAT,
    formatVersion: VERSION,
    config: ckpt.config,
    progress: ckpt.progress,
    epochs: ckpt.epochs,
    savedAt: ckpt.savedAt,
    version: ckpt.version,
    sha256: {
      config: textSha256(canonicalJson(ckpt.config)),
      progress: textSha256(
        canonicalJson(
          progressBlock(
            ckpt,
            ckpt.replicas.map((r) => r.seed),
          ),
        ),
      ),
    },
    replicas: ckpt.replicas.map((r) => ({
      replica: r.replica,
      seed: r.seed,
      W1: encode(r.weights.W1),
      W2: encode(r.weights.W2),
      P: encode(r.weights.P),
      M: encode(r.weights.M),
      sha256: Object.fromEntries(MATRICES.map((m) => [m, weightsSha256(r.weights[m])])),
    })),
  };
  return JSON.stringify(json);
}

/**
 * Writes DIR/checkpoint.json atomically (temp file written in full, fsync, rename, fsync of the directory). A
 * short write, ENOSPC or any other failure throws an error naming the file and the cause, and leaves the previous
 * checkpoint in place.
 */
export function writeCheckpoint(dir: string, ckpt: Checkpoint, options: WriteCheckpointOptions = {}): void {
  makeRunDir(dir);
  writeFileAtomic(join(dir, CHECKPOINT_FILE), formatCheckpoint(ckpt), options.fs);
}

/** True if DIR holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

/** Parses and verifies checkpoint text; errors name `file`, the JSON path and the problem. */
export function parseCheckpoint(text: string, file: string, options: ReadCheckpointOptions = {}): Checkpoint {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${jsonSyntaxError(text, err)}); the file is damaged`);
  }
  const head = raw as Record<string, unknown> | null;
  if (head === null || typeof head !== 'object' || head.format !== FORMAT) {
    throw new Error(`${file}: not a synfire nBP checkpoint (format ${JSON.stringify(head?.format)})`);
  }
  if (head.formatVersion !== 1 && head.formatVersion !== VERSION) {
    throw new Error(`${file}: checkpoint format version ${JSON.stringify(head.formatVersion)} is not supported (expected 1 or ${VERSION})`);
  }
  const parsed = v.safeParse(CheckpointSchema, raw);
  if (!parsed.success) throw new Error(describeIssues(file, parsed.issues));
  const obj = parsed.output;
  const verified = obj.formatVersion === VERSION;
  if (verified && (!obj.sha256 || obj.replicas.some((r) => !r.sha256)))
    throw new Error(`${file}: format version 2 checkpoint without its sha256 checksums; the file is damaged`);
  if (!verified) {
    const accept = options.acceptUnverified ?? process.env.SYNFIRE_ACCEPT_UNVERIFIED === '1';
    if (!accept) {
      throw new Error(
        `${file}: format version 1 checkpoint has no checksums, so damage to it cannot be detected; ` +
          `pass --accept-unverified (or set SYNFIRE_ACCEPT_UNVERIFIED=1) to load it anyway (a resumed run then writes a verified checkpoint)`,
      );
    }
    (options.warn ?? ((l: string) => process.stderr.write(l + '\n')))(`warning: ${file} has no checksums (format version 1); loaded unverified`);
  }
  const config = obj.config as RunConfig;
  if (config.remedies) {
    try {
      validateRemedies(config.remedies);
    } catch (err) {
      throw new Error(`${file}: $.config.remedies: ${(err as Error).message}`);
    }
  }
  if (verified && textSha256(canonicalJson(config)) !== obj.sha256!.config) {
    throw new Error(`${file}: $.config does not match its sha256 checksum; the file is damaged or was edited`);
  }
  if (obj.replicas.length !== config.replicas)
    throw new Error(`${file}: $.replicas: expected ${config.replicas} replicas (config.replicas), got ${obj.replicas.length}`);
  if (
    verified &&
    textSha256(
      canonicalJson(
        progressBlock(
          obj,
          obj.replicas.map((r) => r.seed),
        ),
      ),
    ) !== obj.sha256!.progress
  ) {
    throw new Error(`${file}: $.progress, $.epochs or the replica seeds do not match their sha256 checksum; the file is damaged or was edited`);
  }
  const shape = config.shape;
  const sizes = { W1: shape.nIn * shape.nHid, W2: shape.nHid * shape.nOut, P: shape.nHid * shape.nOut, M: shape.nHid * shape.nOut };
  const replicas = obj.replicas.map((r, i): ReplicaState => {
    if (r.replica !== i) throw new Error(`${file}: $.replicas[${i}].replica: expected ${i}, got ${r.replica}`);
    const weights = Object.fromEntries(MATRICES.map((m) => [m, decode(r[m], sizes[m], `${file}: $.replicas[${i}].${m}`)])) as unknown as NbpWeights;
    if (verified) {
      for (const m of MATRICES) {
        const got = weightsSha256(weights[m]);
        if (got !== r.sha256![m])
          throw new Error(
            `${file}: $.replicas[${i}].${m} does not match its sha256 checksum (stored ${r.sha256![m].slice(0, 12)}…, computed ${got.slice(0, 12)}…); the file is damaged`,
          );
      }
    }
    checkWeightValues(weights, shape, config.semantics, `${file}: $.replicas[${i}]`);
    return { replica: i, seed: r.seed, weights };
  });
  return { config, progress: obj.progress, epochs: obj.epochs, replicas, savedAt: obj.savedAt, version: obj.version };
}

/** Reads and verifies DIR/checkpoint.json; errors name the file, the JSON path and the problem. */
export function readCheckpoint(dir: string, options: ReadCheckpointOptions = {}): Checkpoint {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new Error(`${file} not found: is '${dir}' a training run directory (synfire train --out DIR)?`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as Error).message})`);
  }
  return parseCheckpoint(text, file, options);
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
  if (LITTLE_ENDIAN)
    return createHash('sha256')
      .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
      .digest('hex');
  const buf = Buffer.alloc(a.length * 4);
  for (let i = 0; i < a.length; i++) buf.writeInt32LE(a[i]!, 4 * i);
  return createHash('sha256').update(buf).digest('hex');
}

const LITTLE_ENDIAN = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;

/** SHA-256 of a file's bytes (recorded for --init-weights and --order). */
export function fileSha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
