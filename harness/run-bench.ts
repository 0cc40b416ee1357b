/**
 * `npm run bench:browser -- [core] [nbp] [--quick] [--json FILE] [--timeout SECONDS] [--backend cpu|webgpu]... [-p key=value]...`
 * Serves the harness page on 127.0.0.1, runs the chosen benchmarks in headless Chromium on navigator.gpu, prints the
 * same table as `synfire bench` and writes the same JSON results. The browser is cleaned up on every exit path.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { harnessAssets, dataDirectories } from './assets.ts';
import { startServer } from './server.ts';
import { withChromium, CHROMIUM_PATH } from './chromium.ts';
import { BENCHMARKS } from '../src/bench/suite.ts';
import type { SuiteEntry } from '../src/bench/compare.ts';
import type { BenchResult } from '../src/bench/types.ts';
import { formatBenchTable } from '../src/bench/format.ts';
import { BenchOptionError, parseBenchBackends, parseBenchParams } from '../src/bench/options.ts';

/** Options of a browser benchmark run. */
export interface BrowserBenchOptions {
  entries: SuiteEntry[];
  timeoutMs: number;
}

/** Runs suite entries in headless Chromium and returns their results (the CLI's format, environment 'browser'). */
export async function runBrowserBench(options: BrowserBenchOptions): Promise<BenchResult[]> {
  // bench nbp fetches its dataset from /data/<dataset>/ in the browser.
  const server = await startServer({ assets: await harnessAssets(['bench']), directories: dataDirectories() });
  try {
    return await withChromium({ timeoutMs: options.timeoutMs }, async (page) => {
      await page.goto(`${server.url}/bench.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => typeof window.synfireBench === 'function', { timeout: 30_000 });
      return page.evaluate((entries) => window.synfireBench(entries), options.entries);
    });
  } finally {
    await server.close();
  }
}

const USAGE = `usage: npm run bench:browser -- [${Object.keys(BENCHMARKS).join('] [')}] [--quick] [--json FILE] [--timeout SECONDS] [--backend cpu|webgpu]... [-p key=value]...`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'string' },
      quick: { type: 'boolean' },
      timeout: { type: 'string', default: '900' },
      backend: { type: 'string', multiple: true },
      param: { type: 'string', multiple: true, short: 'p' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = positionals.length ? positionals : Object.keys(BENCHMARKS);
  for (const name of names) {
    if (!BENCHMARKS[name]) {
      console.error(`bench:browser: unknown benchmark '${name}' (have: ${Object.keys(BENCHMARKS).join(', ')})\n${USAGE}`);
      return 2;
    }
  }
  const timeoutS = Number(values.timeout);
  if (!(timeoutS > 0)) {
    console.error(`bench:browser: --timeout must be a positive number of seconds, got '${values.timeout}'`);
    return 2;
  }
  let backends: Array<'cpu' | 'webgpu' | 'wasm'> | undefined;
  let params: Record<string, string>;
  try {
    backends = parseBenchBackends(values.backend);
    params = parseBenchParams(values.param);
  } catch (err) {
    if (!(err instanceof BenchOptionError)) throw err;
    console.error(`bench:browser: ${err.message}`);
    return 2;
  }
  const entries: SuiteEntry[] = names.map((name) => ({
    name,
    quick: !!values.quick,
    ...(backends ? { backends } : {}),
    ...(Object.keys(params).length ? { params } : {}),
  }));
  const results = await runBrowserBench({ entries, timeoutMs: timeoutS * 1000 });
  console.log(formatBenchTable(results));
  const adapters = [...new Set(results.map((r) => r.adapter).filter((a) => a))];
  console.log(`\nheadless Chromium (${CHROMIUM_PATH}), adapter: ${adapters.join(', ') || 'none'}`);
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(results, null, 2) + '\n');
    console.error(`wrote ${results.length} result(s) to ${values.json}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`bench:browser: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
