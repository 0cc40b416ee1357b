/** Issue 11 "also": `synfire train` and `synfire eval` release the GPU device even when they fail. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeSyntheticDataDir } from '../data/fixtures.ts';

const gpu = vi.hoisted(() => ({ destroyed: 0, acquired: 0 }));
vi.mock('../../src/nbp/engines.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/nbp/engines.ts')>();
  return {
    ...real,
    // A WebGPU selection whose trainer creation fails (as a shader compile error or lost device would).
    selectBackend: async () => {
      gpu.acquired++;
      return { backend: 'webgpu' as const, reason: 'test', ctx: { destroy: () => void gpu.destroyed++ } };
    },
    createTrainer: async () => {
      throw new Error('simulated device failure');
    },
  };
});

const { cli, tempDir, trainArgs } = await import('./helpers.ts');

afterEach(() => vi.restoreAllMocks());

describe('GPU device release', () => {
  it('train destroys the device when creating the trainer throws', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const before = gpu.destroyed;
    const r = await cli(...trainArgs(data).map((a) => (a === 'cpu' ? 'webgpu' : a)), '--epochs', '1', '--seed', '1', '--out', tempDir());
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/simulated device failure/);
    expect(gpu.destroyed - before).toBe(1);
  });

  it('eval destroys the device when creating the trainer throws', async () => {
    const data = writeSyntheticDataDir(40, 20);
    const dir = tempDir();
    // A weights file to evaluate (training is mocked to fail in this file).
    const { formatWeightsJson } = await import('../../src/app/weights-json.ts');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const w = join(dir, 'w.json');
    writeFileSync(w, formatWeightsJson({ nIn: 400, nHid: 400, nOut: 10 }, new Int32Array(160000), new Int32Array(4000)));
    const before = gpu.destroyed;
    const r = await cli('eval', '--checkpoint', w, '--dataset', 'mnist', '--data-dir', data, '--backend', 'webgpu');
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/simulated device failure/);
    expect(gpu.destroyed - before).toBe(1);
  });
});
