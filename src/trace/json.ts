/**
 * Strict reading of JSON values for trace and result files: every error names the file, the JSON path
 * (`$.projections[3].dense.weights[2][5]`), what was found and what was expected.
 */
import type { IntRange } from '../loihi/constants.ts';

/** A trace or result file that cannot be used; the message names the file, the JSON path and the problem. */
export class TraceError extends Error {
  override name = 'TraceError';
  constructor(
    message: string,
    readonly file: string,
    /** JSON path of the offending value ('$' for the whole file). */
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * Finds where JSON text stops being valid: the character offset of the first syntax error, or null if `text`
 * is valid JSON. Node 20's JSON.parse messages often carry no position ("Unexpected token '}', ... is not valid
 * JSON"), so the text is scanned here (iteratively: deep nesting cannot overflow the stack).
 */
export function jsonErrorOffset(text: string): { offset: number; problem: string } | null {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const fail = (problem: string) => ({ offset: i, problem });
  const at = () => (i < n ? `unexpected ${JSON.stringify(text[i])}` : 'unexpected end of input');
  const string = (): { offset: number; problem: string } | null => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return fail(`control character U+${c.toString(16).padStart(4, '0')} in a string`);
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return fail('bad \\u escape in a string');
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return fail(e === undefined ? 'unexpected end of input in a string' : `bad escape \\${e} in a string`);
        }
      } else i++;
    }
    return fail('unterminated string');
  };
  const number = (): { offset: number; problem: string } | null => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') return fail(at());
    i += m[0].length;
    return null;
  };
  // Stack of open containers: 'a' array, 'o' object.
  const stack: Array<'a' | 'o'> = [];
  let problem: { offset: number; problem: string } | null;
  value: for (;;) {
    ws();
    if (i >= n) return fail('unexpected end of input (expected a value)');
    const c = text[i]!;
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') i++;
      else {
        stack.push('o');
        if (text[i] !== '"') return fail(`${at()} (expected a quoted property name or '}')`);
        if ((problem = string())) return problem;
        ws();
        if (text[i] !== ':') return fail(`${at()} (expected ':')`);
        i++;
        continue;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') i++;
      else {
        stack.push('a');
        continue;
      }
    } else if (c === '"') {
      if ((problem = string())) return problem;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      if ((problem = number())) return problem;
    } else {
      const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      if (!word) return fail(`${at()} (expected a value)`);
      i += word.length;
    }
    // After a value: close containers or continue with the next element.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) return fail(`${at()} after the end of the JSON value`);
        return null;
      }
      if (text[i] === ',') {
        i++;
        if (top === 'o') {
          ws();
          if (text[i] !== '"') return fail(`${at()} (expected a quoted property name)`);
          if ((problem = string())) return problem;
          ws();
          if (text[i] !== ':') return fail(`${at()} (expected ':')`);
          i++;
        }
        continue value;
      }
      if ((top === 'a' && text[i] === ']') || (top === 'o' && text[i] === '}')) {
        i++;
        stack.pop();
        continue;
      }
      return fail(`${at()} (expected ',' or '${top === 'a' ? ']' : '}'}')`);
    }
  }
}

/** "line L column C (position P): PROBLEM" for a JSON syntax error in `text` (`err` from JSON.parse as a fallback). */
export function jsonSyntaxError(text: string, err?: unknown): string {
  const found = jsonErrorOffset(text);
  const message = err instanceof Error ? err.message : String(err ?? 'invalid JSON');
  if (!found) return message;
  const before = text.slice(0, found.offset);
  const line = before.split('\n').length;
  const column = found.offset - before.lastIndexOf('\n');
  return `line ${line} column ${column} (position ${found.offset}): ${found.problem}`;
}

/** Parses JSON text; a syntax error names the file, line, column and character position. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TraceError(`${file}: malformed JSON at ${jsonSyntaxError(text, err)}`, file, '$');
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** Reads JSON values of one file, reporting errors with their path. */
export class JsonReader {
  constructor(readonly file: string) {}

  /** Throws a TraceError at `path`; `context` (e.g. "projection 'x_h1'") helps find the place. */
  fail(path: string, what: string, context?: string): never {
    throw new TraceError(`${this.file}: ${path}${context ? ` (${context})` : ''}: ${what}`, this.file, path);
  }

  /** An object with only known keys and all required keys. */
  object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = [], context?: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, `expected an object, got ${describe(value)}`, context);
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!required.includes(key) && !optional.includes(key)) {
        this.fail(`${path}.${key}`, `unknown field '${key}' (expected ${[...required, ...optional].map((k) => `'${k}'`).join(', ')})`, context);
      }
    }
    for (const key of required) if (!(key in record)) this.fail(`${path}.${key}`, `missing required field '${key}'`, context);
    return record;
  }

  /** A string. */
  string(value: unknown, path: string, context?: string): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, got ${describe(value)}`, context);
    return value;
  }

  /** An integer within `range`. */
  int(value: unknown, path: string, range: IntRange, context?: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.fail(path, `expected an integer in ${range.min}..${range.max}, got ${describe(value)}`, context);
    }
    if (value < range.min || value > range.max) this.fail(path, `${value} is out of range ${range.min}..${range.max}`, context);
    return value;
  }

  /** An array, optionally of an exact length. */
  array(value: unknown, path: string, length?: number, context?: string, what = 'values'): unknown[] {
    if (!Array.isArray(value)) {
      this.fail(path, `expected an array${length === undefined ? '' : ` of ${length}`} ${what}, got ${describe(value)}`, context);
    }
    if (length !== undefined && value.length !== length) this.fail(path, `expected ${length} ${what}, got ${value.length}`, context);
    return value;
  }

  /** An array of integers within `range`, optionally of an exact length. */
  intArray(value: unknown, path: string, range: IntRange, length?: number, context?: string): number[] {
    const array = this.array(value, path, length, context, 'integers');
    for (let i = 0; i < array.length; i++) {
      const x = array[i];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < range.min || x > range.max) this.int(x, `${path}[${i}]`, range, context);
    }
    return array as number[];
  }

  /** A matrix of `rows` rows of `cols` integers within `range`. */
  intMatrix(value: unknown, path: string, range: IntRange, rows: number, cols: number, context?: string, what = 'rows'): number[][] {
    const array = this.array(value, path, rows, context, what);
    array.forEach((row, i) => this.intArray(row, `${path}[${i}]`, range, cols, context));
    return array as number[][];
  }

  /**
   * A list of [step, index] pairs with step in `steps` and index in 0..size-1; with `sorted`, strictly
   * increasing by step, then index (so no duplicates).
   */
  spikeList(value: unknown, path: string, steps: IntRange, size: number, sorted: boolean, context?: string): Array<[number, number]> {
    const array = this.array(value, path, undefined, context, '[step, index] pairs');
    const seen = sorted ? undefined : new Set<string>();
    array.forEach((pair, i) => {
      const at = `${path}[${i}]`;
      if (!Array.isArray(pair) || pair.length !== 2) this.fail(at, `expected a [step, index] pair, got ${describe(pair)}`, context);
      this.int(pair[0], `${at}[0]`, steps, context ? `${context}, step` : 'step');
      this.int(pair[1], `${at}[1]`, { min: 0, max: size - 1 }, context ? `${context}, index` : 'index');
      if (sorted && i > 0) {
        const prev = array[i - 1] as [number, number];
        if (pair[0] < prev[0] || (pair[0] === prev[0] && pair[1] <= prev[1])) {
          this.fail(
            at,
            `[${pair[0]}, ${pair[1]}] does not follow [${prev[0]}, ${prev[1]}] (expected sorted by step, then index, without duplicates)`,
            context,
          );
        }
      }
      if (seen) {
        const key = `${pair[0]},${pair[1]}`;
        if (seen.has(key)) this.fail(at, `[${pair[0]}, ${pair[1]}] is listed twice`, context);
        seen.add(key);
      }
    });
    return array as Array<[number, number]>;
  }
}
