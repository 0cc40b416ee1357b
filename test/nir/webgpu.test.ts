/** An imported published NIR graph gives the same spikes and u/v on the CPU oracle and on WebGPU (fails without an adapter). */
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.ts';
import { createWebgpuBackend } from '../../src/backends/webgpu/index.ts';
import type { Backend, ReplicaRecording } from '../../src/backends/types.ts';
import { readNir } from '../../src/nir/graph.ts';
import { importNir } from '../../src/nir/import.ts';
import { diffRecording, releaseGpu, testGpu } from '../webgpu/helpers.ts';
import { fixture } from './helpers.ts';

afterAll(releaseGpu);

async function record(backend: Backend, file: string, steps: number): Promise<ReplicaRecording> {
  const { network } = importNir(await readNir(fixture(file)), { dt: 1e-4 });
  const stateSteps = Array.from({ length: steps }, (_, t) => t);
  const sim = await backend.create(network, { recording: { spikes: 'all', state: 'all', stateSteps } });
  // Input spikes: a moving bar over the 12 Braille channels, densest in the first half.
  const input = Array.from({ length: steps }, (_, t) => [t, (t * 5) % 12] as [number, number]).filter(([t]) => t < steps / 2 || t % 3 === 0);
  sim.injectSpikes('input', input);
  await sim.run(steps);
  const [rec] = await sim.readRecording();
  sim.dispose();
  return rec!;
}

describe('imported NIR graph on cpu and webgpu', () => {
  for (const file of ['braille_noDelay_bias_zero.nir', 'braille_noDelay_noBias_subtract.nir']) {
    it(`${file}: identical spikes and state`, async () => {
      const gpu = await createWebgpuBackend(await testGpu());
      const steps = 300;
      const cpu = await record(createCpuBackend(), file, steps);
      const web = await record(gpu, file, steps);
      const total = Object.values(cpu.spikes).reduce((a, s) => a + s.length, 0);
      expect(total).toBeGreaterThan(100);
      expect(cpu.spikes.lif2!.length).toBeGreaterThan(0);
      expect(diffRecording(cpu, web, 0)).toBeNull();
    });
  }
});

describe('synfire run --backend webgpu', () => {
  it('writes the same spikes as --backend cpu for an imported graph', async () => {
    await testGpu(); // fails here, not later, without an adapter
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { cli } = await import('./helpers.ts');
    const dir = mkdtempSync(join(tmpdir(), 'synfire-nir-gpu-'));
    try {
      expect((await cli('import-nir', fixture('lif_norse.nir'), '--out', join(dir, 'n.json'), '--dt', '1e-4')).rc).toBe(0);
      writeFileSync(join(dir, 'in.json'), JSON.stringify({ spikes: { input: Array.from({ length: 150 }, (_, t) => [t, 0]) } }));
      const outs = [];
      for (const backend of ['cpu', 'webgpu']) {
        const r = await cli(
          'run',
          join(dir, 'n.json'),
          '--steps',
          '200',
          '--backend',
          backend,
          '--input',
          join(dir, 'in.json'),
          '--record-state',
          'all',
          '--out',
          join(dir, `${backend}.json`),
        );
        expect(r.rc, r.err).toBe(0);
        outs.push(JSON.parse(readFileSync(join(dir, `${backend}.json`), 'utf8')));
      }
      expect(outs[1].backend).toBe('webgpu');
      expect(outs[0].spikes['1'].length).toBeGreaterThan(10);
      expect(outs[1].spikes).toEqual(outs[0].spikes);
      expect(outs[1].state).toEqual(outs[0].state);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
