/**
 * `synfire replay PATH... [--backend cpu|wasm|webgpu|auto] [--out DIR]`: runs golden Loihi traces (files, or directories of
 * *.json traces) and compares each with its expected results. Prints one line per trace; exit code 0 only if
 * every trace matches.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { getBackend, releaseBackend, selectSimulationBackend, type BackendName } from '../../backends/index.ts';
import type { Backend } from '../../backends/types.ts';
import { compareResults, describeMismatch } from '../../trace/compare.ts';
import { TraceError } from '../../trace/json.ts';
import { readTraceFile } from '../../trace/parse.ts';
import { runTrace, writeResultFile } from '../../trace/result.ts';
import { UsageError } from '../errors.ts';
import { defineCommand } from '../command.ts';
import { makeRunDir } from '../../app/durable.ts';

/** Traces with more steps than this report progress on stderr while they run. */
const LONG_TRACE = 100_000;

const USAGE = `usage: synfire replay PATH... [--backend cpu|wasm|webgpu|auto] [--out DIR]

Runs each golden trace (synfire-loihi-trace/1; PATH is a file or a directory of *.json traces), records every
spike and u, v at the trace's record_steps, and compares with the trace's expected results.
Prints '<file>: match' or '<file>: MISMATCH step S group G index I expected E got X' per trace (a trace that
cannot be read prints its error instead), and a summary on stderr.

  --backend NAME  cpu (default: the oracle), wasm (fast CPU engine), webgpu, or auto (webgpu on a hardware adapter, else wasm)
  --out DIR       also write DIR/<name>.result.json (synfire-loihi-result/1) for each trace
Traces of more than ${LONG_TRACE} steps report their progress on stderr.
Exit code: 0 if every trace matches, 1 otherwise, 2 for a usage error.`;

/** A progress reporter for one long trace: a line on stderr at most every `everyMs`. */
function traceProgress(file: string, everyMs = 2000): (done: number, total: number) => void {
  const t0 = Date.now();
  let last = t0;
  const tty = !!process.stderr.isTTY;
  return (done, total) => {
    const now = Date.now();
    if (now - last < everyMs && done < total) return;
    last = now;
    const rate = done / Math.max(1e-3, (now - t0) / 1000);
    const eta = rate > 0 ? Math.round((total - done) / rate) : NaN;
    const line = `${file}: step ${done}/${total} (${((100 * done) / total).toFixed(1)}%), ${Math.round(rate)} steps/s, ETA ${Number.isFinite(eta) ? `${eta} s` : '-'}`;
    process.stderr.write(tty ? `\r\x1b[2K${line}${done === total ? '\n' : ''}` : `${line}\n`);
  };
}

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
    const result = await runTrace(trace, backend, trace.steps > LONG_TRACE ? { onProgress: traceProgress(file) } : {});
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
export const run = defineCommand({
  usage: USAGE,
  options: { backend: { type: 'string', default: 'cpu' }, out: { type: 'string' } },
  positionals: [0, Number.MAX_SAFE_INTEGER],
  async run(values, positionals) {
    if (positionals.length === 0) throw new UsageError(`no trace given\n\n${USAGE}`);
    return replay(values, positionals);
  },
});

async function replay(values: { backend?: string; out?: string }, positionals: string[]): Promise<number> {
  const backendName = values.backend ?? 'cpu';
  if (!['cpu', 'webgpu', 'wasm', 'auto'].includes(backendName))
    throw new UsageError(`--backend must be cpu, wasm, webgpu or auto, got '${backendName}'`);
  const files = await traceFiles(positionals);
  if (values.out !== undefined) makeRunDir(values.out);
  let backend: Backend;
  if (backendName === 'auto') {
    const selected = await selectSimulationBackend('auto');
    console.error(`backend: ${selected.backend.name} (${selected.reason})`);
    backend = selected.backend;
  } else backend = await getBackend(backendName as BackendName);
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
