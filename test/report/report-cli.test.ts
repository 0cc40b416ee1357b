import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as report } from '../../src/cli/commands/report.ts';

const synfire = (args: string[]) =>
  execFileSync(process.execPath, ['bin/synfire.mjs', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('synfire report on a real (small) training run', () => {
  it('reports metrics, the circuit raster, weight histograms and the Loihi estimate', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'synfire-run-')), 'run');
    synfire([
      'train',
      '--dataset',
      'mnist',
      '--epochs',
      '1',
      '--samples',
      '600',
      '--seed',
      '3',
      '--replicas',
      '2',
      '--backend',
      'cpu',
      '--threads',
      '1',
      '--out',
      dir,
    ]);
    synfire(['raster', dir, '--sample', '4']);
    const out = join(dir, 'out.html');
    expect(await report([dir, '--out', out])).toBe(0);
    const html = readFileSync(out, 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="synfire-report-data">(.*?)<\/script>/s.exec(html)![1]!) as {
      metrics: Array<{ replica: number; samples: number }>;
      histograms: Array<{ matrix: string; replica: number; count: number }>;
      raster: { sample: number; populations: Array<{ name: string }> } | null;
      energy: {
        perSample: { synOps: number; neuronUpdates: number; learnFullSweep: number };
        energyJ: { total: [number, number] };
        paper: { energyJ: number };
      } | null;
    };
    expect(new Set(data.metrics.map((m) => m.replica))).toEqual(new Set([0, 1]));
    expect(Math.max(...data.metrics.map((m) => m.samples))).toBe(600);
    expect(data.histograms.map((h) => [h.matrix, h.replica, h.count])).toEqual([
      ['W1', 0, 160000],
      ['W2', 0, 4000],
      ['W1', 1, 160000],
      ['W2', 1, 4000],
    ]);
    expect(data.raster?.sample).toBe(4);
    expect(data.raster?.populations.map((p) => p.name)).toContain('h1T');
    // The circuit has 3282 compartments and 500000 plastic synapses (nbp.md §1.2), so these counts are exact.
    expect(data.energy!.perSample.neuronUpdates).toBe(3282 * 12);
    expect(data.energy!.perSample.learnFullSweep).toBe(500000 * 12);
    expect(data.energy!.perSample.synOps).toBeGreaterThan(1e5);
    expect(data.energy!.paper.energyJ).toBe(0.59e-3);
    expect(html).toContain('paper, measured on Loihi');
  });

  it('says what is wrong with a directory that is not a run', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'synfire-empty-'));
    await expect(report([empty])).rejects.toThrow(/metrics\.jsonl not found: is '.*' a training run/);
  });
});
