/**
 * The circuit on the WebGPU backend: bit-identical weights to the fused CPU trainer ('loihi') over 200 MNIST
 * samples, the same spikes as the CPU backend, and 4-step inference = fused inference. SwiftShader runs WGSL on
 * the CPU, so sizes are small; without an adapter these tests fail (acquireGpu throws), they never skip.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../src/backends/webgpu/device.ts';
import { createCircuitTrainer } from '../../src/nbp/circuit/engine.ts';
import { phaseViolations } from '../../src/nbp/circuit/phases.ts';
import { createCpuFusedTrainer } from '../../src/nbp/fused-cpu.ts';
import { SHAPE, initial, mnistTest, mnistTrain, order, same } from './helpers.ts';

// Acquired inside each test, so that every test fails (rather than being skipped) when there is no adapter.
let device: Promise<GpuContext> | undefined;
const gpu = (): Promise<GpuContext> => (device ??= acquireGpu());
afterAll(async () => (await device?.catch(() => undefined))?.destroy());

const KEYS = ['W1', 'W2', 'P', 'M'] as const;

describe('circuit on WebGPU', () => {
  it('200 MNIST samples: weights = fused cpu trainer, all copies identical', async () => {
    const train = mnistTrain();
    const opts = { shape: SHAPE, semantics: 'loihi' as const, train, initial: [initial(31)] };
    const fused = await createCpuFusedTrainer(opts, { threads: 0 });
    const circuit = await createCircuitTrainer({ ...opts, samplesPerRun: 100 }, 'webgpu', await gpu());
    const o = order(31, 200);
    await fused.train([o]);
    await circuit.train([o]);
    const [c, f] = [await circuit.getWeights(0), await fused.getWeights(0)];
    expect(KEYS.map((k) => same(k, c[k], f[k]))).toEqual(KEYS.map(() => 'identical'));
    const copies = await circuit.readCopies(0);
    expect([
      same('W1 copy', copies.W1[1], copies.W1[0]),
      same('W1 copy2', copies.W1[2], copies.W1[0]),
      same('W2 copy', copies.W2[1], copies.W2[0]),
      same('W2 copy2', copies.W2[2], copies.W2[0]),
    ]).toEqual(KEYS.map(() => 'identical'));
    expect(circuit.stats().steps).toBe(12 + 12 * 200);
    circuit.dispose();
    fused.dispose();
  });

  it('2 replicas, one step per submit: the same spikes as the CPU backend, in the designed phases', async () => {
    const train = mnistTrain();
    const opts = { shape: SHAPE, semantics: 'loihi' as const, train, initial: [initial(41), initial(42)], recordSpikes: 'all' as const };
    const orders = [order(41, 6), order(42, 6)];
    const onGpu = await createCircuitTrainer({ ...opts, stepsPerSubmit: 1 }, 'webgpu', await gpu());
    const cpu = await createCircuitTrainer(opts, 'cpu');
    await onGpu.train(orders);
    await cpu.train(orders);
    const [g, c] = [await onGpu.simulation.readRecording(), await cpu.simulation.readRecording()];
    for (let r = 0; r < 2; r++) {
      expect(phaseViolations(g[r]!.spikes, onGpu.circuit.populations, onGpu.circuit.clock)).toEqual([]);
      for (const p of onGpu.circuit.populations) expect(g[r]!.spikes[p.name], `replica ${r} ${p.name}`).toEqual(c[r]!.spikes[p.name]);
      const [gw, cw] = [await onGpu.getWeights(r), await cpu.getWeights(r)];
      expect(KEYS.map((k) => same(k, gw[k], cw[k]))).toEqual(KEYS.map(() => 'identical'));
    }
    expect(onGpu.stats().submits).toBeGreaterThanOrEqual(onGpu.stats().steps);
    onGpu.dispose();
    cpu.dispose();
  });

  it('4-step inference on 200 test samples = fused inference', async () => {
    const train = mnistTrain();
    const opts = { shape: SHAPE, semantics: 'loihi' as const, train, initial: [initial(51)] };
    const fused = await createCpuFusedTrainer(opts, { threads: 0 });
    await fused.train([order(51, 300)]);
    const w = await fused.getWeights(0);
    const circuit = await createCircuitTrainer({ ...opts, initial: [w] }, 'webgpu', await gpu());
    const test = mnistTest(200);
    const [cm, fm] = [await circuit.evaluate(test), await fused.evaluate(test)];
    expect(cm).toEqual(fm);
    expect(fm[0]!.silent).toBeLessThan(0.9);
    circuit.dispose();
    fused.dispose();
  });
});
