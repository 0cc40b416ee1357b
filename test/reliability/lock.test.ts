/**
 * Issue 11.3: two trainings into one --out must not interleave. The run directory is locked exclusively
 * (DIR/.synfire.lock: PID, hostname, start time); a live holder is named in the error, a stale lock is taken over.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, lockRunDir, processAlive } from '../../src/app/run-lock.ts';
import { readCheckpoint } from '../../src/app/checkpoint.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';
import { cli, spawnCli, tempDir, trainArgs } from './helpers.ts';
import { ROOT } from '../paths.ts';

afterEach(() => vi.restoreAllMocks());

const DEAD_PID = 4194305; // above Linux's pid_max ceiling: never a live process

describe('run directory lock', () => {
  it('is exclusive: a second taker gets an error naming the holder; released, it can be taken again', () => {
    const dir = tempDir();
    const lock = lockRunDir(dir);
    const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; hostname: string };
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(() => lockRunDir(dir)).toThrow(/is already in use by this process/);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockRunDir(dir).release();
  });

  it('refuses a lock held by another live process and names its PID', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await new Promise((ok) => child.once('spawn', ok));
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({ pid: child.pid, hostname: hostname(), started: '2026-01-01T00:00:00Z', command: 'synfire train --out x' }),
      );
      expect(() => lockRunDir(dir)).toThrow(
        new RegExp(`is in use by PID ${child.pid} on ${hostname()}, started 2026-01-01T00:00:00Z: synfire train --out x`),
      );
      const data = writeSyntheticDataDir(40, 20);
      const r = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--out', dir);
      expect(r.rc).toBe(1);
      expect(r.err).toMatch(new RegExp(`in use by PID ${child.pid}`));
      expect(existsSync(join(dir, 'metrics.jsonl'))).toBe(false); // nothing written
    } finally {
      child.kill();
    }
  });

  it('takes over a stale lock (dead PID, or an unreadable lock file) and says so', () => {
    expect(processAlive(DEAD_PID)).toBe(false);
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, hostname: hostname(), started: 'x', command: 'y' }));
    const logs: string[] = [];
    lockRunDir(dir, (l) => logs.push(l)).release();
    expect(logs.join('\n')).toMatch(new RegExp(`removed a stale lock \\(PID ${DEAD_PID} is no longer running\\)`));
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    lockRunDir(dir, (l) => logs.push(l)).release();
    expect(logs.join('\n')).toMatch(/removed a stale lock \(unreadable lock file\)/);
  });

  it('does not guess about a lock from another host', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, hostname: 'elsewhere.example', started: 'x', command: 'y' }));
    expect(() => lockRunDir(dir)).toThrow(/in use by PID 4194305 on elsewhere\.example.*if that process is gone, delete the lock file/);
  });

  it('two concurrent trainings into one --out: exactly one runs, the other fails and nothing is mixed', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    const args = [...trainArgs(data), '--epochs', '2', '--out', dir];
    // Two real processes started together: one holds the lock (or has finished), the other must stop cleanly.
    const [a, b] = await Promise.all([spawnCli([...args, '--seed', '1']), spawnCli([...args, '--seed', '2'])]);
    expect([a.rc, b.rc].sort()).toEqual([0, 1]);
    expect((a.rc ? a : b).stderr).toMatch(/in use by PID \d+ on .*synfire\.mjs train|already holds a training run/);
    const ckpt = readCheckpoint(dir);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { seed: number };
    expect(config.seed).toBe(ckpt.config.seed);
    const seeds = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { seed: number }).seed);
    expect(new Set(seeds)).toEqual(new Set([ckpt.config.seed]));
    expect(seeds.length).toBe(4);
  });
});

describe('run directory lock under contention', () => {
  it('many processes racing for a stale lock: holders never overlap', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: DEAD_PID, hostname: hostname(), started: 'x', command: 'y' }));
    const log = join(dir, 'holds.log');
    const script = `
      import { appendFileSync } from 'node:fs';
      import { lockRunDir } from ${JSON.stringify(join(ROOT, 'src/app/run-lock.ts'))};
      const deadline = Date.now() + 20000;
      for (;;) {
        try {
          const lock = lockRunDir(${JSON.stringify(dir)});
          appendFileSync(${JSON.stringify(log)}, 'start ' + process.pid + '\\n');
          await new Promise((ok) => setTimeout(ok, 50));
          appendFileSync(${JSON.stringify(log)}, 'end ' + process.pid + '\\n');
          lock.release();
          break;
        } catch (err) {
          if (!/in use by/.test(err.message) || Date.now() > deadline) throw err;
          await new Promise((ok) => setTimeout(ok, 5 + Math.random() * 20));
        }
      }`;
    const procs = Array.from(
      { length: 6 },
      () =>
        new Promise<number | null>((ok) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
            cwd: ROOT,
            stdio: ['ignore', 'ignore', 'inherit'],
          });
          child.on('close', ok);
        }),
    );
    expect(await Promise.all(procs)).toEqual([0, 0, 0, 0, 0, 0]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.length).toBe(12);
    for (let i = 0; i < lines.length; i += 2) {
      const [a, pa] = lines[i]!.split(' ');
      const [b, pb] = lines[i + 1]!.split(' ');
      expect([a, b, pa]).toEqual(['start', 'end', pb]);
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  }, 60_000);
});
