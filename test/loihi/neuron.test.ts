import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  biasValue,
  clipVoltage,
  decayCurrent,
  decayVoltage,
  stepCompartment,
  thresholdValue,
  trunc0,
  trunc0MulSplit,
  updateCurrent,
  updateVoltage,
  wrapCurrent,
} from '../../src/loihi/neuron.ts';
import { applyWeightExp, quantizeWeight } from '../../src/loihi/synapse.ts';
import { U_MAX, U_MIN, V_MAX, V_MIN } from '../../src/loihi/constants.ts';

const P23 = 2 ** 23;

describe('trunc0 and decay', () => {
  it('rounds toward zero, not down, on negative products', () => {
    expect(trunc0(-1001 * 3072)).toBe(-750);
    expect(trunc0(-3 * 2048)).toBe(-1);
    expect(trunc0(-4095)).toBe(0);
    expect(Object.is(trunc0(-4095), 0)).toBe(true);
    expect(trunc0(-4096)).toBe(-1);
    expect(trunc0(4097)).toBe(1);
  });

  it('decays u with the effective constant du+1', () => {
    expect(decayCurrent(-1001, 1023)).toBe(-750);
    expect(decayCurrent(8_300_000, 0)).toBe(8_297_973);
    expect(decayCurrent(-8_300_000, 0)).toBe(-8_297_973);
    expect(decayCurrent(1, 0)).toBe(0); // rtz(4095/4096)
    expect(decayCurrent(-1, 0)).toBe(0);
    for (const u of [U_MAX, U_MIN, -1, 12345]) expect(Object.is(decayCurrent(u, 4095), 0)).toBe(true);
    expect(decayCurrent(U_MAX, 0)).toBe(P23 - 2048); // 2^23 * 4095 / 4096, exact
    expect(decayCurrent(U_MIN, 0)).toBe(-8_386_559); // rtz(-(2^23-1) + 2047.9998) = -8 386 559
  });

  it('decays v with the constant dv (dv = 4096 clears, dv = 4095 keeps rtz(v/4096))', () => {
    expect(decayVoltage(-3, 2048)).toBe(-1);
    expect(decayVoltage(V_MAX, 0)).toBe(V_MAX);
    expect(decayVoltage(V_MIN, 0)).toBe(V_MIN);
    expect(decayVoltage(V_MAX, 4095)).toBe(2047);
    expect(decayVoltage(V_MIN, 4095)).toBe(-2047);
    expect(decayVoltage(4095, 4095)).toBe(0);
    expect(Object.is(decayVoltage(-5, 4096), 0)).toBe(true);
    expect(decayVoltage(V_MAX, 4096)).toBe(0);
  });

  it('computes the 32-bit split form equal to the exact product', () => {
    const edges = [0, 1, -1, 4095, -4095, 4096, -4096, P23, -(P23 - 1), P23 - 1, 1_234_567, -7_654_321];
    for (const x of edges) for (const k of [0, 1, 2048, 4095, 4096]) expect(trunc0MulSplit(x, k)).toBe(trunc0(x * k));
    fc.assert(
      fc.property(fc.integer({ min: -(P23 - 1), max: P23 }), fc.integer({ min: 0, max: 4096 }), (x, k) => trunc0MulSplit(x, k) === trunc0(x * k)),
      { numRuns: 2000 },
    );
  });
});

describe('current wrap (Lava)', () => {
  it('keeps +2^23 and maps -2^23 to +2^23', () => {
    expect(wrapCurrent(P23)).toBe(P23);
    expect(wrapCurrent(-P23)).toBe(P23);
    expect(wrapCurrent(P23 + 1)).toBe(-(P23 - 1));
    expect(wrapCurrent(-P23 - 1)).toBe(P23 - 1);
    expect(wrapCurrent(-(P23 - 1))).toBe(-(P23 - 1));
    expect(wrapCurrent(P23 - 1)).toBe(P23 - 1);
    expect(wrapCurrent(0)).toBe(0);
  });

  it('equals the closed form ((x + 2^23 - 1) mod 2^24) - 2^23 + 1 on |x| < 3·2^23', () => {
    const closed = (x: number): number => ((((x + P23 - 1) % 2 ** 24) + 2 ** 24) % 2 ** 24) - P23 + 1;
    fc.assert(
      fc.property(fc.integer({ min: -3 * P23 + 1, max: 3 * P23 - 1 }), (x) => wrapCurrent(x) === closed(x)),
      { numRuns: 2000 },
    );
  });

  it('reaches +2^23 exactly from an inhibitory burst (du = 4095, A = -131072)', () => {
    expect(updateCurrent(0, 4095, -131_072)).toBe(P23);
    expect(updateCurrent(0, 4095, 131_072)).toBe(P23);
    expect(updateCurrent(0, 4095, 131_073)).toBe(-(P23 - 64));
  });
});

describe('voltage clip, threshold, bias', () => {
  it('clips v to ±(2^23 - 1) and never wraps', () => {
    expect(clipVoltage(P23)).toBe(V_MAX);
    expect(clipVoltage(3 * P23)).toBe(V_MAX);
    expect(clipVoltage(-P23)).toBe(V_MIN);
    expect(clipVoltage(-3 * P23)).toBe(V_MIN);
    expect(clipVoltage(-123)).toBe(-123);
    expect(updateVoltage(V_MIN, 0, U_MIN, biasValue(-4096, 7))).toBe(V_MIN);
  });

  it('scales extreme vth and bias exactly', () => {
    expect(thresholdValue(131_071)).toBe(8_388_544);
    expect(thresholdValue(0)).toBe(0);
    expect(biasValue(-4096, 7)).toBe(-524_288);
    expect(biasValue(4095, 7)).toBe(524_160);
    expect(biasValue(-5, 3)).toBe(-40);
  });

  it('spikes at the largest threshold only above it (strict) and when v saturates', () => {
    const params = { du: 4095, dv: 4096, vthEff: thresholdValue(131_071), bias: 0, refractory: 0 };
    // v' = A·64 exactly: 131071·64 = 8 388 544 = VTH is not above VTH.
    expect(stepCompartment({ u: 0, v: 0, refUntil: -1 }, params, 131_071, 0).spiked).toBe(false);
    expect(stepCompartment({ u: 0, v: 0, refUntil: -1 }, params, -131_072, 0)).toEqual({ u: P23, v: 0, spiked: true, refUntil: 0 });
    // vth = 0: any positive voltage spikes, zero does not.
    const zero = { ...params, vthEff: 0 };
    expect(stepCompartment({ u: 0, v: 0, refUntil: -1 }, zero, 0, 0).spiked).toBe(false);
    expect(stepCompartment({ u: 0, v: 0, refUntil: -1 }, { ...zero, bias: 1 }, 0, 0).spiked).toBe(true);
  });
});

describe('worked examples of loihi-cuba.md, verbatim', () => {
  it('main example: u = -1001, v = -3, A = 6 → u = -366, v = -407, no spike', () => {
    const cP = applyWeightExp(quantizeWeight(7, 'mixed', 8) + quantizeWeight(12, 'mixed', 8), -1);
    expect(quantizeWeight(7, 'mixed', 8)).toBe(6);
    expect(quantizeWeight(12, 'mixed', 8)).toBe(12);
    expect(cP).toBe(9);
    const cQ = applyWeightExp(quantizeWeight(-3, 'inhibitory', 8), 0);
    expect(cQ).toBe(-3);
    const params = { du: 1023, dv: 2048, vthEff: thresholdValue(10), bias: biasValue(-5, 3), refractory: 1 };
    expect(params.vthEff).toBe(640);
    expect(params.bias).toBe(-40);
    expect(decayCurrent(-1001, 1023)).toBe(-750);
    expect(decayVoltage(-3, 2048)).toBe(-1);
    expect(stepCompartment({ u: -1001, v: -3, refUntil: -1 }, params, cP + cQ, 7)).toEqual({ u: -366, v: -407, spiked: false, refUntil: -1 });
  });

  it('variants: raw -7 and 2 give C = -3 (floor), G = -5 gives -3, -1 >> 1 = -1', () => {
    expect(quantizeWeight(-7, 'mixed', 8)).toBe(-8);
    expect(quantizeWeight(2, 'mixed', 8)).toBe(2);
    expect(applyWeightExp(-8 + 2, -1)).toBe(-3);
    expect(applyWeightExp(-5, -1)).toBe(-3);
    expect(applyWeightExp(-1, -1)).toBe(-1);
  });

  it('current wrap: du = 0, u = 8 300 000, A = 2000 → u = -8 351 243, v = -351 243', () => {
    const u = updateCurrent(8_300_000, 0, 2000);
    expect(u).toBe(-8_351_243);
    expect(updateVoltage(8_000_000, 0, u, 0)).toBe(-351_243);
  });

  it('boundary: du = 4095, A = -131 072 → u = +8 388 608, v = 8 388 607 spikes for any vth', () => {
    const u = updateCurrent(0, 4095, -131_072);
    expect(u).toBe(8_388_608);
    expect(updateVoltage(0, 4095, u, 0)).toBe(8_388_607);
    expect(8_388_607 > thresholdValue(131_071)).toBe(true);
  });

  it('refractory = 2, spike at step 10: v = 0 at 10..12, no spike at 11 or 12, u integrates; active at 13', () => {
    const params = { du: 0, dv: 0, vthEff: thresholdValue(1), bias: 0, refractory: 2 };
    let state = { u: 0, v: 0, refUntil: -1 };
    const inputs: Record<number, number> = { 10: 10, 11: 5, 12: 5 };
    const log: Array<{ t: number; u: number; v: number; spiked: boolean }> = [];
    for (let t = 10; t <= 13; t++) {
      const next = stepCompartment(state, params, inputs[t] ?? 0, t);
      log.push({ t, u: next.u, v: next.v, spiked: next.spiked });
      state = next;
    }
    expect(log.map((s) => s.spiked)).toEqual([true, false, false, true]);
    expect(log.map((s) => s.v)).toEqual([0, 0, 0, 0]);
    // u keeps integrating while refractory: 640, then decayCurrent(640, 0) + 320, ...
    const u11 = decayCurrent(640, 0) + 320;
    const u12 = decayCurrent(u11, 0) + 320;
    expect(log.map((s) => s.u)).toEqual([640, u11, u12, decayCurrent(u12, 0)]);
    expect(state.refUntil).toBe(15);
  });
});
