/**
 * Builds baseline checks from the results of a run: which ratios and counters `bench:check` watches.
 * Environment-neutral.
 */
import type { BenchResult } from './types.ts';
import type { BaselineCheck, MetricName, ResultSelector } from './compare.ts';
import { describeSelector, matches, metricOf } from './compare.ts';

/** A ratio to watch: results of the same configuration are paired across `axis`, numerator value over denominator value. */
export interface RatioRule {
  benchmark: string;
  metric: MetricName;
  /** What differs between the two sides: the backend, or a string field of `extra` (e.g. `extra.engine`). */
  axis: 'backend' | `extra.${string}`;
  numerator: string;
  denominator: string;
  /** String fields of `extra` that identify a configuration (e.g. `phase`); other extras are outcomes, not identity. */
  extraKeys?: string[];
  /** Size keys that may differ between the two sides (e.g. a software adapter times fewer samples). */
  ignoreSizes?: string[];
  tolerance?: number;
}

/** A ratio between two benchmarks of one run, per backend (e.g. fused trainer over circuit, samples/s per replica). */
export interface CrossRatioRule {
  /** Names the check, e.g. "nbp fused/circuit training samples/s per replica". */
  name: string;
  numerator: { benchmark: string; metric: MetricName; extra?: Record<string, string> };
  denominator: { benchmark: string; metric: MetricName; extra?: Record<string, string> };
  tolerance?: number;
}

/** A lower-is-better, machine-independent counter to watch on every result of a benchmark that has it. */
export interface CounterRule {
  benchmark: string;
  metric: MetricName;
  backend?: 'cpu' | 'webgpu' | 'wasm';
  /** String fields of `extra` that identify a configuration. */
  extraKeys?: string[];
  tolerance?: number;
}

function axisValue(result: BenchResult, axis: RatioRule['axis']): string | undefined {
  if (axis === 'backend') return result.backend;
  const value = result.extra?.[axis.slice('extra.'.length)];
  return typeof value === 'string' ? value : undefined;
}

/** The selector that identifies a result: benchmark, backend, its sizes (less `ignoreSizes`) and the named string extras. */
export function selectorFor(result: BenchResult, extraKeys: readonly string[] = [], ignoreSizes: readonly string[] = []): ResultSelector {
  const selector: ResultSelector = {
    benchmark: result.benchmark,
    backend: result.backend,
    sizes: Object.fromEntries(Object.entries(result.sizes).filter(([k]) => !ignoreSizes.includes(k))),
  };
  const extra: Record<string, string> = {};
  for (const key of extraKeys) {
    const value = result.extra?.[key];
    if (typeof value === 'string') extra[key] = value;
  }
  if (Object.keys(extra).length) selector.extra = extra;
  return selector;
}

/** "key=value ..." of sizes and extras, the readable part of a check id. */
function label(selector: ResultSelector): string {
  return [...Object.entries(selector.sizes ?? {}), ...Object.entries(selector.extra ?? {})].map(([k, v]) => `${k}=${v}`).join(' ');
}

/** Pairs results by each rule and counter, giving the checks (with baseline values) of a new baseline file. */
export function deriveChecks(
  results: readonly BenchResult[],
  ratios: readonly RatioRule[],
  counters: readonly CounterRule[],
  cross: readonly CrossRatioRule[] = [],
): BaselineCheck[] {
  const checks: BaselineCheck[] = [];
  for (const rule of cross) {
    for (const backend of ['cpu', 'webgpu'] as const) {
      const numerator: ResultSelector = {
        benchmark: rule.numerator.benchmark,
        backend,
        ...(rule.numerator.extra ? { extra: rule.numerator.extra } : {}),
      };
      const denominator: ResultSelector = {
        benchmark: rule.denominator.benchmark,
        backend,
        ...(rule.denominator.extra ? { extra: rule.denominator.extra } : {}),
      };
      const tops = results.filter((r) => matches(r, numerator));
      const bottoms = results.filter((r) => matches(r, denominator));
      if (tops.length !== 1 || bottoms.length !== 1) continue;
      const a = metricOf(tops[0]!, rule.numerator.metric);
      const b = metricOf(bottoms[0]!, rule.denominator.metric);
      if (a === undefined || b === undefined || b === 0) continue;
      const check: BaselineCheck = {
        kind: 'ratio',
        id: `${rule.name} (${backend})`,
        metric: rule.numerator.metric,
        numerator,
        denominator,
        baseline: a / b,
      };
      if (rule.denominator.metric !== rule.numerator.metric) check.denominatorMetric = rule.denominator.metric;
      if (rule.tolerance !== undefined) check.tolerance = rule.tolerance;
      checks.push(check);
    }
  }
  for (const rule of ratios) {
    const axisKey = rule.axis === 'backend' ? [] : [rule.axis.slice('extra.'.length)];
    const keys = [...(rule.extraKeys ?? []), ...axisKey];
    for (const top of results) {
      if (top.benchmark !== rule.benchmark || axisValue(top, rule.axis) !== rule.numerator) continue;
      const numerator = selectorFor(top, keys, rule.ignoreSizes);
      // The denominator is the same configuration with the axis switched.
      const denominator: ResultSelector = structuredClone(numerator);
      if (rule.axis === 'backend') denominator.backend = rule.denominator as 'cpu' | 'webgpu' | 'wasm';
      else denominator.extra = { ...denominator.extra, [axisKey[0]!]: rule.denominator };
      const bottoms = results.filter((r) => r !== top && describeSelector(selectorFor(r, keys, rule.ignoreSizes)) === describeSelector(denominator));
      if (bottoms.length !== 1) continue;
      const a = metricOf(top, rule.metric);
      const b = metricOf(bottoms[0]!, rule.metric);
      if (a === undefined || b === undefined || b === 0) continue;
      const shared = selectorFor(top, rule.extraKeys, rule.ignoreSizes);
      const check: BaselineCheck = {
        kind: 'ratio',
        id: `${rule.benchmark} ${label(shared)}: ${rule.numerator}/${rule.denominator} ${rule.metric}`,
        metric: rule.metric,
        numerator,
        denominator,
        baseline: a / b,
      };
      if (rule.tolerance !== undefined) check.tolerance = rule.tolerance;
      checks.push(check);
    }
  }
  for (const rule of counters) {
    for (const r of results) {
      if (r.benchmark !== rule.benchmark || (rule.backend && r.backend !== rule.backend)) continue;
      const value = metricOf(r, rule.metric);
      if (value === undefined) continue;
      const result = selectorFor(r, rule.extraKeys);
      const check: BaselineCheck = {
        kind: 'counter',
        id: `${describeSelector(result)}: ${rule.metric}`,
        metric: rule.metric,
        result,
        baseline: value,
      };
      if (rule.tolerance !== undefined) check.tolerance = rule.tolerance;
      checks.push(check);
    }
  }
  const seen = new Set<string>();
  for (const c of checks) {
    if (seen.has(c.id)) throw new Error(`baseline: two checks share the id '${c.id}'; name the extra that tells them apart in the rule's extraKeys`);
    seen.add(c.id);
  }
  return checks;
}
