/**
 * The benchmark suite: the registry of definitions, the default suite and the checks `bench:check` derives.
 * Environment-neutral: the CLI, `bench:check` and the Chromium harness page all run definitions through here.
 */
import type { BenchDefinition, BenchEnv, BenchResult } from './types.ts';
import type { SuiteEntry } from './compare.ts';
import type { CounterRule, CrossRatioRule, RatioRule } from './baseline.ts';

/** Every benchmark family, loaded on demand (the page bundle inlines them). */
export const BENCHMARKS: Record<string, () => Promise<{ default: BenchDefinition }>> = {
  core: () => import('./core.ts'),
  nbp: () => import('./nbp.ts'),
};

/**
 * What `bench:check` runs by default: quick sizes, so that three repetitions finish in a few minutes on a software
 * adapter, but every timed span long enough (≥ 0.1 s on the CPU side) to hold still; core's 1,000-neuron quick size
 * times only a few ms on the CPU, so the check uses 4,000 and 20,000 neurons over 200 steps.
 */
export const DEFAULT_SUITE: SuiteEntry[] = [
  { name: 'core', quick: true, params: { sizes: '4000,20000', steps: '200' } },
  { name: 'nbp', quick: true },
];

/** Ratios within one run that `bench:check` watches (higher is better). */
export const RATIO_RULES: RatioRule[] = [
  { benchmark: 'core', metric: 'neuronStepsPerS', axis: 'backend', numerator: 'webgpu', denominator: 'cpu' },
  { benchmark: 'core', metric: 'neuronStepsPerS', axis: 'backend', numerator: 'wasm', denominator: 'cpu' },
  // bench nbp trains fewer samples on a software adapter than on the CPU in the same run, so `samples` may differ.
  {
    benchmark: 'nbp',
    metric: 'samplesPerS',
    axis: 'backend',
    numerator: 'webgpu',
    denominator: 'cpu',
    extraKeys: ['phase'],
    ignoreSizes: ['samples'],
  },
];

/** Ratios between benchmarks of one run (higher is better): the fused trainer over the 12-step circuit, per replica. */
export const CROSS_RULES: CrossRatioRule[] = [
  {
    name: 'nbp fused/circuit training samples/s per replica',
    numerator: { benchmark: 'nbp', metric: 'extra.samples_per_s_per_replica', extra: { phase: 'train' } },
    denominator: { benchmark: 'nbp-circuit-train', metric: 'samplesPerS' },
  },
];

/** Machine-independent counters that `bench:check` watches (lower is better). */
export const COUNTER_RULES: CounterRule[] = [
  { benchmark: 'core', metric: 'dispatchesPerStep', backend: 'webgpu' },
  { benchmark: 'core', metric: 'submitsPerStep', backend: 'webgpu' },
  { benchmark: 'core', metric: 'bytesPerSynapse', backend: 'webgpu' },
  { benchmark: 'nbp', metric: 'dispatchesPerStep', backend: 'webgpu', extraKeys: ['phase'] },
  { benchmark: 'nbp', metric: 'submitsPerStep', backend: 'webgpu', extraKeys: ['phase'] },
  { benchmark: 'nbp-circuit-train', metric: 'dispatchesPerStep', backend: 'webgpu' },
  { benchmark: 'nbp-circuit-train', metric: 'submitsPerStep', backend: 'webgpu' },
  { benchmark: 'nbp-circuit-train', metric: 'extra.readbacksPerStep', backend: 'webgpu' },
];

/** Loads a definition by name; the error lists the valid names. */
export async function loadBenchmark(name: string): Promise<BenchDefinition> {
  const load = BENCHMARKS[name];
  if (!load) throw new Error(`unknown benchmark '${name}' (have: ${Object.keys(BENCHMARKS).join(', ')})`);
  return (await load()).default;
}

/** Runs suite entries one after another in the given environment and concatenates their results. */
export async function runSuite(entries: readonly SuiteEntry[], env: BenchEnv): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const entry of entries) {
    const def = await loadBenchmark(entry.name);
    env.log(`bench ${entry.name}${entry.quick ? ' (quick)' : ''} in ${env.environment}`);
    const options: Parameters<BenchDefinition['run']>[0] = { quick: entry.quick };
    if (entry.backends) options.backends = entry.backends;
    if (entry.params) options.params = entry.params;
    results.push(...(await def.run(options, env)));
  }
  return results;
}
