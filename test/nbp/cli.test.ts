import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli as runCli } from '../cli.ts';
import { readCheckpoint, weightsSha256 } from '../../src/app/checkpoint.ts';
import { cloneWeights, trainSampleReference, weightsFrom } from '../../src/nbp/algorithm.ts';
import { parseWeightsJson } from '../../src/app/weights-json.ts';
import { loadDataset } from '../../src/data/load.ts';
import { writeSyntheticDataDir } from '../data/fixtures.ts';

let data: string;
const runs = () => mkdtempSync(join(tmpdir(), 'synfire-run-'));
let out = '';
let err = '';

beforeAll(() => {
  data = writeSyntheticDataDir(40, 20);
});
afterEach(() => vi.restoreAllMocks());

/** Runs the CLI; what it printed is left in `out` and `err`. */
async function cli(...args: string[]): Promise<number> {
  const r = await runCli(...args);
  out = r.out;
  err = r.err;
  return r.rc;
}

const base = () => ['train', '--dataset', 'mnist', '--data-dir', data, '--backend', 'cpu', '--threads', '0'];
const metrics = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const stable = (rows: Array<Record<string, unknown>>) =>
  rows.map(({ train_samples_per_s: _a, train_samples_per_s_total: _b, eval_samples_per_s: _c, ...rest }) => rest);

describe('synfire train', () => {
  it('trains, evaluates every half epoch and checkpoints; --resume continues bit-identically', async () => {
    const full = runs();
    expect(await cli(...base(), '--epochs', '2', '--seed', '3', '--replicas', '2', '--out', full)).toBe(0);
    const rows = metrics(full);
    expect(rows.map((r) => [r.replica, r.epoch, r.samples])).toEqual([
      [0, 0.5, 20],
      [1, 0.5, 20],
      [0, 1, 40],
      [1, 1, 40],
      [0, 1.5, 60],
      [1, 1.5, 60],
      [0, 2, 80],
      [1, 2, 80],
    ]);
    for (const key of ['acc_spikes', 'acc_membrane', 'acc_exact', 'mse', 'silent', 'train_samples_per_s'])
      expect(typeof rows[0]![key]).toBe('number');
    expect(rows[1]!.seed).toBe(4);
    expect(out).toMatch(/acc_spikes .*±/);

    // Interrupted inside epoch 0 (after its half-epoch evaluation) and inside epoch 1, then resumed.
    const parts = runs();
    expect(await cli(...base(), '--epochs', '2', '--seed', '3', '--replicas', '2', '--out', parts, '--samples', '27')).toBe(0);
    expect(readCheckpoint(parts).progress).toEqual({ samples: 27, epoch: 0, offset: 27 });
    // A crash after a metrics append but before the checkpoint leaves later (or torn) lines: resume drops them.
    appendFileSync(join(parts, 'metrics.jsonl'), '{"replica":0,"samples":40,"acc_spikes":0.5}\n{"replica":1,"sam');
    expect(await cli('train', '--out', parts, '--resume', '--samples', '53', '--backend', 'cpu', '--threads', '0', '--data-dir', data)).toBe(0);
    expect(await cli('train', '--out', parts, '--resume', '--backend', 'cpu', '--threads', '0', '--data-dir', data)).toBe(0);
    const a = readCheckpoint(full);
    const b = readCheckpoint(parts);
    expect(b.progress).toEqual(a.progress);
    expect(b.replicas).toEqual(a.replicas);
    const extra = new Set([27, 53]);
    expect(stable(metrics(parts).filter((r) => !extra.has(r.samples as number)))).toEqual(stable(rows));
  });

  it('follows --init-weights and --order exactly (checked against the per-sample reference), and export round-trips', async () => {
    const first = runs();
    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', first, '--samples', '10')).toBe(0);
    const wfile = join(first, 'w.json');
    expect(await cli('export', first, wfile)).toBe(0);
    const order = [
      [5, 3, 3, 39, 0, 12],
      [7, 7, 1],
    ];
    const ofile = join(first, 'order.json');
    writeFileSync(ofile, JSON.stringify(order));
    for (const semantics of ['loihi', 'numpy'] as const) {
      const dir = runs();
      expect(
        await cli(
          ...base(),
          '--epochs',
          '2',
          '--seed',
          '9',
          '--semantics',
          semantics,
          '--init-weights',
          wfile,
          '--order',
          ofile,
          '--order-subsets',
          '--out',
          dir,
        ),
      ).toBe(0);
      expect(metrics(dir).map((r) => r.samples)).toEqual([3, 6, 7, 9]);
      // Resuming needs the same --order again, but not --init-weights.
      expect(await cli('train', '--out', dir, '--resume', '--epochs', '2', '--backend', 'cpu', '--threads', '0', '--data-dir', data)).toBe(1);
      expect(err).toMatch(/the run used an --order file .*pass the same --order FILE/);
      expect(
        await cli('train', '--out', dir, '--resume', '--order', ofile, '--order-subsets', '--backend', 'cpu', '--threads', '0', '--data-dir', data),
      ).toBe(0);
      expect(out).toMatch(/Test-set metrics after 9 samples/);
      const pair = parseWeightsJson(readFileSync(wfile, 'utf8'), wfile);
      const w = cloneWeights(weightsFrom(pair.W1, pair.W2));
      const train = loadDataset('mnist', 'train', { dataDir: data });
      for (const s of order.flat()) trainSampleReference(semantics, pair.shape, w, train.x.subarray(s * 400, s * 400 + 400), train.labels[s]!);
      const got = readCheckpoint(dir).replicas[0]!.weights;
      expect(got.W1).toEqual(w.W1);
      expect(got.W2).toEqual(w.W2);
      expect(await cli('inspect', dir)).toBe(0);
      expect(out).toContain(`W1  400×400   sha256 ${weightsSha256(w.W1)}`);
    }
  });

  it('trains Fashion-MNIST-shaped data (784 inputs) and evaluates a checkpoint', async () => {
    const dir = runs();
    expect(
      await cli(
        'train',
        '--dataset',
        'fashion',
        '--data-dir',
        data,
        '--backend',
        'cpu',
        '--threads',
        '0',
        '--epochs',
        '1',
        '--seed',
        '2',
        '--samples',
        '15',
        '--out',
        dir,
      ),
    ).toBe(0);
    expect(readCheckpoint(dir).config.shape).toEqual({ nIn: 784, nHid: 400, nOut: 10 });
    expect(await cli('eval', '--checkpoint', dir, '--backend', 'cpu', '--data-dir', data)).toBe(0);
    const report = JSON.parse(out) as { dataset: string; samples: number; replicas: Array<Record<string, number>> };
    expect(report.dataset).toBe('fashion');
    expect(report.samples).toBe(20);
    const last = metrics(dir).at(-1)!;
    expect(report.replicas[0]!.acc_spikes).toBe(last.acc_spikes);
    expect(report.replicas[0]!.mse).toBe(last.mse);
  });

  it('says what is wrong with the command line or the files', async () => {
    const dir = runs();
    expect(await cli('train', '--dataset', 'mnist')).toBe(2);
    expect(err).toMatch(/--out DIR is required/);
    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', dir, '--semantics', 'float')).toBe(2);
    expect(err).toMatch(/--semantics must be one of loihi, numpy, got 'float'/);
    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', dir, '--bogus')).toBe(2);
    expect(err).toMatch(/Unknown option '--bogus'/);
    expect(await cli(...base(), '--epochs', '0', '--seed', '1', '--out', dir)).toBe(2);
    expect(err).toMatch(/--epochs must be an integer in \[1, 100000\], got '0'/);
    expect(await cli(...base(), '--epochs', '1', '--out', dir)).toBe(2);
    expect(err).toMatch(/--seed is required/);
    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', dir, '--remedy', 'magic')).toBe(2);
    expect(err).toMatch(/unknown remedy 'magic'/);

    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', dir, '--samples', '5')).toBe(0);
    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', dir)).toBe(1);
    expect(err).toMatch(/already holds a training run \(5 samples per replica\); pass --resume/);
    expect(await cli(...base(), '--epochs', '1', '--seed', '2', '--out', dir, '--resume')).toBe(1);
    expect(err).toMatch(/cannot --resume .*different configuration \(seed: 1 → 2\)/);

    const odd = join(dir, 'odd.json');
    const W1 = Array.from({ length: 400 }, () => Array.from({ length: 400 }, () => 0));
    W1[3]![7] = 5;
    writeFileSync(odd, JSON.stringify({ W1, W2: Array.from({ length: 400 }, () => Array(10).fill(0)) }));
    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', runs(), '--init-weights', odd)).toBe(1);
    expect(err).toMatch(/odd\.json: W1\[3\]\[7\] = 5 is odd/);
    const order = join(dir, 'order.json');
    writeFileSync(order, '[[0, 1, 40]]');
    expect(await cli(...base(), '--epochs', '1', '--seed', '1', '--out', runs(), '--order', order)).toBe(1);
    expect(err).toMatch(/order\.json: epoch 0, position 2: 40 is not a training-set index \(0\.\.39\)/);
    writeFileSync(order, '[[0, 1]]');
    expect(await cli(...base(), '--epochs', '2', '--seed', '1', '--out', runs(), '--order', order)).toBe(1);
    expect(err).toMatch(/order\.json: has 1 epoch\(s\), --epochs asks for 2/);
    expect(await cli('eval', '--checkpoint', join(dir, 'nope'))).toBe(1);
    expect(err).toMatch(/nope not found/);
    expect(await cli('export', dir, join(dir, 'x.json'), '--replica', '1')).toBe(2);
    expect(err).toMatch(/--replica must be an integer in \[0, 0\]/);
  });
});
