/**
 * The circuit on the CPU backend gives bit-identical weights to the fused CPU trainer ('loihi' semantics) from the
 * same initial weights on the same sample order (nbp-circuit.md §3), over 200+ MNIST samples and two replicas.
 */
import { describe, expect, it } from 'vitest';
import { createCircuitTrainer } from '../../src/nbp/circuit/engine.ts';
import { createCpuFusedTrainer } from '../../src/nbp/fused-cpu.ts';
import type { NbpWeights } from '../../src/nbp/types.ts';
import { SHAPE, initial, mnistTrain, order, same } from './helpers.ts';

const compare = (label: string, a: NbpWeights, b: NbpWeights): string[] =>
  (['W1', 'W2', 'P', 'M'] as const).map((k) => same(`${label} ${k}`, a[k], b[k]));
const IDENTICAL = ['identical', 'identical', 'identical', 'identical'];

describe('circuit (cpu) = fused cpu trainer, loihi semantics', () => {
  it('200 samples per replica in two train() calls, then setWeights and 40 more', async () => {
    const train = mnistTrain();
    const init = [initial(5), initial(6)];
    const orders = [order(5, 240), order(6, 240, 1)];
    const opts = { shape: SHAPE, semantics: 'loihi' as const, train, initial: init };
    const fused = await createCpuFusedTrainer(opts, { threads: 0 });
    const circuit = await createCircuitTrainer({ ...opts, samplesPerRun: 50 }, 'cpu');
    try {
      for (const [from, to] of [
        [0, 130],
        [130, 200],
      ] as const) {
        const chunk = orders.map((o) => o.slice(from, to));
        await fused.train(chunk);
        await circuit.train(chunk);
        for (let r = 0; r < 2; r++)
          expect(compare(`after ${to}, replica ${r}`, await circuit.getWeights(r), await fused.getWeights(r))).toEqual(IDENTICAL);
      }
      expect(circuit.samplesRun).toBe(200);
      // The weights really moved, and differently per replica.
      const w0 = await circuit.getWeights(0);
      expect(same('W1', w0.W1, init[0]!.W1)).not.toBe('identical');
      // setWeights reaches every copy: swap the replicas' weights and keep training.
      const w1 = await circuit.getWeights(1);
      for (const t of [fused, circuit]) {
        await t.setWeights(0, w1);
        await t.setWeights(1, w0);
      }
      const rest = orders.map((o) => o.slice(200, 240));
      await fused.train(rest);
      await circuit.train(rest);
      for (let r = 0; r < 2; r++) {
        expect(compare(`after 240, replica ${r}`, await circuit.getWeights(r), await fused.getWeights(r))).toEqual(IDENTICAL);
        const c = await circuit.readCopies(r);
        expect([
          same('W1 copy', c.W1[1], c.W1[0]),
          same('W1 copy2', c.W1[2], c.W1[0]),
          same('W2 copy', c.W2[1], c.W2[0]),
          same('W2 copy2', c.W2[2], c.W2[0]),
        ]).toEqual(IDENTICAL);
      }
    } finally {
      fused.dispose();
      circuit.dispose();
    }
  });

  it('refuses the numpy semantics and remedies with a clear error', async () => {
    const base = { shape: SHAPE, train: mnistTrain(), initial: [initial(1)] };
    await expect(createCircuitTrainer({ ...base, semantics: 'numpy' }, 'cpu')).rejects.toThrow(/--semantics loihi/);
    await expect(createCircuitTrainer({ ...base, semantics: 'loihi', remedies: { x: true } }, 'cpu')).rejects.toThrow(/remedies/);
    const t = await createCircuitTrainer({ ...base, semantics: 'loihi' }, 'cpu');
    await expect(t.train([order(1, 3), order(2, 3)])).rejects.toThrow(/2 orders for 1 replicas/);
    await expect(t.train([Uint32Array.of(60000)])).rejects.toThrow(/order\[0\] = 60000 is outside the training set \(0\.\.59999\)/);
    t.dispose();
  });
});
