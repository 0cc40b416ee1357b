/**
 * A training run as `synfire train` performs it (Node): data, initial weights, per-epoch orders, online training
 * in chunks, evaluation every half epoch and at the end, metrics.jsonl, atomic checkpoints and bit-identical
 * --resume. The schedule depends only on (epoch, offset): chunk sizes and thread counts never change results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { EncodedDataset, FusedTrainer, NbpMetrics, NbpShape, NbpWeights, Semantics } from '../nbp/types.ts';
import { loadDataset } from '../data/load.ts';
import type { DatasetName } from '../data/preprocess.ts';
import { weightsFrom } from '../nbp/algorithm.ts';
import { glorotInit } from '../nbp/init.ts';
import { epochOrder, replicaSeed } from '../nbp/prng.ts';
import { checkOrderPermutations, parseOrderJson, parseWeightsJson, requireEvenWeights } from './weights-json.ts';
import {
  configDifferences,
  fileSha256,
  hasCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
  type DatasetIdentity,
  type RunConfig,
  type RunProgress,
} from './checkpoint.ts';
import { meanSd, type MetricsRow } from '../nbp/metrics.ts';
import { appendFully, makeRunDir, writeFileAtomic, type DurableFs } from './durable.ts';
import { lockRunDir, removeOrphanedTemporaries } from './run-lock.ts';
import type { RemedySettings } from '../nbp/remedies.ts';
import type { ProgressSink } from './progress.ts';

/** Hidden units of the nBP network (nbp.md §1.1). */
export const HIDDEN = 400;
/** Output units (classes). */
export const OUTPUTS = 10;
/** Samples per train() call: small enough for a lively progress bar, large enough to keep the host quiet. */
export const CHUNK = 5000;

/** What a run needs (the train command fills it from the command line). */
export interface RunOptions {
  dataset?: DatasetName;
  dataDir?: string;
  epochs?: number;
  samples?: number;
  seed?: number;
  /** 'fused' (default) or 'circuit'; on --resume, the checkpoint's. */
  engine?: string;
  semantics?: Semantics;
  replicas?: number;
  initWeights?: string;
  order?: string;
  /** Accept --order epochs that present a subset of the training set or repeat samples (default: permutations only). */
  orderSubsets?: boolean;
  /** Load a format-1 checkpoint (no checksums) on --resume. */
  acceptUnverified?: boolean;
  /** File-system calls for checkpoints and metrics (tests inject failing ones). */
  fs?: DurableFs;
  out: string;
  resume: boolean;
  remedies?: RemedySettings;
  /** Creates the trainer once the run's options are known. */
  createTrainer(options: {
    engine: string;
    shape: NbpShape;
    semantics: Semantics;
    train: EncodedDataset;
    initial: NbpWeights[];
    remedies?: RemedySettings;
    samplesDone?: number;
  }): Promise<FusedTrainer>;
  progress: ProgressSink;
  /** Extra fields recorded in DIR/config.json and on every metrics line (backend, ...); read after createTrainer. */
  describe?: Record<string, string | number | null>;
}

/** One line of DIR/metrics.jsonl (one per replica per evaluation): the row type of src/nbp/metrics.ts. */
export type MetricsLine = MetricsRow;

/** The outcome of a run. */
export interface RunResult {
  samples: number;
  /** Seed of each replica. */
  seeds: number[];
  final: NbpMetrics[] | null;
  interrupted: boolean;
}

/** The run's fixed parts, derived from options or the checkpoint. */
interface Plan {
  config: RunConfig;
  epochs: number;
  train: EncodedDataset;
  test: EncodedDataset;
  orders: Uint32Array[] | null;
  initial: NbpWeights[];
  progress: RunProgress;
}

function need<T>(v: T | undefined, flag: string): T {
  if (v === undefined) throw new Error(`${flag} is required (or --resume with a checkpoint in --out)`);
  return v;
}

/** SHA-256 of an encoded dataset's samples and labels (independent of how the files are compressed). */
export function datasetSha256(d: EncodedDataset): string {
  const h = createHash('sha256');
  h.update(`${d.n} ${d.nIn}\n`);
  h.update(d.x.subarray(0, d.n * d.nIn));
  h.update(d.labels.subarray(0, d.n));
  return h.digest('hex');
}

/** The identity of a run's data, recorded in config.json and checkpoints and checked on --resume. */
export function datasetIdentity(train: EncodedDataset, test: EncodedDataset): DatasetIdentity {
  return { train: { n: train.n, sha256: datasetSha256(train) }, test: { n: test.n, sha256: datasetSha256(test) } };
}

/**
 * Step 1, prepare and validate: the run's fixed parts from the options and, on --resume, the checkpoint (its
 * configuration must match the options and the data); a new run starts from --init-weights or the Glorot init.
 */
function plan(o: RunOptions): Plan {
  const ckpt = openOrResume(o);
  const dataset = (o.dataset ?? ckpt?.config.dataset) as DatasetName | undefined;
  const name = need(dataset, '--dataset');
  const train = loadDataset(name, 'train', o.dataDir ? { dataDir: o.dataDir } : {});
  const test = loadDataset(name, 'test', o.dataDir ? { dataDir: o.dataDir } : {});
  const shape: NbpShape = { nIn: train.nIn, nHid: HIDDEN, nOut: OUTPUTS };
  const semantics = o.semantics ?? ckpt?.config.semantics ?? 'loihi';
  const seed = need(o.seed ?? ckpt?.config.seed, '--seed');
  const replicas = o.replicas ?? ckpt?.config.replicas ?? 1;
  const epochs = need(o.epochs ?? ckpt?.epochs, '--epochs');

  const initPair = o.initWeights ? readInitWeights(o.initWeights, shape, semantics) : null;
  const orders = o.order ? readOrders(o.order, train.n, epochs, !!o.orderSubsets) : null;
  const data = datasetIdentity(train, test);
  const config: RunConfig = {
    dataset: name,
    engine: o.engine ?? ckpt?.config.engine ?? 'fused',
    semantics,
    seed,
    replicas,
    shape,
    trainSize: train.n,
    // Resuming needs no --init-weights (the weights come from the checkpoint), but the same --order.
    initWeightsSha256: o.initWeights ? fileSha256(o.initWeights) : (ckpt?.config.initWeightsSha256 ?? null),
    orderSha256: o.order ? fileSha256(o.order) : null,
    remedies: o.remedies ?? ckpt?.config.remedies ?? null,
    data,
  };
  if (ckpt) {
    checkResumable(o, ckpt, config, data, name);
    return { config, epochs, train, test, orders, initial: ckpt.replicas.map((r) => r.weights), progress: ckpt.progress };
  }
  const initial = Array.from({ length: replicas }, (_, r) =>
    initPair ? weightsFrom(initPair.W1, initPair.W2) : glorotInit(shape, replicaSeed(seed, r)),
  );
  return { config, epochs, train, test, orders, initial, progress: { samples: 0, epoch: 0, offset: 0 } };
}

/**
 * Step 2, open or resume: the checkpoint to continue from (--resume and one in --out), or null for a new run. Without
 * --resume, a run directory that already holds a checkpoint is refused (its progress named when it can be read).
 */
function openOrResume(o: RunOptions): Checkpoint | null {
  const readOpts = { acceptUnverified: !!o.acceptUnverified, warn: (l: string) => o.progress.log(l) };
  const ckpt: Checkpoint | null = o.resume && hasCheckpoint(o.out) ? readCheckpoint(o.out, readOpts) : null;
  if (!o.resume && hasCheckpoint(o.out)) {
    let what = '';
    try {
      what = ` (${readCheckpoint(o.out, { acceptUnverified: true, warn: () => {} }).progress.samples} samples per replica)`;
    } catch (err) {
      what = ` (its checkpoint is unreadable: ${(err as Error).message})`;
    }
    throw new Error(`${o.out} already holds a training run${what}; pass --resume to continue it or choose another --out`);
  }
  if (o.resume && !ckpt) o.progress.log(`no checkpoint in ${o.out}: starting a new run`);
  return ckpt;
}

/** The --init-weights file: the shape's W1 and W2 (even values under Loihi semantics). */
function readInitWeights(file: string, shape: NbpShape, semantics: Semantics): { W1: Int32Array; W2: Int32Array } {
  const pair = parseWeightsJson(readText(file, '--init-weights'), file, shape);
  if (semantics === 'loihi') requireEvenWeights(pair, file);
  return pair;
}

/** The --order file: at least `epochs` epochs of training-set indices (permutations unless `allowSubsets`). */
function readOrders(file: string, trainN: number, epochs: number, allowSubsets: boolean): Uint32Array[] {
  const orders = parseOrderJson(readText(file, '--order'), file, trainN, { allowSubsets: true });
  if (orders.length < epochs) throw new Error(`${file}: has ${orders.length} epoch(s), --epochs asks for ${epochs}`);
  if (!allowSubsets) checkOrderPermutations(orders, file, trainN);
  return orders;
}

/** Refuses to --resume when the --order file is missing, the data differ, or the configuration changed. */
function checkResumable(o: RunOptions, ckpt: Checkpoint, config: RunConfig, data: DatasetIdentity, name: DatasetName): void {
  if (ckpt.config.orderSha256 && !o.order)
    throw new Error(`cannot --resume ${o.out}: the run used an --order file (sha256 ${ckpt.config.orderSha256}); pass the same --order FILE`);
  const saved = ckpt.config.data;
  if (!saved) {
    o.progress.log(
      `warning: ${o.out}: the checkpoint does not record its data's identity (written by an older synfire); recording the current data's`,
    );
  } else {
    for (const split of ['train', 'test'] as const) {
      if (saved[split].n !== data[split].n || saved[split].sha256 !== data[split].sha256) {
        const where = o.dataDir ? `--data-dir ${o.dataDir}` : `the default ${name} files`;
        throw new Error(
          `cannot --resume ${o.out}: ${where} holds different ${split} data than the run was trained on ` +
            `(${saved[split].n} samples, sha256 ${saved[split].sha256.slice(0, 16)}… → ${data[split].n} samples, sha256 ${data[split].sha256.slice(0, 16)}…); pass the run's --data-dir`,
        );
      }
    }
  }
  const diff = configDifferences({ ...ckpt.config, data }, config);
  if (diff.length) throw new Error(`cannot --resume ${o.out}: the checkpoint was made with a different configuration (${diff.join('; ')})`);
}

/** Reads a file named by a flag; errors name the flag, the file and the cause. */
function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${flag} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Drops metrics lines written after the checkpoint (a crash between the two writes), so resumed runs append
 * cleanly. The shortened file replaces the old one atomically (a full disk keeps the old one).
 */
function truncateMetrics(file: string, samples: number, io?: DurableFs): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const keep = text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      // Only the sample count decides: a complete line is never dropped for other reasons.
      const row = JSON.parse(line) as { samples?: unknown };
      return typeof row.samples === 'number' && row.samples <= samples;
    } catch {
      return false; // a line torn by a crash mid-append
    }
  });
  const next = keep.map((l) => l + '\n').join('');
  if (next !== text) writeFileAtomic(file, next, io);
}

/** Formats the final table: one row per metric, per replica and mean ± sd. */
export function accuracyTable(metrics: NbpMetrics[], seeds: number[]): string {
  const keys: Array<keyof NbpMetrics> = ['acc_spikes', 'acc_membrane', 'acc_exact', 'mse', 'silent'];
  const pct = (k: keyof NbpMetrics, v: number) => (k === 'mse' ? v.toFixed(4) : `${(100 * v).toFixed(2)}%`);
  const head = ['metric', ...seeds.map((s) => `seed ${s}`), 'mean ± sd'];
  const rows = keys.map((k) => {
    const vals = metrics.map((m) => m[k]);
    const { mean, sd } = meanSd(vals);
    const ms = k === 'mse' ? `${mean.toFixed(4)} ± ${sd.toFixed(4)}` : `${(100 * mean).toFixed(2)} ± ${(100 * sd).toFixed(2)}%`;
    return [k, ...vals.map((v) => pct(k, v)), ms];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

/**
 * Runs (or resumes) training; resolves when done, stopped by --samples, or interrupted (SIGINT). Holds the run
 * directory's exclusive lock throughout and first removes temporary files orphaned by killed runs.
 */
export async function runTraining(o: RunOptions): Promise<RunResult> {
  makeRunDir(o.out);
  const lock = lockRunDir(o.out, (line) => o.progress.log(line));
  try {
    const orphans = removeOrphanedTemporaries(o.out);
    if (orphans.length) o.progress.log(`${o.out}: removed ${orphans.length} temporary file(s) left by an interrupted run (${orphans.join(', ')})`);
    return await trainLocked(o);
  } finally {
    lock.release();
  }
}

/** Where training stands: samples per replica done, the epoch, and the offset in that epoch's order. */
interface Cursor {
  done: number;
  epoch: number;
  offset: number;
}

/** The run's schedule: replica seeds, each epoch's length, and the sample count at which training stops. */
interface Schedule {
  seeds: number[];
  epochLen(e: number): number;
  stopAt: number;
}

/** Everything the training steps share. */
interface Session {
  o: RunOptions;
  p: Plan;
  s: Schedule;
  trainer: FusedTrainer;
  metricsFile: string;
  /** Writes DIR/checkpoint.json at the cursor's position. */
  save(): Promise<void>;
}

async function trainLocked(o: RunOptions): Promise<RunResult> {
  const p = plan(o);
  const s = schedule(o, p);
  const metricsFile = join(o.out, 'metrics.jsonl');
  truncateMetrics(metricsFile, p.progress.samples, o.fs);
  const trainer = await openTrainer(o, p);
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    o.progress.log('interrupt: finishing the current chunk and writing a checkpoint (Ctrl-C again to abort)');
  };
  process.once('SIGINT', onSigint);
  const at: Cursor = { done: p.progress.samples, epoch: p.progress.epoch, offset: p.progress.offset };
  try {
    const session: Session = { o, p, s, trainer, metricsFile, save: () => saveCheckpoint(o, p, s.seeds, trainer, at) };
    if (at.done >= s.stopAt) {
      o.progress.log(`${o.out}: already at ${at.done} samples per replica (stop at ${s.stopAt}); nothing to train`);
      const final = await trainer.evaluate(p.test);
      return { samples: at.done, seeds: s.seeds, final, interrupted: false };
    }
    const final = await trainEpochs(session, at, () => interrupted);
    return await finish(session, at, final, interrupted);
  } finally {
    process.removeListener('SIGINT', onSigint);
    o.progress.stop();
    trainer.dispose();
  }
}

/** The schedule from the plan: every epoch's length (the --order file's, or the training set's) and --samples. */
function schedule(o: RunOptions, p: Plan): Schedule {
  const seeds = Array.from({ length: p.config.replicas }, (_, r) => replicaSeed(p.config.seed, r));
  const epochLen = (e: number) => (p.orders ? p.orders[e]!.length : p.train.n);
  let total = 0;
  for (let e = 0; e < p.epochs; e++) total += epochLen(e);
  const stopAt = Math.min(total, o.samples ?? Infinity);
  if (o.samples !== undefined && o.samples > total) {
    o.progress.log(`--samples ${o.samples} is more than ${p.epochs} epoch(s) hold (${total} samples per replica); training stops at ${total}`);
  }
  return { seeds, epochLen, stopAt };
}

/** Creates the trainer and records DIR/config.json (the trainer is disposed of when that write fails). */
async function openTrainer(o: RunOptions, p: Plan): Promise<FusedTrainer> {
  const { config } = p;
  const trainer = await o.createTrainer({
    engine: config.engine,
    shape: config.shape,
    semantics: config.semantics,
    train: p.train,
    initial: p.initial,
    ...(config.remedies ? { remedies: config.remedies, samplesDone: p.progress.samples } : {}),
  });
  try {
    writeFileAtomic(
      join(o.out, 'config.json'),
      JSON.stringify({ ...config, epochs: p.epochs, samples: o.samples ?? null, ...o.describe }, null, 2) + '\n',
      o.fs,
    );
  } catch (err) {
    trainer.dispose();
    throw err;
  }
  return trainer;
}

/** Writes DIR/checkpoint.json: every replica's weights at the cursor's position. */
async function saveCheckpoint(o: RunOptions, p: Plan, seeds: number[], trainer: FusedTrainer, at: Cursor): Promise<void> {
  const weights = await Promise.all(seeds.map((_, r) => trainer.getWeights(r)));
  writeCheckpoint(
    o.out,
    {
      config: p.config,
      progress: { samples: at.done, epoch: at.epoch, offset: at.offset },
      epochs: p.epochs,
      replicas: weights.map((w, r) => ({ replica: r, seed: seeds[r]!, weights: w })),
      savedAt: new Date().toISOString(),
      version: String(o.describe?.version ?? ''),
    },
    o.fs ? { fs: o.fs } : {},
  );
}

/**
 * Step 3, the epoch loop: trains in chunks of at most CHUNK samples that never cross a half-epoch boundary,
 * evaluating (and checkpointing) at each boundary and at the stop, until the stop or an interrupt. Returns the
 * last evaluation's metrics (null when none was made).
 */
async function trainEpochs(session: Session, at: Cursor, interrupted: () => boolean): Promise<NbpMetrics[] | null> {
  const { o, p, s, trainer } = session;
  let final: NbpMetrics[] | null = null;
  let orderEpoch = -1;
  let epochOrders: Uint32Array[] = [];
  let trainTime = 0;
  let sinceEval = 0;
  o.progress.start(s.stopAt, at.done);
  while (at.done < s.stopAt && !interrupted()) {
    const e = at.epoch;
    const len = s.epochLen(e);
    if (orderEpoch !== e) {
      epochOrders = s.seeds.map((seed) => (p.orders ? p.orders[e]! : epochOrder(p.train.n, seed, e)));
      orderEpoch = e;
    }
    const k = at.offset;
    const half = Math.floor(len / 2);
    const nextEval = k < half ? half : len;
    const n = Math.min(CHUNK, nextEval - k, s.stopAt - at.done);
    const t0 = performance.now();
    await trainer.train(epochOrders.map((ord) => ord.subarray(k, k + n)));
    const dt = (performance.now() - t0) / 1000;
    trainTime += dt;
    sinceEval += n;
    at.offset += n;
    at.done += n;
    o.progress.update(at.done, n / dt, e + at.offset / len);
    if (at.offset === nextEval || at.done === s.stopAt) {
      final = await evaluateAndCheckpoint(session, at, len, trainTime > 0 ? sinceEval / trainTime : null);
      trainTime = 0;
      sinceEval = 0;
    } else if (at.offset === len) {
      at.epoch++;
      at.offset = 0;
    }
  }
  return final;
}

/**
 * Step 4, evaluate and checkpoint: evaluates every replica on the test set, appends one metrics.jsonl line per
 * replica (its position before an epoch's end moves the cursor to the next epoch), writes the checkpoint and logs
 * the accuracy. `rate` is the training rate since the last evaluation (samples/s per replica).
 */
async function evaluateAndCheckpoint(session: Session, at: Cursor, len: number, rate: number | null): Promise<NbpMetrics[]> {
  const { o, p, trainer } = session;
  const { config } = p;
  const R = config.replicas;
  const t1 = performance.now();
  const final = await trainer.evaluate(p.test);
  const evalRate = (R * p.test.n) / ((performance.now() - t1) / 1000);
  const lines = final.map(
    (m, r): MetricsLine => ({
      replica: r,
      seed: session.s.seeds[r]!,
      epoch: Number((at.epoch + at.offset / len).toFixed(6)),
      samples: at.done,
      ...m,
      train_samples_per_s: rate,
      train_samples_per_s_total: rate === null ? null : rate * R,
      eval_samples_per_s: evalRate,
      semantics: config.semantics,
      engine: config.engine,
      ...o.describe,
    }),
  );
  if (at.offset === len) {
    at.epoch++;
    at.offset = 0;
  }
  appendFully(session.metricsFile, lines.map((l) => JSON.stringify(l) + '\n').join(''), o.fs);
  await session.save();
  const { mean, sd } = meanSd(final.map((m) => m.acc_spikes));
  const memb = meanSd(final.map((m) => m.acc_membrane));
  o.progress.log(
    `epoch ${lines[0]!.epoch.toFixed(2)} (${at.done} samples): acc_spikes ${(100 * mean).toFixed(2)}%${R > 1 ? ` ± ${(100 * sd).toFixed(2)}` : ''}, acc_membrane ${(100 * memb.mean).toFixed(2)}%, ${Math.round(rate ?? 0)} train samples/s per replica`,
  );
  return final;
}

/** Step 5, finish: an interrupted run writes its checkpoint (to continue with --resume); the run's outcome. */
async function finish(session: Session, at: Cursor, final: NbpMetrics[] | null, interrupted: boolean): Promise<RunResult> {
  const stopped = interrupted && at.done < session.s.stopAt;
  if (stopped) {
    await session.save();
    session.o.progress.log(`interrupted at ${at.done} samples per replica; checkpoint written, continue with --resume`);
  }
  return { samples: at.done, seeds: session.s.seeds, final, interrupted: stopped };
}
