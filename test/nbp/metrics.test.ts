import { describe, expect, it } from 'vitest';
import { addCounts, countSample, emptyCounts, meanSd, metricsFromCounts } from '../../src/nbp/metrics.ts';

describe('metrics', () => {
  it('counts an all-silent output as class 0 for acc_spikes, as numpy argmax does', () => {
    const c = emptyCounts(3);
    countSample(c, [0, 100, 512], 0); // silent, label 0: counted correct by spikes
    countSample(c, [0, 100, 512], 2); // silent, label 2: wrong by spikes; membrane argmax = 2 → right
    const m = metricsFromCounts(c);
    expect(m.acc_spikes).toBe(0.5);
    expect(m.acc_membrane).toBe(0.5);
    expect(m.silent).toBe(1);
    expect(m.acc_exact).toBe(0); // the target bit is missing in both
    expect(m.mse).toBeCloseTo(2 / 6, 12);
  });

  it('first maximum wins for spikes and membrane; exact needs all outputs right', () => {
    const c = emptyCounts(3);
    countSample(c, [600, 600, 0], 1); // spikes: first spiking = 0 → wrong; membrane: tie → 0 → wrong
    countSample(c, [0, 513, 100], 1); // one-hot right
    countSample(c, [513, 900, 0], 1); // spikes: 0 → wrong; membrane: 1 → right; 1 wrong bit
    const m = metricsFromCounts(c);
    expect(m.acc_spikes).toBeCloseTo(1 / 3, 12);
    expect(m.acc_membrane).toBeCloseTo(2 / 3, 12);
    expect(m.acc_exact).toBeCloseTo(1 / 3, 12);
    expect(m.mse).toBeCloseTo((1 + 0 + 1) / 9, 12);
    expect(m.silent).toBe(0);
  });

  it('adds tallies exactly and summarises replicas as mean ± sample sd', () => {
    const a = emptyCounts(2);
    const b = emptyCounts(2);
    countSample(a, [600, 0], 0);
    countSample(b, [0, 0], 1);
    expect(addCounts(a, b)).toMatchObject({ n: 2, spikes: 1, membrane: 1, exact: 1, wrongBits: 1, silent: 1 });
    expect(meanSd([0.9, 0.92, 0.94])).toEqual({ mean: expect.closeTo(0.92, 12), sd: expect.closeTo(0.02, 12) });
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: 0 });
  });
});
