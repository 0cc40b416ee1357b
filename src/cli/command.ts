/**
 * The one way CLI commands read their command line: {@link defineCommand} wraps node:util parseArgs with the
 * shared behaviour every command needs: --help/-h prints the usage (exit 0); an unknown option, a missing value
 * or a bad value is a UsageError (exit 2, with the usage); a negative number may follow an option
 * (`--seed -5` reaches the range check instead of parseArgs' "argument is ambiguous"). (The package version and
 * git commit that several commands record are in src/util/package-info.ts.)
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';
import type { Command } from './main.ts';

/** Option declarations, as node:util parseArgs takes them. */
export type OptionSpecs = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean | string[] | boolean[] }
>;

type Parsed<O extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true; strict: true }>
>;

/** The parsed option values of a command with options `O`. */
export type OptionValues<O extends OptionSpecs> = Parsed<O>['values'];

/** What a command declares. */
export interface CommandSpec<O extends OptionSpecs> {
  /** The usage text, printed by --help and after every usage error. */
  usage: string;
  options: O;
  /** Accepted positional arguments: [min, max] (default [0, 0]). */
  positionals?: [number, number];
  /** What the positionals are, for the error when their count is wrong (e.g. "one run directory"). */
  positionalsName?: string;
  run(values: Parsed<O>['values'], positionals: string[]): Promise<number>;
}

const NUMBER = /^-(\d|\.\d)/;

/**
 * Joins `--opt -5` into `--opt=-5` for string options (and `-p -5` for their short forms), so values that look
 * like options but are negative numbers reach the command's own checks.
 */
export function joinNegativeValues(argv: readonly string[], options: OptionSpecs): string[] {
  const byShort = new Map(
    Object.entries(options)
      .filter(([, o]) => o.short)
      .map(([name, o]) => [o.short!, name]),
  );
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg.slice(1)) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && NUMBER.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Builds a command from its spec; see the module comment for the shared behaviour. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command {
  return async (argv: string[]) => {
    const options = { ...spec.options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } };
    let parsed: Parsed<O>;
    try {
      parsed = parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals: true, strict: true }) as Parsed<O>;
    } catch (err) {
      throw new UsageError(`${(err as Error).message}\n${spec.usage}`);
    }
    if ((parsed.values as { help?: boolean }).help) {
      console.log(spec.usage);
      return 0;
    }
    const [min, max] = spec.positionals ?? [0, 0];
    const n = parsed.positionals.length;
    if (n < min || n > max) {
      const what =
        spec.positionalsName ?? (max === 0 ? 'no positional arguments' : `${min === max ? min : `${min} to ${max}`} positional argument(s)`);
      throw new UsageError(`expected ${what}, got ${n === 0 ? 'none' : `'${parsed.positionals.join("' '")}'`}\n${spec.usage}`);
    }
    return spec.run(parsed.values, parsed.positionals);
  };
}

/** An integer option in [min, max] (undefined when absent); anything else, '' included, is a UsageError. */
export function intOption(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got '${value}'`);
  }
  return n;
}

/** One of `allowed` (undefined when absent). */
export function choiceOption<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}
