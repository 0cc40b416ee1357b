/** `synfire bench <name> [--json FILE]`: runs a benchmark family from src/bench/<name>.ts in Node. */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { defineCommand } from '../command.ts';
import type { BenchResult } from '../../bench/types.ts';
import { nodeBenchEnv } from '../../bench/env-node.ts';
import { BENCHMARKS } from '../../bench/suite.ts';
import { BenchOptionError, parseBenchBackends, parseBenchParams } from '../../bench/options.ts';
import { formatBenchTable } from '../../bench/format.ts';

// One registry for the CLI, bench:check and the browser harness.
const BENCHES = BENCHMARKS;

const USAGE = `usage: synfire bench <${Object.keys(BENCHES).join('|')}> [--json FILE] [--quick] [--backend cpu|webgpu]... [-p key=value]...`;

export const run = defineCommand({
  usage: USAGE,
  options: {
    json: { type: 'string' },
    quick: { type: 'boolean' },
    backend: { type: 'string', multiple: true },
    param: { type: 'string', multiple: true, short: 'p' },
  },
  positionals: [0, 1],
  positionalsName: 'one benchmark name',
  async run(values, positionals) {
    const name = positionals[0];
    if (!name) {
      console.log(USAGE);
      return 2;
    }
    return bench(name, values);
  },
});

async function bench(name: string, values: { json?: string; quick?: boolean; backend?: string[]; param?: string[] }): Promise<number> {
  const load = BENCHES[name];
  if (!load) throw new UsageError(`unknown benchmark '${name}' (have: ${Object.keys(BENCHES).join(', ')})`);
  let backends: Array<'cpu' | 'webgpu' | 'wasm'> | undefined;
  let params: Record<string, string>;
  try {
    backends = parseBenchBackends(values.backend);
    params = parseBenchParams(values.param);
  } catch (err) {
    throw err instanceof BenchOptionError ? new UsageError(err.message) : err;
  }
  const def = (await load()).default;
  const env = await nodeBenchEnv();
  let results: BenchResult[];
  try {
    results = await def.run({ quick: values.quick, backends, params }, env);
  } finally {
    env.release();
  }
  console.log(formatBenchTable(results));
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(results, null, 2) + '\n');
    console.error(`wrote ${results.length} result(s) to ${values.json}`);
  }
  return 0;
}
