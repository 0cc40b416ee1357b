/**
 * `npm run bench:check -- [--baseline FILE] [--results FILE]... [--repeat N] [--browser] [--tolerance X] [--allow-missing] [--json FILE] [--update]`
 * Runs the benchmark suite listed in the baseline N times (default 3; or reads --results files as the repetitions),
 * keeps each configuration's fastest repetition, compares ratios measured within the run and machine-independent
 * counters with bench/baseline.json, prints every check, and exits 1 on a regression past the tolerance (or a check
 * without results), 2 on bad usage. --update rewrites the baseline from this run instead.
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { pathToFileURL } from 'node:url';
import { nodeBenchEnv } from '../src/bench/env-node.ts';
import { runSuite, DEFAULT_SUITE, RATIO_RULES, COUNTER_RULES, CROSS_RULES } from '../src/bench/suite.ts';
import { bestOf, compareWithBaseline, formatComparison, type Baseline, type SuiteEntry } from '../src/bench/compare.ts';
import { deriveChecks } from '../src/bench/baseline.ts';
import { formatBenchTable } from '../src/bench/format.ts';
import type { BenchResult } from '../src/bench/types.ts';

const DEFAULT_BASELINE = 'bench/baseline.json';
/** A ratio may fall by this fraction before it fails: SwiftShader on two shared cores moves ratios by up to ~20 %. */
const DEFAULT_TOLERANCE = 0.35;

function readBaseline(file: string): Baseline {
  const value = JSON.parse(readFileSync(file, 'utf8')) as Baseline;
  if (value.schema !== 1 || !Array.isArray(value.checks) || !Array.isArray(value.suite) || typeof value.tolerance !== 'number') {
    throw new Error(
      `${file}: not a synfire baseline (schema 1 with tolerance, suite and checks); regenerate it with 'npm run bench:check -- --update'`,
    );
  }
  return value;
}

function readResults(file: string): BenchResult[] {
  const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(value)) throw new Error(`${file}: expected an array of benchmark results (synfire bench --json output)`);
  return value as BenchResult[];
}

async function runResults(suite: SuiteEntry[], browser: boolean): Promise<BenchResult[]> {
  if (browser) {
    const { runBrowserBench } = await import('../harness/run-bench.ts');
    return runBrowserBench({ entries: suite, timeoutMs: 20 * 60_000 });
  }
  const env = await nodeBenchEnv();
  try {
    return await runSuite(suite, env);
  } finally {
    env.release();
  }
}

/** Ratios hold on a slower machine, not on an oversubscribed one: say so when other processes competed for the cores. */
function warnIfBusy(loads: number[]): void {
  const cores = cpus().length;
  const peak = Math.max(...loads);
  if (peak > cores * 1.25) {
    console.error(
      `bench:check: WARNING: the machine was busy (1-minute load up to ${peak.toFixed(1)} on ${cores} cores). ` +
        'The software adapter runs many threads and suffers more from competing processes than the CPU path, so the ' +
        'webgpu/cpu ratios are unreliable; rerun on an otherwise idle machine before trusting a failure (or a new baseline).',
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      baseline: { type: 'string', default: DEFAULT_BASELINE },
      results: { type: 'string', multiple: true },
      browser: { type: 'boolean' },
      tolerance: { type: 'string' },
      'allow-missing': { type: 'boolean' },
      json: { type: 'string' },
      update: { type: 'boolean' },
      repeat: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(
      'usage: npm run bench:check -- [--baseline FILE] [--results FILE]... [--repeat N] [--browser] [--tolerance X] [--allow-missing] [--json FILE] [--update]',
    );
    return 0;
  }
  let tolerance: number | undefined;
  if (values.tolerance !== undefined) {
    tolerance = Number(values.tolerance);
    if (!(tolerance > 0 && tolerance < 1)) throw new Error(`--tolerance must be a fraction between 0 and 1 (e.g. 0.35), got '${values.tolerance}'`);
  }
  const baseline = existsSync(values.baseline) ? readBaseline(values.baseline) : undefined;
  if (!values.update && !baseline) throw new Error(`${values.baseline} not found; create it with 'npm run bench:check -- --update'`);
  // A check reruns the baseline's own suite; an update records the suite the code defines now.
  const suite = values.update || !baseline ? DEFAULT_SUITE : baseline.suite;

  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got '${values.repeat}'`);
  const loads = [loadavg()[0]!];
  const runs: BenchResult[][] = [];
  if (values.results) runs.push(...values.results.map(readResults));
  else {
    for (let k = 0; k < repeat; k++) {
      console.error(`bench:check: run ${k + 1} of ${repeat}`);
      runs.push(await runResults(suite, !!values.browser));
      loads.push(loadavg()[0]!);
    }
  }
  // Each configuration keeps its fastest repetition (see bestOf), on both sides of every ratio.
  const results = bestOf(runs);
  console.log(formatBenchTable(results));
  console.log('');
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2) + '\n');

  if (values.update) {
    if (!values.results) warnIfBusy(loads);
    const webgpu = results.find((r) => r.backend === 'webgpu');
    const next: Baseline = {
      schema: 1,
      tolerance: tolerance ?? baseline?.tolerance ?? DEFAULT_TOLERANCE,
      counterTolerance: baseline?.counterTolerance ?? 0,
      recorded: {
        date: new Date().toISOString().slice(0, 10),
        version: results[0]?.version ?? 'unknown',
        commit: results[0]?.commit ?? null,
        environment: results[0]?.environment ?? 'node',
        adapter: webgpu?.adapter ?? null,
        machine: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${platform()} ${release()}`,
      },
      suite,
      checks: deriveChecks(results, RATIO_RULES, COUNTER_RULES, CROSS_RULES),
    };
    writeFileSync(values.baseline, JSON.stringify(next, null, 2) + '\n');
    console.log(`wrote ${values.baseline}: ${next.checks.length} checks from ${results.length} results`);
    return 0;
  }
  // Ratios differ between Node's Dawn and Chromium's adapter, so each environment needs its own baseline.
  const envs = [...new Set(results.map((r) => r.environment))];
  if (envs.some((e) => e !== baseline!.recorded.environment)) {
    throw new Error(
      `${values.baseline} was recorded in ${baseline!.recorded.environment}, these results come from ${envs.join(' and ')}; ` +
        `record a baseline there first (e.g. npm run bench:check -- --browser --baseline bench/baseline-browser.json --update)`,
    );
  }
  const comparison = compareWithBaseline(baseline!, results, { tolerance, allowMissing: values['allow-missing'] });
  console.log(formatComparison(comparison));
  if (!values.results) warnIfBusy(loads);
  return comparison.passed ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`bench:check: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(2);
    },
  );
}
