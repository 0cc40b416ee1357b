import { describe, expect, it } from 'vitest';
import { applyWeightChange, evalLearningRule, LearningRuleError, parseLearningRule } from '../../src/loihi/learning.ts';

describe('learning rules', () => {
  it("parses nBP's rule and evaluates all (x0, y0, r1)", () => {
    const rule = parseLearningRule('4*x0*y0*r1 - 2*x0*y0');
    expect(rule.terms).toEqual([
      { coefficient: 4, factors: ['x0', 'y0', 'r1'] },
      { coefficient: -2, factors: ['x0', 'y0'] },
    ]);
    const values: number[] = [];
    for (const x0 of [0, 1]) for (const y0 of [0, 1]) for (const r1 of [0, 1]) values.push(evalLearningRule(rule, x0, y0, r1));
    expect(values).toEqual([0, 0, 0, 0, 0, 0, -2, 2]);
    expect(rule.needsAllSynapses).toBe(false);
    expect(rule.usesReward).toBe(true);
    expect(evalLearningRule(rule, true, true, true)).toBe(2);
  });

  it('accepts spacing, a leading sign, several integers and repeated factors', () => {
    const rule = parseLearningRule('  -x0*3 * y0 +2*2*x0*x0  ');
    expect(Array.from(rule.table)).toEqual([0, 0, 0, 0, 4, 4, 1, 1]);
    expect(rule.usesReward).toBe(false);
    const post = parseLearningRule('2*y0 - 1');
    expect(post.needsAllSynapses).toBe(true);
    expect(evalLearningRule(post, 0, 1, 0)).toBe(1);
    expect(evalLearningRule(post, 0, 0, 0)).toBe(-1);
  });

  it('names the position of a parse error', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['4*x0*z1', /unknown factor 'z1'.* at position 5/, 5],
      ['4*x0*', /unexpected end .* at position 5/, 5],
      ['4**x0', /unexpected '\*' .* at position 2/, 2],
      ['', /empty rule/, 0],
      ['4 x0', /unexpected 'x' \(expected '\+', '-', '\*' or the end\) at position 2/, 2],
      ['2*x0*y0 -', /unexpected end/, 9],
      ['x0 / 2', /unexpected '\/'/, 3],
      ['99999999*x0', /exceeds 65536 at position 0/, 0],
    ];
    for (const [text, message, position] of cases) {
      let error: unknown;
      try {
        parseLearningRule(text);
      } catch (err) {
        error = err;
      }
      expect(error, text).toBeInstanceOf(LearningRuleError);
      expect((error as LearningRuleError).message, text).toMatch(message);
      expect((error as LearningRuleError).position, text).toBe(position);
    }
  });

  it('saturates the weight at the bounds', () => {
    expect(applyWeightChange(252, 2, -256, 254)).toBe(254);
    expect(applyWeightChange(254, 2, -256, 254)).toBe(254);
    expect(applyWeightChange(-254, -2, -256, 254)).toBe(-256);
    expect(applyWeightChange(-256, -2, -256, 254)).toBe(-256);
    expect(applyWeightChange(0, -2, -256, 254)).toBe(-2);
  });
});
