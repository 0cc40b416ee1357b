/** The 4-step inference circuit predicts exactly what the fused inference predicts (CPU backend). */
import { describe, expect, it } from 'vitest';
import { createCircuitTrainer } from '../../src/nbp/circuit/engine.ts';
import { runInferenceCircuit } from '../../src/nbp/circuit/inference.ts';
import { createCpuFusedTrainer } from '../../src/nbp/fused-cpu.ts';
import { inferReference } from '../../src/nbp/algorithm.ts';
import { getBackend } from '../../src/backends/index.ts';
import { SHAPE, initial, mnistTest, mnistTrain, order } from './helpers.ts';

describe('inference circuit (cpu)', () => {
  it('300 test samples, 2 replicas: outputs and a2 per sample = the reference; metrics = fused evaluate()', async () => {
    const train = mnistTrain();
    const test = mnistTest(300);
    const opts = { shape: SHAPE, semantics: 'loihi' as const, train, initial: [initial(21), initial(22)] };
    const circuit = await createCircuitTrainer(opts, 'cpu');
    const fused = await createCpuFusedTrainer(opts, { threads: 0 });
    const orders = [order(21, 150), order(22, 150)];
    await circuit.train(orders);
    await fused.train(orders);
    const weights = [await circuit.getWeights(0), await circuit.getWeights(1)];
    const res = await runInferenceCircuit(await getBackend('cpu'), SHAPE, weights, test);
    for (let r = 0; r < 2; r++) {
      let fired = 0;
      for (let k = 0; k < test.n; k++) {
        const ref = inferReference(SHAPE, weights[r]!.W1, weights[r]!.W2, test.x.subarray(k * 400, (k + 1) * 400));
        expect(Array.from(res.outputs[r]!.subarray(k * 10, k * 10 + 10)), `replica ${r} sample ${k} o`).toEqual(Array.from(ref.o));
        expect(Array.from(res.a2[r]!.subarray(k * 10, k * 10 + 10)), `replica ${r} sample ${k} a2`).toEqual(Array.from(ref.a2));
        fired += ref.o.reduce((a, v) => a + v, 0);
      }
      expect(fired, `replica ${r} output spikes`).toBeGreaterThan(50);
    }
    const fusedMetrics = await fused.evaluate(test);
    expect(await circuit.evaluate(test)).toEqual(fusedMetrics);
    expect(res.metrics).toEqual(fusedMetrics);
    for (const m of fusedMetrics) expect(m.acc_membrane).toBeGreaterThan(0.2); // above chance: the weights learned something
    expect(res.stats.steps).toBe(4 * 300 + 4);
    circuit.dispose();
    fused.dispose();
  });
});
