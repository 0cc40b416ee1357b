/**
 * Issue 11.5: --out under /proc (train, replay) used to spin at 100 % CPU (Node's recursive mkdir loops on
 * /proc's ENOENT), and a read-only mount reported ENOENT. Directories are now created one level at a time, and
 * virtual file systems are refused by name. (EROFS itself needs a read-only mount, i.e. root: checked by hand, see
 * the report; here the same code path is exercised with a file in the way.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeRunDir } from '../../src/app/durable.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';
import { TRACES_DIR } from '../paths.ts';
import { cli, tempDir, trainArgs } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

describe('run directory paths', () => {
  it('refuses /proc and /sys quickly, naming the file system', () => {
    const t0 = Date.now();
    expect(() => makeRunDir('/proc/synfire-test/run')).toThrow(
      /\/proc\/synfire-test\/run: \/proc is on the virtual proc file system, which cannot hold files/,
    );
    expect(() => makeRunDir('/sys/synfire-test')).toThrow(/\/sys is on the virtual sysfs file system/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('train and replay with --out under /proc fail at once with exit 1', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const train = await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--out', '/proc/synfire-run');
    expect(train.rc).toBe(1);
    expect(train.err).toMatch(/\/proc\/synfire-run: \/proc is on the virtual proc file system/);
    const replay = await cli('replay', TRACES_DIR, '--out', '/proc/synfire-out/x');
    expect(replay.rc).toBe(1);
    expect(replay.err).toMatch(/\/proc\/synfire-out\/x: \/proc is on the virtual proc file system/);
  });

  it('creates missing parents, accepts existing directories, and names what is in the way', () => {
    const root = tempDir();
    makeRunDir(join(root, 'a/b/c'));
    expect(existsSync(join(root, 'a/b/c'))).toBe(true);
    makeRunDir(join(root, 'a/b/c'));
    writeFileSync(join(root, 'file'), 'x');
    expect(() => makeRunDir(join(root, 'file'))).toThrow(/file is not a directory/);
    expect(() => makeRunDir(join(root, 'file/sub'))).toThrow(/file is not a directory/);
  });
});
