/**
 * Test-set metrics, defined as the authors' simulation.py `inference_from_weights` computes them (nbp.md §4.2):
 * - acc_spikes: argmax of the binary outputs o = [a2 > 512] equals the label; numpy's argmax returns the FIRST
 *   maximum, so an all-silent output counts as class 0.
 * - acc_membrane: argmax of the output membrane potential a2 (first maximum wins) equals the label.
 * - acc_exact: all nOut outputs equal the one-hot target.
 * - mse: mean over samples and outputs of (o − t)², i.e. wrong output bits / (n·nOut).
 * - silent: fraction of samples with no output spike.
 * Counts are integers, so partial results from data chunks add up exactly in any order.
 */
import * as v from 'valibot';
import type { EncodedDataset, NbpMetrics, NbpShape, NbpWeights } from './types.ts';
import { BINARY_THRESHOLD, inferReference } from './algorithm.ts';
import { describeIssues } from './schema-errors.ts';

/**
 * One half-epoch evaluation of one replica: a line of DIR/metrics.jsonl as `synfire train` writes it, and the row
 * the report and the live page draw (the one metrics-row type). Lines may carry more fields (backend, version, ...).
 */
export interface MetricsRow extends NbpMetrics {
  replica: number;
  epoch: number;
  samples: number;
  /** Training rate per replica since the previous evaluation (null when nothing was trained). */
  train_samples_per_s: number | null;
  /** The replica's seed (absent in rows not written by synfire train). */
  seed?: number;
  train_samples_per_s_total?: number | null;
  eval_samples_per_s?: number;
  [key: string]: unknown;
}

const rate = v.pipe(v.number(), v.minValue(0));
const fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
/** The schema of one metrics.jsonl line (extra fields allowed). */
export const MetricsRowSchema = v.looseObject({
  replica: v.pipe(v.number(), v.integer(), v.minValue(0)),
  epoch: v.pipe(v.number(), v.minValue(0)),
  samples: v.pipe(v.number(), v.integer(), v.minValue(0)),
  acc_spikes: fraction,
  acc_membrane: fraction,
  acc_exact: fraction,
  mse: fraction,
  silent: fraction,
  train_samples_per_s: v.nullable(rate),
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  train_samples_per_s_total: v.optional(v.nullable(rate)),
  eval_samples_per_s: v.optional(rate),
});

/** Parses one metrics.jsonl line; errors name `where` (e.g. "DIR/metrics.jsonl line 3") and the field. */
export function parseMetricsLine(line: string, where: string): MetricsRow {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = v.safeParse(MetricsRowSchema, raw);
  if (!parsed.success) throw new Error(describeIssues(where, parsed.issues));
  return parsed.output as MetricsRow;
}

/** Integer tallies behind {@link NbpMetrics}; add chunk tallies with {@link addCounts}. */
export interface MetricCounts {
  n: number;
  spikes: number;
  membrane: number;
  exact: number;
  /** Σ over samples and outputs of (o − t)². */
  wrongBits: number;
  silent: number;
  nOut: number;
}

/** Empty tallies. */
export function emptyCounts(nOut: number): MetricCounts {
  return { n: 0, spikes: 0, membrane: 0, exact: 0, wrongBits: 0, silent: 0, nOut };
}

/** Adds one sample's output potentials a2 (nOut values from `offset`) with its label into `c`. */
export function countSample(c: MetricCounts, a2: ArrayLike<number>, label: number, offset = 0): void {
  const nOut = c.nOut;
  let firstSpike = -1;
  let best = 0;
  let bestV = a2[offset]!;
  let wrong = 0;
  for (let k = 0; k < nOut; k++) {
    const v = a2[offset + k]!;
    const o = v > BINARY_THRESHOLD ? 1 : 0;
    if (o && firstSpike < 0) firstSpike = k;
    if (v > bestV) {
      bestV = v;
      best = k;
    }
    if (o !== (k === label ? 1 : 0)) wrong++;
  }
  c.n++;
  if ((firstSpike < 0 ? 0 : firstSpike) === label) c.spikes++;
  if (best === label) c.membrane++;
  if (wrong === 0) c.exact++;
  if (firstSpike < 0) c.silent++;
  c.wrongBits += wrong;
}

/** Sum of two tallies. */
export function addCounts(a: MetricCounts, b: MetricCounts): MetricCounts {
  return {
    n: a.n + b.n,
    spikes: a.spikes + b.spikes,
    membrane: a.membrane + b.membrane,
    exact: a.exact + b.exact,
    wrongBits: a.wrongBits + b.wrongBits,
    silent: a.silent + b.silent,
    nOut: a.nOut,
  };
}

/** Rates from tallies. */
export function metricsFromCounts(c: MetricCounts): NbpMetrics {
  const n = Math.max(1, c.n);
  return {
    acc_spikes: c.spikes / n,
    acc_membrane: c.membrane / n,
    acc_exact: c.exact / n,
    mse: c.wrongBits / (n * c.nOut),
    silent: c.silent / n,
  };
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  if (!n) return { mean: NaN, sd: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd };
}

/** Plain per-sample evaluation with {@link inferReference} (the reference the fast engines are tested against). */
export function evaluateReference(shape: NbpShape, weights: Pick<NbpWeights, 'W1' | 'W2'>, data: EncodedDataset): NbpMetrics {
  const c = emptyCounts(shape.nOut);
  for (let s = 0; s < data.n; s++) {
    const { a2 } = inferReference(shape, weights.W1, weights.W2, data.x.subarray(s * data.nIn, (s + 1) * data.nIn));
    countSample(c, a2, data.labels[s]!);
  }
  return metricsFromCounts(c);
}
