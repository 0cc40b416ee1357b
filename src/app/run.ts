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

/** One line of DIR/metrics.jsonl (one per replica per evaluation): the row type of ./metrics.ts. */
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

function plan(o: RunOptions): Plan {
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
  const dataset = (o.dataset ?? ckpt?.config.dataset) as DatasetName | undefined;
  const name = need(dataset, '--dataset');
  const train = loadDataset(name, 'train', o.dataDir ? { dataDir: o.dataDir } : {});
  const test = loadDataset(name, 'test', o.dataDir ? { dataDir: o.dataDir } : {});
  const shape: NbpShape = { nIn: train.nIn, nHid: HIDDEN, nOut: OUTPUTS };
  const semantics = o.semantics ?? ckpt?.config.semantics ?? 'loihi';
  const seed = need(o.seed ?? ckpt?.config.seed, '--seed');
  const replicas = o.replicas ?? ckpt?.config.replicas ?? 1;
  const epochs = need(o.epochs ?? ckpt?.epochs, '--epochs');

  let initPair: { W1: Int32Array; W2: Int32Array } | null = null;
  if (o.initWeights) {
    const pair = parseWeightsJson(readText(o.initWeights, '--init-weights'), o.initWeights, shape);
    if (semantics === 'loihi') requireEvenWeights(pair, o.initWeights);
    initPair = pair;
  }
  let orders: Uint32Array[] | null = null;
  if (o.order) {
    orders = parseOrderJson(readText(o.order, '--order'), o.order, train.n, { allowSubsets: true });
    if (orders.length < epochs) throw new Error(`${o.order}: has ${orders.length} epoch(s), --epochs asks for ${epochs}`);
    if (!o.orderSubsets) checkOrderPermutations(orders, o.order, train.n);
  }
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
    return { config, epochs, train, test, orders, initial: ckpt.replicas.map((r) => r.weights), progress: ckpt.progress };
  }
  const initial = Array.from({ length: replicas }, (_, r) =>
    initPair ? weightsFrom(initPair.W1, initPair.W2) : glorotInit(shape, replicaSeed(seed, r)),
  );
  return { config, epochs, train, test, orders, initial, progress: { samples: 0, epoch: 0, offset: 0 } };
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

async function trainLocked(o: RunOptions): Promise<RunResult> {
  const p = plan(o);
  const { config, train, test } = p;
  const R = config.replicas;
  const seeds = Array.from({ length: R }, (_, r) => replicaSeed(config.seed, r));
  const epochLen = (e: number) => (p.orders ? p.orders[e]!.length : train.n);
  let total = 0;
  for (let e = 0; e < p.epochs; e++) total += epochLen(e);
  const stopAt = Math.min(total, o.samples ?? Infinity);
  if (o.samples !== undefined && o.samples > total) {
    o.progress.log(`--samples ${o.samples} is more than ${p.epochs} epoch(s) hold (${total} samples per replica); training stops at ${total}`);
  }
  const metricsFile = join(o.out, 'metrics.jsonl');
  truncateMetrics(metricsFile, p.progress.samples, o.fs);
  const trainer = await o.createTrainer({
    engine: config.engine,
    shape: config.shape,
    semantics: config.semantics,
    train,
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
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    o.progress.log('interrupt: finishing the current chunk and writing a checkpoint (Ctrl-C again to abort)');
  };
  process.once('SIGINT', onSigint);
  let { samples: done, epoch: e, offset: k } = p.progress;
  let final: NbpMetrics[] | null = null;
  try {
    const save = async () => {
      const weights = await Promise.all(seeds.map((_, r) => trainer.getWeights(r)));
      writeCheckpoint(
        o.out,
        {
          config,
          progress: { samples: done, epoch: e, offset: k },
          epochs: p.epochs,
          replicas: weights.map((w, r) => ({ replica: r, seed: seeds[r]!, weights: w })),
          savedAt: new Date().toISOString(),
          version: String(o.describe?.version ?? ''),
        },
        o.fs ? { fs: o.fs } : {},
      );
    };
    if (done >= stopAt) {
      o.progress.log(`${o.out}: already at ${done} samples per replica (stop at ${stopAt}); nothing to train`);
      final = await trainer.evaluate(test);
      return { samples: done, seeds, final, interrupted: false };
    }
    let orderEpoch = -1;
    let epochOrders: Uint32Array[] = [];
    let trainTime = 0;
    let sinceEval = 0;
    o.progress.start(stopAt, done);
    while (done < stopAt && !interrupted) {
      const len = epochLen(e);
      if (orderEpoch !== e) {
        epochOrders = seeds.map((s) => (p.orders ? p.orders[e]! : epochOrder(train.n, s, e)));
        orderEpoch = e;
      }
      const half = Math.floor(len / 2);
      const nextEval = k < half ? half : len;
      const n = Math.min(CHUNK, nextEval - k, stopAt - done);
      const t0 = performance.now();
      await trainer.train(epochOrders.map((ord) => ord.subarray(k, k + n)));
      const dt = (performance.now() - t0) / 1000;
      trainTime += dt;
      sinceEval += n;
      k += n;
      done += n;
      o.progress.update(done, n / dt, e + k / len);
      if (k === nextEval || done === stopAt) {
        const t1 = performance.now();
        final = await trainer.evaluate(test);
        const evalRate = (R * test.n) / ((performance.now() - t1) / 1000);
        const rate = trainTime > 0 ? sinceEval / trainTime : null;
        const lines = final.map(
          (m, r): MetricsLine => ({
            replica: r,
            seed: seeds[r]!,
            epoch: Number((e + k / len).toFixed(6)),
            samples: done,
            ...m,
            train_samples_per_s: rate,
            train_samples_per_s_total: rate === null ? null : rate * R,
            eval_samples_per_s: evalRate,
            semantics: config.semantics,
            engine: config.engine,
            ...o.describe,
          }),
        );
        if (k === len) {
          e++;
          k = 0;
        }
        appendFully(metricsFile, lines.map((l) => JSON.stringify(l) + '\n').join(''), o.fs);
        await save();
        const { mean, sd } = meanSd(final.map((m) => m.acc_spikes));
        const memb = meanSd(final.map((m) => m.acc_membrane));
        o.progress.log(
          `epoch ${lines[0]!.epoch.toFixed(2)} (${done} samples): acc_spikes ${(100 * mean).toFixed(2)}%${R > 1 ? ` ± ${(100 * sd).toFixed(2)}` : ''}, acc_membrane ${(100 * memb.mean).toFixed(2)}%, ${Math.round(rate ?? 0)} train samples/s per replica`,
        );
        trainTime = 0;
        sinceEval = 0;
      } else if (k === len) {
        e++;
        k = 0;
      }
    }
    if (interrupted && done < stopAt) {
      await save();
      o.progress.log(`interrupted at ${done} samples per replica; checkpoint written, continue with --resume`);
    }
    return { samples: done, seeds, final, interrupted: interrupted && done < stopAt };
  } finally {
    process.removeListener('SIGINT', onSigint);
    o.progress.stop();
    trainer.dispose();
  }
}
