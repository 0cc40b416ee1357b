import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli/commands/replay.ts';
import { getBackend } from '../src/backends/index.ts';
import { compareResults, describeMismatch, parseResultFile, parseTrace, readTraceFile, runTrace } from '../src/trace/index.ts';
import { TINY } from './trace/fixtures.ts';

import { TRACES_DIR as DIR } from './paths.ts';
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Runs the replay command in-process and captures what it prints. */
async function replay(argv: string[]): Promise<{ code: number; lines: string[]; summary: string[] }> {
  const lines: string[] = [];
  const summary: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void summary.push(args.join(' ')));
  try {
    return { code: await run(argv), lines, summary };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** A directory with a matching trace, a trace whose expected u was altered, and a malformed file. */
function mixedDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synfire-replay-'));
  writeFileSync(join(dir, 'a-good.json'), TINY);
  const altered = JSON.parse(TINY) as { expected: { u: { n: number[][] } } };
  altered.expected.u.n[2] = [12864];
  writeFileSync(join(dir, 'b-altered.json'), JSON.stringify(altered));
  writeFileSync(join(dir, 'c-broken.json'), TINY.replace('"steps": 5', '"steps": 5,'));
  writeFileSync(join(dir, 'notes.txt'), 'not a trace');
  return dir;
}

afterEach(() => vi.restoreAllMocks());

describe('synfire replay (CPU)', () => {
  it('matches every public trace and exits 0', async () => {
    const { code, lines, summary } = await replay([DIR]);
    expect(lines).toEqual(FILES.map((f) => `${join(DIR, f)}: match`));
    expect(summary).toEqual([`${FILES.length} of ${FILES.length} traces match`]);
    expect(code).toBe(0);
  });

  it('prints a mismatch and a parse error, exits 1, and writes result files with --out', async () => {
    const dir = mixedDir();
    const out = join(dir, 'out');
    const { code, lines, summary } = await replay([dir, '--backend', 'cpu', '--out', out]);
    expect(code).toBe(1);
    expect(lines[0]).toBe(`${join(dir, 'a-good.json')}: match`);
    expect(lines[1]).toBe(`${join(dir, 'b-altered.json')}: MISMATCH step 2 group n index 0 expected u=12864 got u=12800`);
    expect(lines[2]).toMatch(new RegExp(`^${join(dir, 'c-broken.json')}: malformed JSON at line 3 column \\d+`));
    expect(lines.length).toBe(3);
    expect(summary).toEqual(['1 of 3 traces match']);
    expect(readdirSync(out).sort()).toEqual(['a-good.result.json', 'b-altered.result.json']);
    const trace = parseTrace(TINY, 'tiny.json');
    expect(parseResultFile(readFileSync(join(out, 'a-good.result.json'), 'utf8'), 'a-good.result.json', trace)).toEqual(trace.expected);
  });

  it('takes single files and reports usage errors', async () => {
    const { code, lines } = await replay([join(DIR, 'delays.json'), join(DIR, 'refractory.json')]);
    expect([code, lines.length]).toEqual([0, 2]);
    await expect(run([])).rejects.toThrow(/no trace given/);
    await expect(run([DIR, '--backend', 'tpu'])).rejects.toThrow(/--backend must be cpu, wasm, webgpu or auto, got 'tpu'/);
    await expect(run(['/nonexistent/trace.json'])).rejects.toThrow(/no such file or directory: \/nonexistent\/trace\.json/);
    await expect(run([DIR, '--frobnicate'])).rejects.toThrow(/frobnicate/);
  });

  it('exits 1 from the real CLI on a mismatch, 2 on a usage error', async () => {
    const exec = promisify(execFile);
    const dir = mixedDir();
    const failed = await exec('node', ['bin/synfire.mjs', 'replay', dir]).then(
      () => undefined,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain('b-altered.json: MISMATCH step 2 group n index 0');
    const usage = await exec('node', ['bin/synfire.mjs', 'replay']).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(usage?.code).toBe(2);
    expect(usage?.stderr).toMatch(/synfire replay: no trace given/);
  });
});

describe('golden traces on the WebGPU backend', () => {
  // Must fail (not skip) when there is no adapter or no WebGPU backend.
  it('matches every public trace exactly', async () => {
    const backend = await getBackend('webgpu');
    const failures: string[] = [];
    for (const file of FILES) {
      const trace = await readTraceFile(join(DIR, file));
      const result = await runTrace(trace, backend);
      const mismatch = compareResults(trace, trace.expected!, result);
      if (mismatch) failures.push(`${file}: ${describeMismatch(mismatch)}`);
    }
    expect(failures).toEqual([]);
  });
});
