/**
 * Loihi-style learning rules (nbp-circuit.md §2 "Learning rule timing"): dw is a sum of products of an integer
 * coefficient and the binary factors x0 (pre spiked at t), y0 (post spiked at t) and r1 (reward at t), in
 * Loihi's syntax, e.g. '4*x0*y0*r1 - 2*x0*y0'. After delivery every step, `w <- clamp(w + dw, wMin, wMax)`.
 */

/** A learning-rule factor: pre trace x0, post trace y0, reward r1 (all 0 or 1 in synfire's impulse traces). */
export type LearningFactor = 'x0' | 'y0' | 'r1';

/** One product term: coefficient times the listed factors. */
export interface LearningTerm {
  coefficient: number;
  factors: LearningFactor[];
}

/** A parsed rule: its terms, and dw for each of the 8 (x0, y0, r1) combinations. */
export interface CompiledLearningRule {
  source: string;
  terms: LearningTerm[];
  /** dw at index x0*4 + y0*2 + r1 (each 0 or 1). */
  table: Int32Array;
  /** Whether some term lacks x0, so synapses whose pre did not spike can change too. */
  needsAllSynapses: boolean;
  /** Whether some term uses r1 (then the rule needs a reward source). */
  usesReward: boolean;
}

/** Magnitude bound of dw for any combination, so that w + dw stays far inside int32 on every backend. */
export const DW_LIMIT = 2 ** 16;

/** A malformed learning rule; the message names the position in the rule text. */
export class LearningRuleError extends Error {
  override name = 'LearningRuleError';
  constructor(
    message: string,
    /** 0-based character position in the rule text. */
    readonly position: number,
  ) {
    super(message);
  }
}

const FACTORS: readonly LearningFactor[] = ['x0', 'y0', 'r1'];

/** Parses a rule such as '4*x0*y0*r1 - 2*x0*y0' (integers, x0, y0, r1, `*`, `+`, `-`, spaces). */
export function parseLearningRule(text: string): CompiledLearningRule {
  let pos = 0;
  const fail = (what: string, at = pos): never => {
    throw new LearningRuleError(`learning rule '${text}': ${what} at position ${at}`, at);
  };
  const skipSpaces = (): void => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  // One factor: an unsigned integer or a trace name.
  const factor = (): { coefficient: number } | { factor: LearningFactor } => {
    skipSpaces();
    const start = pos;
    const rest = text.slice(pos);
    const int = /^[0-9]+/.exec(rest);
    if (int) {
      pos += int[0].length;
      const value = Number(int[0]);
      if (value > DW_LIMIT) fail(`coefficient ${int[0]} exceeds ${DW_LIMIT}`, start);
      return { coefficient: value };
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      pos += ident[0].length;
      if (!(FACTORS as readonly string[]).includes(ident[0])) {
        fail(`unknown factor '${ident[0]}' (expected an integer, x0, y0 or r1)`, start);
      }
      return { factor: ident[0] as LearningFactor };
    }
    return fail(
      pos >= text.length ? 'unexpected end (expected an integer, x0, y0 or r1)' : `unexpected '${text[pos]}' (expected an integer, x0, y0 or r1)`,
    );
  };

  const terms: LearningTerm[] = [];
  skipSpaces();
  if (pos >= text.length) fail('empty rule (expected a sum of terms such as 2*x0*y0)');
  let sign = 1;
  if (text[pos] === '+' || text[pos] === '-') {
    sign = text[pos] === '-' ? -1 : 1;
    pos++;
  }
  for (;;) {
    let coefficient = sign;
    const factors = new Set<LearningFactor>();
    for (;;) {
      const f = factor();
      if ('coefficient' in f) coefficient *= f.coefficient;
      else factors.add(f.factor); // x0*x0 = x0 for binary traces
      skipSpaces();
      if (text[pos] !== '*') break;
      pos++;
    }
    terms.push({ coefficient, factors: FACTORS.filter((name) => factors.has(name)) });
    skipSpaces();
    if (pos >= text.length) break;
    if (text[pos] !== '+' && text[pos] !== '-') fail(`unexpected '${text[pos]}' (expected '+', '-', '*' or the end)`);
    sign = text[pos] === '-' ? -1 : 1;
    pos++;
  }

  const table = new Int32Array(8);
  for (let index = 0; index < 8; index++) {
    const values = { x0: (index >> 2) & 1, y0: (index >> 1) & 1, r1: index & 1 };
    let dw = 0;
    for (const term of terms) dw += term.factors.reduce((p, name) => p * values[name], term.coefficient);
    if (Math.abs(dw) > DW_LIMIT) fail(`dw(x0=${values.x0}, y0=${values.y0}, r1=${values.r1}) = ${dw} exceeds ±${DW_LIMIT}`, 0);
    table[index] = dw;
  }
  return {
    source: text,
    terms,
    table,
    needsAllSynapses: table[0] !== 0 || table[1] !== 0 || table[2] !== 0 || table[3] !== 0,
    usesReward: terms.some((term) => term.factors.includes('r1')),
  };
}

/** dw of a compiled rule for binary x0, y0, r1 (each 0 or 1, or a boolean). */
export function evalLearningRule(rule: CompiledLearningRule, x0: number | boolean, y0: number | boolean, r1: number | boolean): number {
  return rule.table[(Number(x0) << 2) | (Number(y0) << 1) | Number(r1)]!;
}

/** The learning update `clamp(w + dw, wMin, wMax)`. */
export function applyWeightChange(w: number, dw: number, wMin: number, wMax: number): number {
  const next = w + dw;
  return next < wMin ? wMin : next > wMax ? wMax : next;
}
