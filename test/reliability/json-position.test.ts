/**
 * Issue 11.7: JSON syntax errors in traces (and weights, orders, checkpoints) report the real line and column;
 * Node 20's JSON.parse messages carry no position, so the text is scanned (jsonErrorOffset).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonErrorOffset, parseJsonText } from '../../src/trace/json.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import { TINY } from '../trace/fixtures.ts';

const errorOf = (text: string): string => {
  try {
    parseTrace(text, 't.json');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
};

describe('JSON error positions', () => {
  it('names the line and column of the first error, not the end of the file', () => {
    const lines = TINY.split('\n');
    // Drop the comma after the groups array's element list on line 6 (`],`): the error is at line 7.
    const broken = [...lines.slice(0, 5), lines[5]!.replace('],', ']'), ...lines.slice(6)].join('\n');
    const at = broken.indexOf('"sources"');
    const line = broken.slice(0, at).split('\n').length;
    expect(line).toBe(7);
    expect(errorOf(broken)).toMatch(
      new RegExp(`^t\\.json: malformed JSON at line 7 column 1 \\(position ${at}\\): unexpected "\\\\"" \\(expected ',' or '}'\\)`),
    );
    expect(errorOf(TINY.replace('"steps": 5', '"steps": 5x'))).toMatch(
      /^t\.json: malformed JSON at line 3 column 77 \(position \d+\): unexpected "x"/,
    );
    expect(errorOf('{"format": "synfire-loihi-trace/1", "steps": 1,\n"groups": [}')).toMatch(
      /line 2 column 12 \(position 59\): unexpected "}" \(expected a value\)/,
    );
    expect(errorOf('{"a": "tab\there"}')).toMatch(/line 1 column 11 \(position 10\): control character U\+0009 in a string/);
    expect(errorOf('{"a": 1}\n\n  x')).toMatch(/line 3 column 3 \(position 12\): unexpected "x" after the end of the JSON value/);
    expect(errorOf('')).toMatch(/line 1 column 1 \(position 0\): unexpected end of input/);
  });

  it('agrees with JSON.parse on what is valid (random texts and mutations)', () => {
    const valid = (s: string) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(
        fc.json(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...'{}[],:"0-.e+ tfnx\\\n'.split(''))), { maxLength: 3 }),
        fc.boolean(),
        (text, edits, del) => {
          let s = text;
          for (const [p, ch] of edits) {
            const i = p % (s.length + 1);
            s = del ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + ch + s.slice(i);
          }
          const found = jsonErrorOffset(s);
          expect(found === null).toBe(valid(s));
          if (found) {
            // The text up to the offset is a valid prefix: the error is not reported before where it is.
            expect(found.offset).toBeLessThanOrEqual(s.length);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('handles deep nesting without overflowing the stack', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(199_999);
    expect(jsonErrorOffset(deep)).toEqual({ offset: 399_999, problem: "unexpected end of input (expected ',' or ']')" });
    expect(() => parseJsonText(deep, 'd.json')).toThrow(/d\.json: malformed JSON at line 1 column 400000/);
  });
});
