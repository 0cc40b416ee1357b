/** `synfire raster DIR --sample K`: one sample's spikes of all 27 populations across its 12 phases. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCheckpoint } from '../../src/app/checkpoint.ts';
import { run } from '../../src/cli/commands/raster.ts';
import { recordRaster, type Raster } from '../../src/nbp/circuit/raster.ts';
import { trainSampleLoihi, cloneWeights } from '../../src/nbp/algorithm.ts';
import { SHAPE, initial, mnistTrain } from './helpers.ts';

describe('raster', () => {
  it('records sample K in phases 0..11 with every population in its designed phases', async () => {
    const data = mnistTrain();
    const w = initial(9);
    const K = 12;
    const raster = await recordRaster({ shape: SHAPE, weights: w, data, sample: K, backend: 'cpu' });
    expect(raster.populations).toHaveLength(27);
    expect(raster.phases.map((p) => p.phase)).toEqual([...Array(12).keys()]);
    expect(raster.violations).toEqual([]);
    expect(raster.firstStep).toBe(12);
    const pop = (name: string) => raster.populations.find((p) => p.name === name)!;
    for (let j = 0; j < 12; j++) expect(pop(`g${String(j).padStart(2, '0')}`).spikes).toEqual([[(j + 11) % 12, 0]]);
    const active = Array.from(data.x.subarray(K * 400, K * 400 + 400)).flatMap((v, i) => (v ? [i] : []));
    expect(
      pop('x')
        .spikes.filter(([s]) => s === 1)
        .map(([, i]) => i),
    ).toEqual(active);
    expect(pop('t').spikes).toEqual([[3, data.labels[K]]]);
    for (const p of raster.populations) for (const [s] of p.spikes) expect(p.phases, `${p.name} at ${s}`).toContain(s);
    // The weight changes are those of one sample of the chip algorithm.
    const ref = cloneWeights(w);
    const trace = trainSampleLoihi(SHAPE, ref, data.x.subarray(K * 400, K * 400 + 400), data.labels[K]!);
    const changed = (a: Int32Array, b: Int32Array) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
    expect(raster.changed).toEqual({ W1: changed(ref.W1, w.W1), W2: changed(ref.W2, w.W2), P: changed(ref.P, w.P), M: changed(ref.M, w.M) });
    expect(
      pop('h1')
        .spikes.filter(([s]) => s === 2)
        .map(([, i]) => i),
    ).toEqual([...trace.h].flatMap((v, i) => (v ? [i] : [])));
    expect(
      pop('o')
        .spikes.filter(([s]) => s === 3)
        .map(([, i]) => i),
    ).toEqual([...trace.o].flatMap((v, i) => (v ? [i] : [])));
    const ones = (m: Uint8Array) => [...m].flatMap((v, i) => (v ? [i] : []));
    expect(
      pop('h1')
        .spikes.filter(([s]) => s === 7)
        .map(([, i]) => i),
    ).toEqual(ones(trace.d1p));
    expect(
      pop('h1')
        .spikes.filter(([s]) => s === 11)
        .map(([, i]) => i),
    ).toEqual(ones(trace.d1m));
    expect(trace.d1p.some((v) => v) || trace.d1m.some((v) => v)).toBe(true);
  });

  it('the command reads a run directory and writes DIR/raster-sample-K.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synfire-raster-'));
    try {
      const w = initial(4);
      writeCheckpoint(dir, {
        config: {
          dataset: 'mnist',
          engine: 'circuit',
          semantics: 'loihi',
          seed: 4,
          replicas: 1,
          shape: SHAPE,
          trainSize: 60000,
          initWeightsSha256: null,
          orderSha256: null,
          remedies: null,
        },
        progress: { samples: 0, epoch: 0, offset: 0 },
        epochs: 1,
        replicas: [{ replica: 0, seed: 4, weights: w }],
        savedAt: new Date(0).toISOString(),
        version: 'test',
      });
      expect(await run([dir, '--sample', '3'])).toBe(0);
      const file = JSON.parse(readFileSync(join(dir, 'raster-sample-3.json'), 'utf8')) as Raster & { replica: number };
      expect([file.format, file.sample, file.replica, file.populations.length, file.dataset]).toEqual(['synfire-raster/1', 3, 0, 27, 'mnist-train']);
      await expect(run([dir])).rejects.toThrow(/--sample K is required/);
      await expect(run([dir, '--sample', '3', '--replica', '2'])).rejects.toThrow(/--replica 2 is out of range 0\.\.0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
