/**
 * A training run as `synfire train` performs it (Node): data, initial weights, per-epoch orders, online training
 * in chunks, evaluation every half epoch and at the end, metrics.jsonl, atomic checkpoints and bit-identical
 * --resume. The schedule depends only on (epoch, offset): chunk sizes and thread counts never change results.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncodedDataset, FusedTrainer, NbpMetrics, NbpShape, NbpWeights, Semantics } from './types.ts';
import { loadDataset } from '../data/load.ts';
import type { DatasetName } from '../data/preprocess.ts';
import { weightsFrom } from './algorithm.ts';
import { glorotInit } from './init.ts';
import { epochOrder, replicaSeed } from './prng.ts';
import { parseOrderJson, parseWeightsJson, requireEvenWeights } from './weights-json.ts';
import { configDifferences, fileSha256, hasCheckpoint, readCheckpoint, writeCheckpoint, type Checkpoint, type RunConfig, type RunProgress } from './checkpoint.ts';
import { meanSd } from './metrics.ts';
import type { RemedySettings } from './remedies.ts';
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
  out: string;
  resume: boolean;
  remedies?: RemedySettings;
  /** Creates the trainer once the run's options are known. */
  createTrainer(options: { engine: string; shape: NbpShape; semantics: Semantics; train: EncodedDataset; initial: NbpWeights[]; remedies?: RemedySettings; samplesDone?: number }): Promise<FusedTrainer>;
  progress: ProgressSink;
  /** Extra fields recorded in DIR/config.json and on every metrics line (backend, ...); read after createTrainer. */
  describe?: Record<string, string | number | null>;
}

/** One line of DIR/metrics.jsonl (one per replica per evaluation). */
export interface MetricsLine extends NbpMetrics {
  replica: number;
  seed: number;
  epoch: number;
  samples: number;
  train_samples_per_s: number | null;
  train_samples_per_s_total: number | null;
  eval_samples_per_s: number;
  [key: string]: unknown;
}

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

function plan(o: RunOptions): Plan {
  const ckpt: Checkpoint | null = o.resume && hasCheckpoint(o.out) ? readCheckpoint(o.out) : null;
  if (!o.resume && hasCheckpoint(o.out)) {
    const c = readCheckpoint(o.out);
    throw new Error(`${o.out} already holds a training run (${c.progress.samples} samples per replica); pass --resume to continue it or choose another --out`);
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
    const pair = parseWeightsJson(readFileSync(o.initWeights, 'utf8'), o.initWeights, shape);
    if (semantics === 'loihi') requireEvenWeights(pair, o.initWeights);
    initPair = pair;
  }
  let orders: Uint32Array[] | null = null;
  if (o.order) {
    orders = parseOrderJson(readFileSync(o.order, 'utf8'), o.order, train.n);
    if (orders.length < epochs) throw new Error(`${o.order}: has ${orders.length} epoch(s), --epochs asks for ${epochs}`);
  }
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
  };
  if (ckpt) {
    if (ckpt.config.orderSha256 && !o.order) throw new Error(`cannot --resume ${o.out}: the run used an --order file (sha256 ${ckpt.config.orderSha256}); pass the same --order FILE`);
    const diff = configDifferences(ckpt.config, config);
    if (diff.length) throw new Error(`cannot --resume ${o.out}: the checkpoint was made with a different configuration (${diff.join('; ')})`);
    return { config, epochs, train, test, orders, initial: ckpt.replicas.map((r) => r.weights), progress: ckpt.progress };
  }
  const initial = Array.from({ length: replicas }, (_, r) => (initPair ? weightsFrom(initPair.W1, initPair.W2) : glorotInit(shape, replicaSeed(seed, r))));
  return { config, epochs, train, test, orders, initial, progress: { samples: 0, epoch: 0, offset: 0 } };
}

/** Drops metrics lines written after the checkpoint (a crash between the two writes), so resumed runs append cleanly. */
function truncateMetrics(file: string, samples: number): void {
  if (!existsSync(file)) return;
  const keep = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => {
      try {
        return line.trim() !== '' && (JSON.parse(line) as { samples: number }).samples <= samples;
      } catch {
        return false; // a line torn by a crash mid-append
      }
    });
  writeFileSync(file, keep.map((l) => l + '\n').join(''));
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

/** Runs (or resumes) training; resolves when done, stopped by --samples, or interrupted (SIGINT). */
export async function runTraining(o: RunOptions): Promise<RunResult> {
  const p = plan(o);
  const { config, train, test } = p;
  const R = config.replicas;
  const seeds = Array.from({ length: R }, (_, r) => replicaSeed(config.seed, r));
  const epochLen = (e: number) => (p.orders ? p.orders[e]!.length : train.n);
  let total = 0;
  for (let e = 0; e < p.epochs; e++) total += epochLen(e);
  const stopAt = Math.min(total, o.samples ?? Infinity);
  mkdirSync(o.out, { recursive: true });
  const metricsFile = join(o.out, 'metrics.jsonl');
  truncateMetrics(metricsFile, p.progress.samples);
  const trainer = await o.createTrainer({ engine: config.engine, shape: config.shape, semantics: config.semantics, train, initial: p.initial, ...(config.remedies ? { remedies: config.remedies, samplesDone: p.progress.samples } : {}) });
  writeFileSync(join(o.out, 'config.json'), JSON.stringify({ ...config, epochs: p.epochs, samples: o.samples ?? null, ...o.describe }, null, 2) + '\n');
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
      writeCheckpoint(o.out, {
        config,
        progress: { samples: done, epoch: e, offset: k },
        epochs: p.epochs,
        replicas: weights.map((w, r) => ({ replica: r, seed: seeds[r]!, weights: w })),
        savedAt: new Date().toISOString(),
        version: String(o.describe?.version ?? ''),
      });
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
        const lines = final.map((m, r): MetricsLine => ({
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
        }));
        if (k === len) {
          e++;
          k = 0;
        }
        appendFileSync(metricsFile, lines.map((l) => JSON.stringify(l) + '\n').join(''));
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
