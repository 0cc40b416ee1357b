/**
 * Issue 11.1 and 11.9: a full disk (short writes, ENOSPC) never replaces a good checkpoint with a torn one and
 * fails the run with the file and ENOSPC named; temporary files orphaned by a kill are removed on the next start.
 * The full disk is simulated by injecting file-system calls (DurableFs), so no root or tmpfs is needed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFs, writeFileAtomic, writeFully, type DurableFs } from '../../src/app/durable.ts';
import { readCheckpoint, writeCheckpoint } from '../../src/app/checkpoint.ts';
import { testCheckpoint } from '../checkpoint-fixture.ts';
import { runTraining } from '../../src/app/run.ts';
import { createTrainer, selectBackend } from '../../src/nbp/engines.ts';
import type { ProgressSink } from '../../src/app/progress.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';
import { cli, tempDir, trainArgs } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

/** A file system whose disk holds only `capacity` more bytes: writes beyond it are short, then ENOSPC. */
function fullDisk(capacity: number, mode: 'short' | 'zero' = 'short'): DurableFs & { written: number } {
  const io = {
    ...nodeFs,
    written: 0,
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number {
      const room = capacity - io.written;
      if (room <= 0) {
        if (mode === 'zero') return 0;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      }
      const n = nodeFs.writeSync(fd, buffer, offset, Math.min(length, room));
      io.written += n;
      return n;
    },
  };
  return io;
}

const checkpoint = (samples: number) => testCheckpoint({ samples });

describe('full disk', () => {
  it('writeFully loops over short writes and treats a 0-byte write as a full disk', () => {
    const dir = tempDir();
    const file = join(dir, 'x');
    const fd = nodeFs.openSync(file, 'w');
    // Every write stores at most 3 bytes: the loop must still write everything.
    const dribble: DurableFs = { ...nodeFs, writeSync: (f, b, o, l) => nodeFs.writeSync(f, b, o, Math.min(l, 3)) };
    writeFully(fd, Buffer.from('hello, world'), file, dribble);
    nodeFs.closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('hello, world');
    const fd2 = nodeFs.openSync(file, 'w');
    expect(() => writeFully(fd2, Buffer.from('hello'), file, fullDisk(2, 'zero'))).toThrow(
      /x: cannot write \(ENOSPC: no space left on device: wrote 0 bytes\) after 2 of 5 bytes/,
    );
    nodeFs.closeSync(fd2);
  });

  for (const mode of ['short', 'zero'] as const) {
    it(`a ${mode === 'short' ? 'short write then ENOSPC' : 'short write then a 0-byte write'} keeps the previous checkpoint and names the file and ENOSPC`, () => {
      const dir = tempDir();
      writeCheckpoint(dir, checkpoint(10));
      const before = readFileSync(join(dir, 'checkpoint.json'), 'utf8');
      expect(() => writeCheckpoint(dir, checkpoint(20), { fs: fullDisk(300, mode) })).toThrow(
        /checkpoint\.json: not written .*ENOSPC: no space left on device/,
      );
      expect(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).toBe(before);
      expect(readCheckpoint(dir).progress.samples).toBe(10);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // the partial temp file is removed
    });
  }

  it('a failing rename or fsync also keeps the old file', () => {
    const dir = tempDir();
    const file = join(dir, 'a.json');
    writeFileSync(file, 'old');
    const eio = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    expect(() =>
      writeFileAtomic(file, 'new', {
        ...nodeFs,
        fsyncSync: () => {
          throw eio;
        },
      }),
    ).toThrow(/a\.json: not written .*EIO/);
    expect(() =>
      writeFileAtomic(file, 'new', {
        ...nodeFs,
        renameSync: () => {
          throw eio;
        },
      }),
    ).toThrow(/a\.json: not written .*EIO/);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('a training run on a full disk fails with ENOSPC named and its last good checkpoint intact', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    expect((await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '20', '--out', dir)).rc).toBe(0);
    const good = readFileSync(join(dir, 'checkpoint.json'), 'utf8');
    const logs: string[] = [];
    const progress: ProgressSink = { start() {}, update() {}, log: (l) => void logs.push(l), stop() {} };
    // Room for the metrics line and config.json, not for a whole checkpoint.
    const io = fullDisk(20_000);
    await expect(
      runTraining({
        out: dir,
        resume: true,
        dataDir: data,
        fs: io,
        progress,
        createTrainer: async (o) =>
          createTrainer(
            'fused',
            await selectBackend('cpu', async () => {
              throw new Error('no GPU');
            }),
            o,
            0,
          ),
      }),
    ).rejects.toThrow(/checkpoint\.json: not written .*ENOSPC: no space left on device/);
    expect(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).toBe(good);
    expect(readCheckpoint(dir).progress.samples).toBe(20);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]); // no temp file, no lock left behind
    // The CLI reports it as an error (exit 1) naming the file.
    // Resuming on a healthy disk then continues from the good checkpoint.
    const again = await cli('train', '--out', dir, '--resume', '--data-dir', data, '--backend', 'cpu', '--threads', '0');
    expect(again.rc).toBe(0);
    expect(readCheckpoint(dir).progress.samples).toBe(40);
  });

  it('removes temporary files orphaned by a killed run on the next start, and only those', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    expect((await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '20', '--out', dir)).rc).toBe(0);
    // PID 2^22+1 is above Linux's pid_max ceiling, so no process has it: a killed writer.
    const dead = 4194305;
    writeFileSync(join(dir, `.checkpoint.json.${dead}.tmp`), '{"torn');
    writeFileSync(join(dir, `.config.json.${dead}.tmp`), '{');
    writeFileSync(join(dir, `.synfire.lock.stale.${dead}`), '{}');
    writeFileSync(join(dir, 'notes.tmp'), 'kept: not ours');
    const r = await cli('train', '--out', dir, '--resume', '--data-dir', data, '--backend', 'cpu', '--threads', '0');
    expect(r.rc).toBe(0);
    expect(r.err).toMatch(/removed 3 temporary file\(s\) left by an interrupted run/);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint.json', 'config.json', 'metrics.jsonl', 'notes.tmp']);
    expect(existsSync(join(dir, '.synfire.lock'))).toBe(false);
  });
});
