/**
 * Issue 11.10: a trace with very many steps ran for minutes without a sign of life. Long replays now run in
 * chunks and report progress on stderr; chunking does not change any result (checked on every golden trace).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend, releaseBackend } from '../../src/backends/index.ts';
import { readTraceFile, parseTrace } from '../../src/trace/parse.ts';
import { runTrace } from '../../src/trace/result.ts';
import { TRACES_DIR } from '../paths.ts';
import { TINY } from '../trace/fixtures.ts';
import { cli, tempDir } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

describe('replay progress', () => {
  it.each(['cpu', 'wasm', 'webgpu'] as const)('chunked runs give the same results as one run, on every golden trace (%s)', async (name) => {
    const backend = await getBackend(name);
    try {
      for (const file of readdirSync(TRACES_DIR).filter((n) => n.endsWith('.json'))) {
        const trace = await readTraceFile(join(TRACES_DIR, file));
        const calls: number[] = [];
        const chunked = await runTrace(trace, backend, {
          chunkSteps: 7,
          onProgress: (done, total) => {
            calls.push(done);
            expect(total).toBe(trace.steps);
          },
        });
        expect(chunked).toEqual(await runTrace(trace, backend));
        if (trace.steps > 7) {
          expect(calls.at(-1)).toBe(trace.steps);
          expect(calls.length).toBe(Math.ceil(trace.steps / 7));
        }
      }
    } finally {
      releaseBackend(backend);
    }
  });

  it('synfire replay reports progress on stderr for a long trace', async () => {
    const dir = tempDir();
    const steps = 300_000;
    const long = JSON.parse(TINY) as Record<string, unknown>;
    long.steps = steps;
    delete long.expected;
    const text = JSON.stringify(long);
    parseTrace(text, 'long.json');
    const file = join(dir, 'long.json');
    writeFileSync(file, text);
    const r = await cli('replay', file);
    expect(r.out).toMatch(/long\.json: no 'expected' results to compare with/);
    expect(r.err).toMatch(new RegExp(`long\\.json: step ${steps}/${steps} \\(100\\.0%\\), \\d+ steps/s`));
  });
});
