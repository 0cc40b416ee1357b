import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Simulates a crash in the middle of writing: the first chunk reaches the disk, then the write throws.
const crash = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((fd: number, data: string) => {
    if (crash.on) {
      fs.writeSync(fd, data.slice(0, 1000));
      throw new Error('simulated crash during write');
    }
    return fs.writeSync(fd, data);
  }) as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { configDifferences, readCheckpoint, writeCheckpoint, weightsSha256 } = await import('../../src/app/checkpoint.ts');
const { testCheckpoint } = await import('../checkpoint-fixture.ts');
type Checkpoint = import('../../src/app/checkpoint.ts').Checkpoint;

/** A checkpoint whose weights include the extremes of the stored range. */
function checkpoint(samples: number): Checkpoint {
  const c = testCheckpoint({ samples });
  const w = c.replicas[0]!.weights;
  w.W1[0] = -256;
  w.W1[1] = 254;
  w.M[2] = -256;
  return c;
}

describe('checkpoints', () => {
  it('round-trip every weight exactly, including the 8-bit extremes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synfire-ckpt-'));
    const c = checkpoint(10);
    writeCheckpoint(dir, c);
    const back = readCheckpoint(dir);
    expect(back.progress).toEqual(c.progress);
    expect(back.config).toEqual(c.config);
    expect(back.replicas[0]!.weights).toEqual(c.replicas[0]!.weights);
  });

  it('a crash in the middle of a write leaves the previous checkpoint intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synfire-ckpt-'));
    writeCheckpoint(dir, checkpoint(10));
    crash.on = true;
    try {
      expect(() => writeCheckpoint(dir, checkpoint(20))).toThrow(/simulated crash/);
    } finally {
      crash.on = false;
    }
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false); // the torn temp file is removed...
    const back = readCheckpoint(dir); // ...and checkpoint.json is the old, complete one
    expect(back.progress.samples).toBe(10);
    expect(back.replicas[0]!.weights).toEqual(checkpoint(10).replicas[0]!.weights);
    writeCheckpoint(dir, checkpoint(20));
    expect(readCheckpoint(dir).progress.samples).toBe(20);
  });

  it('reports unreadable checkpoints and configuration differences clearly', () => {
    expect(() => readCheckpoint(mkdtempSync(join(tmpdir(), 'synfire-ckpt-')))).toThrow(
      /checkpoint\.json not found: is '.*' a training run directory/,
    );
    const a = checkpoint(1).config;
    expect(configDifferences(a, { ...a, seed: 2, semantics: 'numpy' })).toEqual(['semantics: "loihi" → "numpy"', 'seed: 1 → 2']);
  });

  it('hashes values as little-endian int32, row-major', () => {
    // Python: hashlib.sha256(struct.pack('<ii', 1, -1)).hexdigest()
    expect(weightsSha256(Int32Array.of(1, -1))).toBe('b15348c8f462384c01e83b6d499c6faf3f96808f5aa07c6bab4b65b36b4445d4');
  });
});
