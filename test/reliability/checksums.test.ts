/**
 * Issue 11.2: checkpoints carry SHA-256 checksums of every matrix, the config and the progress; loading verifies
 * them and checks weights like --init-weights (range, evenness in loihi semantics). Format-1 checkpoints (no
 * checksums) are refused unless --accept-unverified is given. Structural errors name the JSON path (valibot).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { canonicalJson, formatCheckpoint, parseCheckpoint, readCheckpoint, weightsSha256, type Checkpoint } from '../../src/app/checkpoint.ts';
import { testCheckpoint } from '../checkpoint-fixture.ts';
import { parseMetricsLine } from '../../src/nbp/metrics.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';
import { cli, tempDir, trainArgs } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

const checkpoint = (semantics: 'loihi' | 'numpy' = 'loihi') => testCheckpoint({ semantics });
type Json = Record<string, any>;
const json = (c: Checkpoint): Json => JSON.parse(formatCheckpoint(c)) as Json;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Changes one base64 character of a matrix, keeping it valid base64 of the same length. */
function flipOne(b64: string, at: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const c = b64[at]!;
  return b64.slice(0, at) + alphabet[(alphabet.indexOf(c) + 1) % 64] + b64.slice(at + 1);
}

describe('checkpoint checksums', () => {
  it('records the SHA-256 of every matrix as synfire inspect prints it, and of config and progress', () => {
    const c = checkpoint();
    const j = json(c);
    expect(j.formatVersion).toBe(2);
    for (const m of ['W1', 'W2', 'P', 'M'] as const) expect(j.replicas[0].sha256[m]).toBe(weightsSha256(c.replicas[0]!.weights[m]));
    expect(j.sha256.config).toBe(sha(canonicalJson(c.config)));
    expect(parseCheckpoint(JSON.stringify(j), 'c.json').replicas[0]!.weights).toEqual(c.replicas[0]!.weights);
  });

  it('detects one changed base64 character in any matrix', () => {
    for (const m of ['W1', 'W2', 'P', 'M']) {
      for (const at of [0, 5, 17]) {
        const j = json(checkpoint());
        j.replicas[0][m] = flipOne(j.replicas[0][m], at);
        expect(() => parseCheckpoint(JSON.stringify(j), 'c.json')).toThrow(
          new RegExp(`c\\.json: \\$\\.replicas\\[0\\]\\.${m} does not match its sha256 checksum .*damaged`),
        );
      }
    }
  });

  it('detects edits of the config and the progress', () => {
    const j = json(checkpoint());
    j.config.seed = 2;
    expect(() => parseCheckpoint(JSON.stringify(j), 'c.json')).toThrow(/c\.json: \$\.config does not match its sha256 checksum/);
    const k = json(checkpoint());
    k.progress.samples = 11;
    expect(() => parseCheckpoint(JSON.stringify(k), 'c.json')).toThrow(/\$\.progress, \$\.epochs or the replica seeds do not match/);
    const l = json(checkpoint());
    l.replicas[0].seed = 7;
    expect(() => parseCheckpoint(JSON.stringify(l), 'c.json')).toThrow(/replica seeds do not match/);
  });

  it('checks weights like --init-weights even when the checksum matches (odd weight in loihi semantics, out of range)', () => {
    const odd = checkpoint();
    odd.replicas[0]!.weights.W2[4] = 7;
    expect(() => parseCheckpoint(formatCheckpoint(odd), 'c.json')).toThrow(
      /c\.json: \$\.replicas\[0\]\.W2\[1\]\[1\] = 7 is odd; Loihi weights are even/,
    );
    const numpy = checkpoint('numpy');
    numpy.replicas[0]!.weights.W2[4] = 7;
    expect(parseCheckpoint(formatCheckpoint(numpy), 'c.json').replicas[0]!.weights.W2[4]).toBe(7);
    const big = checkpoint();
    big.replicas[0]!.weights.W1[3] = 300;
    expect(() => parseCheckpoint(formatCheckpoint(big), 'c.json')).toThrow(
      /\$\.replicas\[0\]\.W1\[0\]\[3\] = 300 is outside the 8-bit weight range \[-256, 254\]/,
    );
  });

  it('names the JSON path of structural problems', () => {
    const cases: Array<[(j: Json) => void, RegExp]> = [
      [
        (j) => {
          j.config.seed = 'one';
        },
        /c\.json: \$\.config\.seed: .*got "one"/,
      ],
      [
        (j) => {
          delete j.progress.epoch;
        },
        /c\.json: \$\.progress\.epoch: missing required field/,
      ],
      [
        (j) => {
          j.config.extra = 1;
        },
        /c\.json: \$\.config\.extra: /,
      ],
      [
        (j) => {
          j.replicas[0].W1 = 5;
        },
        /c\.json: \$\.replicas\[0\]\.W1: .*got 5/,
      ],
      [
        (j) => {
          j.config.shape.nIn = 0;
        },
        /c\.json: \$\.config\.shape\.nIn: .*got 0/,
      ],
      [
        (j) => {
          j.config.semantics = 'float';
        },
        /c\.json: \$\.config\.semantics: .*got "float"/,
      ],
      [
        (j) => {
          j.formatVersion = 9;
        },
        /format version 9 is not supported/,
      ],
      [
        (j) => {
          delete j.sha256;
        },
        /format version 2 checkpoint without its sha256 checksums/,
      ],
    ];
    for (const [edit, re] of cases) {
      const j = json(checkpoint());
      edit(j);
      expect(() => parseCheckpoint(JSON.stringify(j), 'c.json')).toThrow(re);
    }
    expect(() => parseCheckpoint('{"format": "synfire-nbp-checkpoint",\n "x": }', 'c.json')).toThrow(
      /c\.json: not valid JSON \(line 2 column 7 \(position 43\)/,
    );
  });

  it('refuses format-1 checkpoints (no checksums) unless --accept-unverified is given', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    expect((await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '10', '--out', dir)).rc).toBe(0);
    const file = join(dir, 'checkpoint.json');
    const j = JSON.parse(readFileSync(file, 'utf8')) as Json;
    j.formatVersion = 1;
    delete j.sha256;
    for (const r of j.replicas) delete r.sha256;
    delete j.config.data;
    writeFileSync(file, JSON.stringify(j));
    const refused = await cli('inspect', dir);
    expect(refused.rc).toBe(1);
    expect(refused.err).toMatch(/checkpoint\.json: format version 1 checkpoint has no checksums.*--accept-unverified/);
    expect((await cli('train', '--out', dir, '--resume', '--data-dir', data, '--backend', 'cpu', '--threads', '0')).rc).toBe(1);
    const inspected = await cli('inspect', dir, '--accept-unverified');
    expect(inspected.rc).toBe(0);
    expect(inspected.err).toMatch(/warning: .*checkpoint\.json has no checksums \(format version 1\); loaded unverified/);
    const resumed = await cli('train', '--out', dir, '--resume', '--accept-unverified', '--data-dir', data, '--backend', 'cpu', '--threads', '0');
    expect(resumed.rc).toBe(0);
    expect(resumed.err).toMatch(/does not record its data's identity/);
    // The resumed run wrote a verified checkpoint (format 2, with the data's identity).
    const after = readCheckpoint(dir);
    expect(after.progress.samples).toBe(40);
    expect(after.config.data?.train.n).toBe(40);
    expect((JSON.parse(readFileSync(file, 'utf8')) as Json).formatVersion).toBe(2);
  });

  it('a damaged checkpoint stops eval, inspect, export and resume with the file named', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    expect((await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '10', '--out', dir)).rc).toBe(0);
    const file = join(dir, 'checkpoint.json');
    const j = JSON.parse(readFileSync(file, 'utf8')) as Json;
    j.replicas[0].W1 = flipOne(j.replicas[0].W1, 100);
    writeFileSync(file, JSON.stringify(j));
    for (const args of [
      ['inspect', dir],
      ['export', dir, join(dir, 'w.json')],
      ['eval', '--checkpoint', dir, '--backend', 'cpu', '--data-dir', data],
      ['train', '--out', dir, '--resume', '--data-dir', data, '--backend', 'cpu'],
    ]) {
      const r = await cli(...args);
      expect(r.rc).toBe(1);
      expect(r.err).toMatch(/checkpoint\.json: \$\.replicas\[0\]\.W1 does not match its sha256 checksum/);
    }
  });

  it('metrics lines are checked by one schema with precise paths', () => {
    const row = {
      replica: 0,
      seed: 1,
      epoch: 0.5,
      samples: 20,
      acc_spikes: 0.5,
      acc_membrane: 0.25,
      acc_exact: 0.1,
      mse: 0.2,
      silent: 0,
      train_samples_per_s: 100,
      backend: 'cpu',
    };
    expect(parseMetricsLine(JSON.stringify(row), 'm.jsonl line 1')).toEqual(row);
    expect(() => parseMetricsLine(JSON.stringify({ ...row, acc_spikes: 1.5 }), 'm.jsonl line 2')).toThrow(
      /m\.jsonl line 2: \$\.acc_spikes: .*got 1\.5/,
    );
    expect(() => parseMetricsLine(JSON.stringify({ ...row, samples: undefined }), 'm.jsonl line 3')).toThrow(
      /m\.jsonl line 3: \$\.samples: missing required field/,
    );
  });
});
