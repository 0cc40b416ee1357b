import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../../src/backends/wasm/index.ts';
import { compareResults, describeMismatch, readTraceFile, runTrace } from '../../src/trace/index.ts';
import { TRACES_DIR as DIR } from '../paths.ts';

const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('golden traces on the wasm backend', () => {
  it('finds the 9 public traces', () => {
    expect(FILES.length).toBe(9);
  });

  for (const file of FILES) {
    it(`matches ${file} exactly`, async () => {
      const trace = await readTraceFile(join(DIR, file));
      const result = await runTrace(trace, createWasmBackend());
      const mismatch = compareResults(trace, trace.expected!, result);
      expect(mismatch && describeMismatch(mismatch)).toBeUndefined();
      expect(result).toEqual(trace.expected);
    });
  }
});
