/**
 * Issue 11.4: --resume with another --data-dir must not train one dataset's weights on another's images. The
 * data's identity (samples, SHA-256 of the encoded images and labels, per split) is recorded in config.json and
 * the checkpoint, and a mismatch is refused.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readCheckpoint } from '../../src/app/checkpoint.ts';
import { datasetSha256 } from '../../src/app/run.ts';
import { loadDataset } from '../../src/data/load.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';
import { cli, tempDir, trainArgs } from './helpers.ts';

afterEach(() => vi.restoreAllMocks());

describe('resume identity', () => {
  it('records the data identity and refuses to resume on different data', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    expect((await cli(...trainArgs(data), '--epochs', '2', '--seed', '1', '--samples', '20', '--out', dir)).rc).toBe(0);
    const identity = readCheckpoint(dir).config.data!;
    expect(identity.train).toEqual({ n: 40, sha256: datasetSha256(loadDataset('mnist', 'train', { dataDir: data })) });
    expect(identity.test.n).toBe(20);
    expect((JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { data: unknown }).data).toEqual(identity);

    // Another data set in --data-dir (its training set also has another size, as Fashion's would not; the
    // identity is checked first either way).
    const other = tempDir('synfire-other-');
    for (const f of readdirSync(data)) copyFileSync(join(data, f), join(other, f));
    const changed = writeSyntheticDataDir(60, 40);
    copyFileSync(join(changed, 'train-images-idx3-ubyte'), join(other, 'train-images-idx3-ubyte'));
    copyFileSync(join(changed, 'train-labels-idx1-ubyte'), join(other, 'train-labels-idx1-ubyte'));
    const r = await cli('train', '--out', dir, '--resume', '--data-dir', other, '--backend', 'cpu', '--threads', '0');
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `cannot --resume .*: --data-dir ${other} holds different train data than the run was trained on \\(40 samples, sha256 [0-9a-f]{16}… → 60 samples`,
      ),
    );
    expect(readCheckpoint(dir).progress.samples).toBe(20); // untouched

    // The same data gzipped is the same data.
    const gz = tempDir('synfire-gz-');
    for (const f of readdirSync(data)) writeFileSync(join(gz, `${f}.gz`), gzipSync(readFileSync(join(data, f))));
    expect((await cli('train', '--out', dir, '--resume', '--data-dir', gz, '--backend', 'cpu', '--threads', '0')).rc).toBe(0);
    expect(readCheckpoint(dir).progress.samples).toBe(80);
  });

  it('same size, one changed pixel is a different data set', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    expect((await cli(...trainArgs(data), '--epochs', '1', '--seed', '1', '--samples', '10', '--out', dir)).rc).toBe(0);
    const other = tempDir('synfire-px-');
    for (const f of readdirSync(data)) copyFileSync(join(data, f), join(other, f));
    const test = readFileSync(join(other, 't10k-images-idx3-ubyte'));
    const px = 16 + 784 * 3 + 28 * 10 + 10; // inside the 20×20 crop of test image 3
    test[px] = test[px]! > 128 ? 0 : 255;
    writeFileSync(join(other, 't10k-images-idx3-ubyte'), test);
    const r = await cli('train', '--out', dir, '--resume', '--data-dir', other, '--backend', 'cpu', '--threads', '0');
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/holds different test data than the run was trained on \(20 samples, sha256 [0-9a-f]{16}… → 20 samples/);
  });
});
