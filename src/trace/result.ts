/** Running a trace's network on a backend and writing the result in the synfire-loihi-result/1 format. */
import { writeFile } from 'node:fs/promises';
import type { Backend } from '../backends/types.ts';
import { traceToNetwork } from './convert.ts';
import { RESULT_FORMAT, type LoihiTrace, type TraceResult } from './format.ts';

/** Options of {@link runTrace}. */
export interface RunTraceOptions {
  /** Called after every chunk of `chunkSteps` steps with the steps done so far (only traces longer than one chunk). */
  onProgress?: (done: number, total: number) => void;
  /** Steps per chunk when reporting progress (default 65536). Chunking does not change results. */
  chunkSteps?: number;
}

/** Runs the trace's network for its steps, recording every spike and u, v at record_steps. */
export async function runTrace(trace: LoihiTrace, backend: Backend, options: RunTraceOptions = {}): Promise<TraceResult> {
  const sim = await backend.create(traceToNetwork(trace), {
    recording: { spikes: 'all', state: 'all', stateSteps: trace.record_steps },
  });
  try {
    const chunk = Math.max(1, Math.floor(options.chunkSteps ?? 65536));
    if (options.onProgress && trace.steps > chunk) {
      for (let done = 0; done < trace.steps; ) {
        const n = Math.min(chunk, trace.steps - done);
        await sim.run(n);
        done += n;
        options.onProgress(done, trace.steps);
      }
    } else {
      await sim.run(trace.steps);
    }
    const [recording] = await sim.readRecording();
    const result: TraceResult = { spikes: {}, u: {}, v: {} };
    for (const g of trace.groups) {
      result.spikes[g.name] = (recording!.spikes[g.name] ?? []).map(([step, index]) => [step, index]);
      result.u[g.name] = (recording!.u[g.name] ?? []).map((row) => Array.from(row));
      result.v[g.name] = (recording!.v[g.name] ?? []).map((row) => Array.from(row));
    }
    return result;
  } finally {
    sim.dispose();
  }
}

/** The result file text: format tag, record_steps, spikes, u, v; one group or row per line. */
export function formatResult(trace: LoihiTrace, result: TraceResult): string {
  const key = (name: string): string => JSON.stringify(name);
  const block = (field: 'u' | 'v'): string =>
    trace.groups
      .map((g) => `  ${key(g.name)}: [\n${(result[field][g.name] ?? []).map((row) => `    ${JSON.stringify(row)}`).join(',\n')}\n  ]`)
      .join(',\n');
  const spikes = trace.groups.map((g) => `  ${key(g.name)}: ${JSON.stringify(result.spikes[g.name] ?? [])}`).join(',\n');
  return [
    '{',
    `"format": ${key(RESULT_FORMAT)},`,
    ...(trace.name !== undefined ? [`"name": ${key(trace.name)},`] : []),
    `"record_steps": ${JSON.stringify(trace.record_steps)},`,
    `"spikes": {\n${spikes}\n},`,
    `"u": {\n${block('u')}\n},`,
    `"v": {\n${block('v')}\n}`,
    '}',
    '',
  ].join('\n');
}

/** Writes a result file. */
export async function writeResultFile(path: string, trace: LoihiTrace, result: TraceResult): Promise<void> {
  await writeFile(path, formatResult(trace, result));
}
