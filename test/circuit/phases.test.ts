/** Phase discipline and copy identity of the training circuit on real MNIST samples (CPU backend). */
import { describe, expect, it } from 'vitest';
import { createCircuitTrainer } from '../../src/nbp/circuit/engine.ts';
import { phaseViolations } from '../../src/nbp/circuit/phases.ts';
import { weightsFrom } from '../../src/nbp/algorithm.ts';
import type { MarginCrossing } from '../../src/nbp/circuit/margins.ts';
import { SHAPE, initial, mnistTrain, order, same } from './helpers.ts';

const N = 20;

describe('training circuit on 20 MNIST samples (cpu)', async () => {
  const train = mnistTrain();
  const crossings: MarginCrossing[] = [];
  const trainer = await createCircuitTrainer(
    { shape: SHAPE, semantics: 'loihi', train, initial: [initial(11)], recordSpikes: 'all', marginCheck: { onCrossing: (c) => crossings.push(c) } },
    'cpu',
  );
  await trainer.train([order(11, N)]);
  const [rec] = await trainer.simulation.readRecording();
  const { clock, populations } = trainer.circuit;

  it('runs 12 steps per sample after the 12 kick-start steps', () => {
    expect(trainer.simulation.currentStep).toBe(12 + 12 * N);
    expect(trainer.samplesRun).toBe(N);
  });

  it('every population fires, and only in its designed phases', () => {
    expect(phaseViolations(rec!.spikes, populations, clock)).toEqual([]);
    for (const pop of populations) expect(rec!.spikes[pop.name]?.length ?? 0, pop.name).toBeGreaterThan(0);
    // Each gate fires exactly once per sample; g00 also once for the kick-start (step 11).
    for (let j = 0; j < 12; j++) {
      const name = `g${String(j).padStart(2, '0')}`;
      expect(rec!.spikes[name]!.length, name).toBe(j === 0 ? N + 1 : N);
    }
    expect(rec!.spikes.g00![0]).toEqual([11, 0]);
    // x fires in phase 1 exactly for the sample's active inputs.
    const k = 3;
    const xs = rec!.spikes.x!.filter(([s]) => s === clock.step(k, 1)).map(([, i]) => i);
    const sample = order(11, N)[k]!;
    const active = Array.from(train.x.subarray(sample * 400, sample * 400 + 400)).flatMap((v, i) => (v ? [i] : []));
    expect(xs).toEqual(active);
    // t fires in phase 3 for the label only.
    expect(rec!.spikes.t!.filter(([s]) => s === clock.step(k, 3))).toEqual([[clock.step(k, 3), train.labels[sample]]]);
  });

  it('keeps W1 = its two copies, W2 = its two copies, +W2ᵀ = W2ᵀ = −(−W2ᵀ)', async () => {
    const c = await trainer.readCopies(0);
    expect(same('W1 copy 1', c.W1[1], c.W1[0])).toBe('identical');
    expect(same('W1 copy 2', c.W1[2], c.W1[0])).toBe('identical');
    expect(same('W2 copy 1', c.W2[1], c.W2[0])).toBe('identical');
    expect(same('W2 copy 2', c.W2[2], c.W2[0])).toBe('identical');
    expect(same('P', c.P, c.W2[0])).toBe('identical');
    expect(
      same(
        '−M',
        c.M.map((v) => -v),
        c.W2[0],
      ),
    ).toBe('identical');
    expect(same('W1 vs initial', c.W1[0], initial(11).W1)).not.toBe('identical');
  });

  it('stays inside every bias margin', () => {
    expect(crossings).toEqual([]);
    trainer.margins!.max.forEach((m, i) => {
      expect(m).toBeGreaterThan(0);
      expect(m).toBeLessThanOrEqual([9216, 9216, 17344, 17344, 17344, 17344, 17344][i]!);
    });
  });
});

describe('a circuit pushed past its bias margin (initial W2 ×4)', () => {
  it('reports the crossing, o fires in phase 8, and the −W2ᵀ copy departs', async () => {
    const g = initial(1);
    const w = weightsFrom(
      g.W1,
      g.W2.map((v) => Math.max(-254, Math.min(254, 4 * v))),
    );
    const crossings: MarginCrossing[] = [];
    const trainer = await createCircuitTrainer(
      {
        shape: SHAPE,
        semantics: 'loihi',
        train: mnistTrain(),
        initial: [w],
        recordSpikes: ['o'],
        marginCheck: { onCrossing: (c) => crossings.push(c) },
      },
      'cpu',
    );
    await trainer.train([order(1, 8)]);
    expect(crossings.length).toBeGreaterThan(0);
    expect(crossings[0]!.window.group).toBe('o');
    expect(crossings[0]!.window.phase).toBe(8);
    expect(crossings[0]!.dataSum).toBeGreaterThan(9216);
    const [rec] = await trainer.simulation.readRecording();
    const bad = phaseViolations(rec!.spikes, trainer.circuit.populations, trainer.circuit.clock);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]).toMatchObject({ population: 'o', phase: 8, sample: crossings[0]!.sample, index: crossings[0]!.unit });
    const c = await trainer.readCopies(0);
    expect(
      same(
        '−M',
        c.M.map((v) => -v),
        c.W2[0],
      ),
    ).not.toBe('identical');
  });
});
