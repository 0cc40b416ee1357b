import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import { compareResults, describeMismatch, formatResult, parseResultFile, parseTrace, runTrace, type TraceResult } from '../../src/trace/index.ts';
import { TINY } from './fixtures.ts';

const clone = (r: TraceResult): TraceResult => JSON.parse(JSON.stringify(r)) as TraceResult;

describe('the tiny example of loihi-trace-format.md', () => {
  it('runs on the CPU backend and matches its expected results', async () => {
    const trace = parseTrace(TINY, 'tiny.json');
    const result = await runTrace(trace, createCpuBackend());
    expect(result).toEqual(trace.expected);
    expect(compareResults(trace, trace.expected!, result)).toBeUndefined();
  });
});

describe('compareResults', () => {
  const trace = parseTrace(TINY, 'tiny.json');
  const expected = trace.expected!;

  it('reports a missing and an extra spike, and compares spikes as sets', () => {
    const missing = clone(expected);
    missing.spikes.n = [];
    const m = compareResults(trace, expected, missing)!;
    expect(m).toEqual({ step: 2, group: 'n', index: 0, kind: 'spike', expected: 'spike', got: 'no spike' });
    expect(describeMismatch(m)).toBe('MISMATCH step 2 group n index 0 expected spike got no spike');
    const extra = clone(expected);
    extra.spikes.n = [
      [4, 0],
      [2, 0],
    ];
    expect(describeMismatch(compareResults(trace, expected, extra)!)).toBe('MISMATCH step 4 group n index 0 expected no spike got spike');
  });

  it('reports the earliest step among spike, u and v mismatches', () => {
    const got = clone(expected);
    got.spikes.n = [];
    got.v.n![1] = [7];
    got.u.n![3] = [5];
    expect(describeMismatch(compareResults(trace, expected, got)!)).toBe('MISMATCH step 1 group n index 0 expected v=0 got v=7');
    const u = clone(expected);
    u.u.n![2] = [12801];
    u.spikes.n = [];
    // Same step: the u difference is reported before the spike it explains.
    expect(describeMismatch(compareResults(trace, expected, u)!)).toBe('MISMATCH step 2 group n index 0 expected u=12800 got u=12801');
  });
});

describe('result files', () => {
  it('round-trips through formatResult and parseResultFile', async () => {
    const trace = parseTrace(TINY, 'tiny.json');
    const result = await runTrace(trace, createCpuBackend());
    const text = formatResult(trace, result);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json.format).toBe('synfire-loihi-result/1');
    expect(json.record_steps).toEqual([0, 1, 2, 3, 4]);
    expect(parseResultFile(text, 'tiny.result.json', trace)).toEqual(result);
    // A result inside an `expected` object is accepted too, and spikes may come in any order.
    expect(parseResultFile(TINY, 'tiny.json', trace)).toEqual(trace.expected);
    expect(() => parseResultFile(text.replace('"record_steps": [0,1,2,3,4]', '"record_steps": [0,1,2,3,3]'), 'r.json', trace)).toThrow(
      /r\.json: \$\.record_steps\[4\]: 3 differs from the trace's record step 4/,
    );
  });
});
