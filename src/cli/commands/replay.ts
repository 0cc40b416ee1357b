/**
 * `synfire replay PATH... [--backend cpu|webgpu] [--out DIR]`: runs golden Loihi traces (files, or directories of
 * *.json traces) and compares each with its expected results. Prints one line per trace; exit code 0 only if
 * every trace matches.
 */
import { readdir, stat, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { getBackend, releaseBackend, type BackendName } from '../../backends/index.ts';
import type { Backend } from '../../backends/types.ts';
import { compareResults, describeMismatch } from '../../trace/compare.ts';
import { TraceError } from '../../trace/json.ts';
import { readTraceFile } from '../../trace/parse.ts';
import { runTrace, writeResultFile } from '../../trace/result.ts';
import { UsageError } from '../errors.ts';

const USAGE = `usage: synfire replay PATH... [--backend cpu|webgpu] [--out DIR]

Runs each golden trace (synfire-loihi-trace/1; PATH is a file or a directory of *.json traces), records every
spike and u, v at the trace's record_steps, and compares with the trace's expected results.
Prints '<file>: match' or '<file>: MISMATCH step S group G index I expected E got X' per trace (a trace that
cannot be read prints its error instead), and a summary on stderr.

  --backend NAME  cpu (default) or webgpu
  --out DIR       also write DIR/<name>.result.json (synfire-loihi-result/1) for each trace
Exit code: 0 if every trace matches, 1 otherwise, 2 for a usage error.`;

/** Expands the PATH arguments: files as given, directories to their *.json files in name order. */
async function traceFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new UsageError(`no such file or directory: ${path}`);
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => n.endsWith('.json') && !n.endsWith('.result.json')).sort();
      if (names.length === 0) throw new UsageError(`no *.json traces in directory ${path}`);
      files.push(...names.map((n) => join(path, n)));
    } else {
      files.push(path);
    }
  }
  return files;
}

/** Replays one trace; returns the line to print and whether it matched. Any failure becomes that trace's line. */
async function replayOne(file: string, backend: Backend, outDir: string | undefined): Promise<{ line: string; ok: boolean }> {
  try {
    const trace = await readTraceFile(file);
    const result = await runTrace(trace, backend);
    if (outDir !== undefined) await writeResultFile(join(outDir, `${basename(file).replace(/\.json$/, '')}.result.json`), trace, result);
    if (!trace.expected) return { line: `${file}: no 'expected' results to compare with`, ok: false };
    const mismatch = compareResults(trace, trace.expected, result);
    return mismatch ? { line: `${file}: ${describeMismatch(mismatch)}`, ok: false } : { line: `${file}: match`, ok: true };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Trace errors already start with the file name.
    return { line: err instanceof TraceError ? message : `${file}: ${message}`, ok: false };
  }
}

/** Runs the replay command. */
export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { backend: { type: 'string', default: 'cpu' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`no trace given\n\n${USAGE}`);
  const backendName = values.backend;
  if (backendName !== 'cpu' && backendName !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, got '${backendName}'`);
  const files = await traceFiles(positionals);
  if (values.out !== undefined) await mkdir(values.out, { recursive: true });
  const backend = await getBackend(backendName as BackendName);
  let failures = 0;
  try {
    for (const file of files) {
      const { line, ok } = await replayOne(file, backend, values.out);
      console.log(line);
      if (!ok) failures++;
    }
  } finally {
    releaseBackend(backend);
  }
  // The summary goes to stderr, so stdout holds exactly one line per trace.
  if (files.length > 1) console.error(`${files.length - failures} of ${files.length} traces match`);
  return failures === 0 ? 0 : 1;
}
