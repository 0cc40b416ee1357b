/**
 * Regression check of benchmark results against a committed baseline, through ratios measured within one run
 * (WebGPU over the CPU reference, fused over circuit, ...), so that a slower or busier machine does not read as a
 * regression: both sides of a ratio slow down together. Machine-independent counters (dispatches and submits per
 * step, bytes per synapse) are compared directly. Environment-neutral: no node:* imports.
 */
import type { BenchResult } from './types.ts';

/** The numeric fields of a result that a check can read (plus `extra.<key>` for numeric extras). */
export type MetricName =
  | 'neuronStepsPerS'
  | 'synapticEventsPerS'
  | 'samplesPerS'
  | 'usPerStep'
  | 'dispatchesPerStep'
  | 'submitsPerStep'
  | 'gpuMsPerStep'
  | 'compileMs'
  | 'bytesPerSynapse'
  | `extra.${string}`;

/** Picks one result: every given field must match (sizes and extra: the listed keys only). */
export interface ResultSelector {
  benchmark: string;
  backend?: 'cpu' | 'webgpu' | 'wasm';
  environment?: 'node' | 'browser';
  sizes?: Record<string, number>;
  extra?: Record<string, string | number>;
}

/** A ratio of one metric between two results of the same run; higher means the numerator is relatively faster. */
export interface RatioCheck {
  kind: 'ratio';
  /** Stable name, e.g. "core neurons=4000: webgpu/cpu neuronStepsPerS". */
  id: string;
  metric: MetricName;
  /** The denominator's metric when it differs (e.g. per-replica rate over a one-replica benchmark's rate). */
  denominatorMetric?: MetricName;
  numerator: ResultSelector;
  denominator: ResultSelector;
  /** The baseline value of numerator/denominator. */
  baseline: number;
  /** Allowed relative fall before it counts as a regression (overrides the file's tolerance). */
  tolerance?: number;
}

/** A machine-independent counter of one result where lower is better (dispatches per step, bytes per synapse). */
export interface CounterCheck {
  kind: 'counter';
  id: string;
  metric: MetricName;
  result: ResultSelector;
  baseline: number;
  /** Allowed relative rise (default: the file's counterTolerance). */
  tolerance?: number;
}

/** A check in the baseline file. */
export type BaselineCheck = RatioCheck | CounterCheck;

/** One benchmark run by the suite that produced a baseline (and that `bench:check` runs again). */
export interface SuiteEntry {
  name: string;
  quick?: boolean;
  backends?: Array<'cpu' | 'webgpu' | 'wasm'>;
  params?: Record<string, string>;
}

/** The committed baseline file (bench/baseline.json). */
export interface Baseline {
  schema: 1;
  /** Default allowed relative fall of a ratio, e.g. 0.3 = a ratio may drop by 30 % before it fails. */
  tolerance: number;
  /** Default allowed relative rise of a counter. */
  counterTolerance: number;
  /** Where the baseline was measured (for people; never compared). */
  recorded: { date: string; version: string; commit: string | null; environment: string; adapter: string | null; machine: string };
  suite: SuiteEntry[];
  checks: BaselineCheck[];
}

/** Outcome of one check. */
export interface CheckOutcome {
  id: string;
  kind: 'ratio' | 'counter';
  status: 'ok' | 'regressed' | 'improved' | 'missing';
  baseline: number;
  current: number | null;
  /** current / baseline (null when missing). */
  change: number | null;
  tolerance: number;
  /** One line for people, e.g. "fell by 41.2 % (0.812 -> 0.477, tolerance 30 %)". */
  message: string;
}

/** Outcome of a whole comparison. */
export interface Comparison {
  outcomes: CheckOutcome[];
  regressions: CheckOutcome[];
  missing: CheckOutcome[];
  /** True when nothing regressed and (unless allowed) nothing is missing. */
  passed: boolean;
}

/** Reads a metric of a result; undefined when absent, null or not a finite number. */
export function metricOf(result: BenchResult, metric: MetricName): number | undefined {
  const value = metric.startsWith('extra.') ? result.extra?.[metric.slice('extra.'.length)] : (result as unknown as Record<string, unknown>)[metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Whether a result matches a selector. */
export function matches(result: BenchResult, selector: ResultSelector): boolean {
  if (result.benchmark !== selector.benchmark) return false;
  if (selector.backend && result.backend !== selector.backend) return false;
  if (selector.environment && result.environment !== selector.environment) return false;
  for (const [key, value] of Object.entries(selector.sizes ?? {})) if (result.sizes[key] !== value) return false;
  for (const [key, value] of Object.entries(selector.extra ?? {})) if (result.extra?.[key] !== value) return false;
  return true;
}

/** Describes a selector for messages, e.g. "core webgpu neurons=4000". */
export function describeSelector(selector: ResultSelector): string {
  const parts = [selector.benchmark];
  if (selector.backend) parts.push(selector.backend);
  if (selector.environment) parts.push(selector.environment);
  for (const [k, v] of Object.entries(selector.sizes ?? {})) parts.push(`${k}=${v}`);
  for (const [k, v] of Object.entries(selector.extra ?? {})) parts.push(`${k}=${v}`);
  return parts.join(' ');
}

/** The value of a selected metric, or a message naming the selector when no or several results match. */
function selectMetric(results: readonly BenchResult[], selector: ResultSelector, metric: MetricName): number | string {
  const found = results.filter((r) => matches(r, selector));
  if (found.length === 0) return `no result matches ${describeSelector(selector)}`;
  if (found.length > 1) return `${found.length} results match ${describeSelector(selector)} (the selector must pick one)`;
  const value = metricOf(found[0]!, metric);
  if (value === undefined) return `${describeSelector(selector)} has no ${metric}`;
  return value;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const num = (x: number) => Number(x.toPrecision(4)).toString();

/** Runs one check against the results of a run. */
export function evaluateCheck(
  check: BaselineCheck,
  results: readonly BenchResult[],
  defaults: { tolerance: number; counterTolerance: number },
): CheckOutcome {
  const tolerance = check.tolerance ?? (check.kind === 'ratio' ? defaults.tolerance : defaults.counterTolerance);
  let current: number | string;
  if (check.kind === 'ratio') {
    const top = selectMetric(results, check.numerator, check.metric);
    const bottom = selectMetric(results, check.denominator, check.denominatorMetric ?? check.metric);
    if (typeof top === 'string') current = top;
    else if (typeof bottom === 'string') current = bottom;
    else current = bottom === 0 ? `${describeSelector(check.denominator)} has ${check.metric} = 0` : top / bottom;
  } else {
    current = selectMetric(results, check.result, check.metric);
  }
  const base = { id: check.id, kind: check.kind, baseline: check.baseline, tolerance };
  if (typeof current === 'string') return { ...base, status: 'missing', current: null, change: null, message: `missing: ${current}` };
  const change = check.baseline === 0 ? (current === 0 ? 1 : Infinity) : current / check.baseline;
  const range = `${num(check.baseline)} -> ${num(current)}, tolerance ${pct(tolerance)}`;
  // A change of exactly the tolerance passes, whatever the rounding of the two quotients.
  const eps = 1e-9;
  if (check.kind === 'ratio') {
    if (change < 1 - tolerance - eps) return { ...base, status: 'regressed', current, change, message: `fell by ${pct(1 - change)} (${range})` };
    if (change > 1 / (1 - tolerance) + eps)
      return { ...base, status: 'improved', current, change, message: `rose by ${pct(change - 1)} (${range}); consider updating the baseline` };
    return { ...base, status: 'ok', current, change, message: `${change >= 1 ? '+' : '-'}${pct(Math.abs(change - 1))} (${range})` };
  }
  if (change > 1 + tolerance + eps)
    return { ...base, status: 'regressed', current, change, message: `rose by ${pct(change - 1)} (${range}); lower is better` };
  if (change < 1 - tolerance - eps)
    return { ...base, status: 'improved', current, change, message: `fell by ${pct(1 - change)} (${range}); consider updating the baseline` };
  return { ...base, status: 'ok', current, change, message: `${change >= 1 ? '+' : '-'}${pct(Math.abs(change - 1))} (${range})` };
}

/** Compares a run with the baseline; missing checks fail unless `allowMissing`. */
export function compareWithBaseline(
  baseline: Pick<Baseline, 'checks' | 'tolerance' | 'counterTolerance'>,
  results: readonly BenchResult[],
  options: { tolerance?: number; allowMissing?: boolean } = {},
): Comparison {
  const defaults = { tolerance: options.tolerance ?? baseline.tolerance, counterTolerance: baseline.counterTolerance };
  const outcomes = baseline.checks.map((check) =>
    evaluateCheck(options.tolerance !== undefined && check.kind === 'ratio' ? { ...check, tolerance: options.tolerance } : check, results, defaults),
  );
  const regressions = outcomes.filter((o) => o.status === 'regressed');
  const missing = outcomes.filter((o) => o.status === 'missing');
  return { outcomes, regressions, missing, passed: regressions.length === 0 && (options.allowMissing || missing.length === 0) };
}

/** Formats a comparison for the terminal: one line per check, then a verdict naming what fell and by how much. */
export function formatComparison(comparison: Comparison): string {
  const mark = { ok: 'ok      ', improved: 'better  ', regressed: 'REGRESS ', missing: 'MISSING ' } as const;
  const width = Math.max(...comparison.outcomes.map((o) => o.id.length), 10);
  const lines = comparison.outcomes.map((o) => `${mark[o.status]}${o.id.padEnd(width)}  ${o.message}`);
  lines.push('');
  if (comparison.regressions.length) {
    lines.push(`${comparison.regressions.length} regression(s):`);
    for (const r of comparison.regressions) lines.push(`  ${r.id}: ${r.message}`);
  }
  if (comparison.missing.length) {
    lines.push(`${comparison.missing.length} check(s) without results:`);
    for (const m of comparison.missing) lines.push(`  ${m.id}: ${m.message}`);
  }
  lines.push(comparison.passed ? `bench:check passed (${comparison.outcomes.length} checks)` : 'bench:check FAILED');
  return lines.join('\n');
}

/** The throughput that ranks repeated measurements of one configuration (higher is better). */
function primaryThroughput(r: BenchResult): number {
  return r.neuronStepsPerS ?? r.samplesPerS ?? r.synapticEventsPerS ?? (r.usPerStep ? 1 / r.usPerStep : 0);
}

/**
 * Merges repeated runs of the same suite: for each configuration, the repetition with the highest throughput.
 * Load from other processes only ever slows a measurement down, so the best of a few is the steadiest estimate;
 * this matters most for software adapters, whose many threads suffer more from a busy machine than one CPU thread.
 */
export function bestOf(runs: ReadonlyArray<readonly BenchResult[]>): BenchResult[] {
  if (!runs.length) return [];
  const key = (r: BenchResult) =>
    `${r.benchmark}|${r.backend}|${r.environment}|${JSON.stringify(r.sizes)}|${typeof r.extra?.phase === 'string' ? r.extra.phase : ''}`;
  const first = runs[0]!;
  return first.map((r, i) => {
    let best = r;
    for (const run of runs.slice(1)) {
      const other = run[i];
      if (!other || key(other) !== key(r))
        throw new Error(`bestOf: repetitions differ at result ${i} (${key(r)} vs ${other ? key(other) : 'nothing'})`);
      if (primaryThroughput(other) > primaryThroughput(best)) best = other;
    }
    return best;
  });
}
