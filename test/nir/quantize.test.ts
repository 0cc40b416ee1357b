import { describe, expect, it } from 'vitest';
import { errorStats, quantizeBias, quantizeDu, quantizeDv, quantizeWeights, weightEffect } from '../../src/nir/quantize.ts';

describe('NIR quantization', () => {
  it('maps decay fractions to du/dv with Lava offsets (du+1, dv)', () => {
    expect(quantizeDu(0.45)).toEqual({ du: Math.round(4096 * 0.45) - 1, effective: Math.round(4096 * 0.45) / 4096 });
    expect(quantizeDu(1).du).toBe(4095);
    expect(quantizeDu(3).du).toBe(4095); // clamped: dt > tau_syn
    expect(quantizeDu(0).du).toBe(0);
    expect(quantizeDv(0.1)).toEqual({ dv: 410, effective: 410 / 4096 });
    expect(quantizeDv(1).dv).toBe(4096);
    expect(quantizeDv(0).dv).toBe(0);
  });

  it('represents weights that are exact multiples without error and picks the sign mode', () => {
    const targets = [64 * 2 * 100, -64 * 2 * 3, 0, 64 * 2 * 127];
    const q = quantizeWeights(targets);
    expect(q.signMode).toBe('mixed');
    expect(Array.from(q.effect)).toEqual(targets);
    expect(errorStats(targets, q.effect).maxAbs).toBe(0);
    expect(quantizeWeights([64, 128, 0]).signMode).toBe('excitatory');
    expect(quantizeWeights([-64, -128]).signMode).toBe('inhibitory');
    // Every effect is what the synapse arithmetic gives for the chosen raw weight and exponent.
    for (let i = 0; i < targets.length; i++) expect(weightEffect(q.raw[i]!, q.signMode, q.numWeightBits, q.weightExp)).toBe(q.effect[i]);
  });

  it('keeps the weight error within half a mantissa step (at most 1/127 of the largest weight)', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (const magnitude of [50, 3e3, 1e5, 1.5e6]) {
      const targets = Array.from({ length: 200 }, () => rand() * magnitude);
      const q = quantizeWeights(targets);
      const stats = errorStats(targets, q.effect);
      // Mixed 8-bit weights are even: 128 levels per sign; with a power-of-two exponent the largest weight uses at
      // least half of them, so half a step is at most 1/127 of it (and never below the 64-unit grid of u).
      expect(stats.maxAbs).toBeLessThanOrEqual(Math.max(magnitude / 127, 64));
      expect(stats.maxAbs).toBeGreaterThan(0);
    }
  });

  it('quantizes biases to a 13-bit mantissa with the best exponent', () => {
    const b = quantizeBias([1000, -3, 4095]);
    expect(b.biasExp).toBe(0);
    expect(Array.from(b.biasMant)).toEqual([1000, -3, 4095]);
    const big = quantizeBias([100000, -50000]);
    expect(big.biasExp).toBe(5);
    expect(errorStats([100000, -50000], big.effect).maxAbs).toBeLessThanOrEqual(16);
  });
});
