/** Parsing of the benchmark options shared by `synfire bench` and `npm run bench:browser`. */

/** A bad benchmark option; the message says which and what is valid. */
export class BenchOptionError extends Error {
  override name = 'BenchOptionError';
}

/** Checks repeated `--backend` values (cpu, webgpu or wasm). */
export function parseBenchBackends(values: readonly string[] | undefined): Array<'cpu' | 'webgpu' | 'wasm'> | undefined {
  return values?.map((b) => {
    if (b !== 'cpu' && b !== 'webgpu' && b !== 'wasm') throw new BenchOptionError(`--backend must be cpu, webgpu or wasm, got '${b}'`);
    return b;
  });
}

/** Turns repeated `-p key=value` options into a record. */
export function parseBenchParams(values: readonly string[] | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const p of values ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new BenchOptionError(`-p expects key=value, got '${p}'`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return params;
}
