/**
 * Issue 11.6 and 11.8 (and issue 9's defineCommand): bad command lines get the command's own range errors and
 * exit 2; silent surprises (capped --samples, partial --order epochs, unknown --init-weights keys, --replica '')
 * are errors or notices; piping output into `head` exits quietly.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { joinNegativeValues } from '../../src/cli/command.ts';
import { readCheckpoint } from '../../src/app/checkpoint.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';
import { TRACES_DIR } from '../paths.ts';
import { cli, spawnCli, tempDir, trainArgs } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

let data: string;
let run: string;
beforeAll(async () => {
  data = writeSyntheticDataDir(40, 20);
  run = tempDir();
  expect((await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '10', '--out', run)).rc).toBe(0);
});

describe('command-line input', () => {
  it('negative numbers reach the range checks (exit 2), for every command', async () => {
    for (const [args, re] of [
      [[...trainArgs(data), '--epochs', '-1', '--seed', '1', '--out', tempDir()], /--epochs must be an integer in \[1, 100000\], got '-1'/],
      [[...trainArgs(data), '--epochs', '1', '--seed', '-5', '--out', tempDir()], /--seed must be an integer in \[0, 4294967295\], got '-5'/],
      [
        [...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '-3', '--out', tempDir()],
        /--samples must be an integer in \[1, .*\], got '-3'/,
      ],
      [['export', run, join(run, 'w.json'), '--replica', '-1'], /--replica must be an integer in \[0, 0\], got '-1'/],
      [['raster', run, '--sample', '-2'], /--sample must be an integer in \[0, .*\], got '-2'/],
      [['report', run, '--sample', '-4'], /--sample must be a non-negative integer, got '-4'/],
    ] as const) {
      const r = await cli(...args);
      expect(r.err).not.toMatch(/ambiguous/);
      expect(r.err).toMatch(re);
      expect(r.rc).toBe(2);
    }
    expect(
      joinNegativeValues(['--seed', '-5', '-p', '-1', '--flag', '-x', '--', '--seed', '-5'], {
        seed: { type: 'string' },
        p: { type: 'string', short: 'p' },
        flag: { type: 'boolean' },
      }),
    ).toEqual(['--seed=-5', '--p=-1', '--flag', '-x', '--', '--seed', '-5']);
  });

  it('an unknown flag is a usage error (exit 2) for every command', async () => {
    for (const args of [
      ['report', run, '--bogus'],
      ['inspect', run, '--bogus'],
      ['export', run, 'x.json', '--bogus'],
      ['eval', '--bogus'],
      ['raster', run, '--bogus'],
      ['replay', TRACES_DIR, '--bogus'],
      ['bench', 'core', '--bogus'],
      ['info', '--bogus'],
      ['train', '--bogus'],
    ]) {
      const r = await cli(...args);
      expect(r.err).toMatch(/Unknown option '--bogus'/);
      expect(r.rc).toBe(2);
    }
    for (const args of [
      ['report', '--help'],
      ['inspect', '-h'],
      ['train', '--help'],
    ]) {
      const r = await cli(...args);
      expect(r.rc).toBe(0);
      expect(r.out).toMatch(/^usage: synfire /);
    }
    expect((await cli('inspect', run, 'extra')).err).toMatch(/expected one run directory or weights file, got '.*' 'extra'/);
  });

  it("export --replica '' is an error, not replica 0", async () => {
    const r = await cli('export', run, join(run, 'w.json'), '--replica', '');
    expect(r.rc).toBe(2);
    expect(r.err).toMatch(/--replica must be an integer in \[0, 0\], got ''/);
  });

  it("never writes an output over the run's own files", async () => {
    const before = readFileSync(join(run, 'checkpoint.json'), 'utf8');
    for (const [args, re] of [
      [['export', run, join(run, 'checkpoint.json')], /FILE .*checkpoint\.json is the run's own checkpoint\.json; choose another file/],
      [['export', run, join(run, '..', run.split('/').pop()!, 'metrics.jsonl')], /is the run's own metrics\.jsonl/],
      [['report', run, '--out', join(run, 'config.json')], /--out .*config\.json is the run's own config\.json/],
    ] as const) {
      const r = await cli(...args);
      expect(r.rc).toBe(1);
      expect(r.err).toMatch(re);
    }
    expect(readFileSync(join(run, 'checkpoint.json'), 'utf8')).toBe(before);
  });

  it('says when --samples is capped by the epochs', async () => {
    const r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '1000', '--out', tempDir());
    expect(r.rc).toBe(0);
    expect(r.err).toMatch(/--samples 1000 is more than 1 epoch\(s\) hold \(40 samples per replica\); training stops at 40/);
  });

  it('refuses --order epochs of the wrong length or with repeats unless --order-subsets is given', async () => {
    const dir = tempDir();
    const order = join(dir, 'order.json');
    const perm = Array.from({ length: 40 }, (_, i) => 39 - i);
    writeFileSync(order, JSON.stringify([perm.slice(0, 39)]));
    let r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--order', order, '--out', tempDir());
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/order\.json: epoch 0 has 39 indices, but the training set has 40 samples .*--order-subsets/);
    writeFileSync(order, JSON.stringify([[...perm.slice(0, 39), 39]]));
    r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--order', order, '--out', tempDir());
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/order\.json: epoch 0, position 39: index 39 repeats position 0/);
    const out = tempDir();
    r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--order', order, '--order-subsets', '--out', out);
    expect(r.rc).toBe(0);
    writeFileSync(order, JSON.stringify([perm]));
    expect((await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--order', order, '--out', tempDir())).rc).toBe(0);
  });

  it('refuses --init-weights with unknown keys and unreadable files, naming them', async () => {
    const w = join(run, 'w.json');
    expect((await cli('export', run, w)).rc).toBe(0);
    const obj = JSON.parse(readFileSync(w, 'utf8')) as Record<string, unknown>;
    writeFileSync(w, JSON.stringify({ ...obj, W3: [[0]] }));
    let r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--init-weights', w, '--out', tempDir());
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/w\.json: unknown key "W3" \(a weights file holds only "W1" and "W2"\)/);
    r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--init-weights', join(run, 'missing.json'), '--out', tempDir());
    expect(r.err).toMatch(/--init-weights .*missing\.json: cannot read \(ENOENT\)/);
    writeFileSync(w, '{"W1": [[0, 2],\n  [4 6]]}');
    r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--init-weights', w, '--out', tempDir());
    expect(r.err).toMatch(/w\.json: not valid JSON \(line 2 column 6 \(position 21\): unexpected "6" \(expected ',' or '\]'\)\)/);
  });

  it('piping inspect or replay into a closed reader exits quietly (EPIPE)', async () => {
    for (const args of [
      ['inspect', run],
      ['replay', TRACES_DIR],
    ]) {
      const r = await spawnCli(args, { closeStdout: true });
      expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
      expect(r.rc).toBe(0);
    }
  });

  it('a closed stderr silences diagnostics but training still finishes and checkpoints', async () => {
    const dir = tempDir();
    const r = await spawnCli([...trainArgs(data), '--epochs', '1', '--seed', '1', '--out', dir], { closeStderr: true });
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(/Test-set metrics after 40 samples/);
    expect(readCheckpoint(dir).progress.samples).toBe(40);
  });

  it('checkpoints written by this version keep their shape through resume', () => {
    expect(readCheckpoint(run).config.data?.train.n).toBe(40);
  });
});
