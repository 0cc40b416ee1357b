/**
 * Accuracy remedies: opt-in departures from the faithful algorithm (issue item 7). THIS FILE IS THE SINGLE PLACE
 * REMEDIES ARE DEFINED. Each entry documents what it changes; the per-sample reference in ./algorithm.ts and every
 * engine read the validated settings from FusedTrainerOptions.remedies. With no remedies (the default) every engine
 * computes exactly the semantics chosen by --semantics.
 *
 * Adding one: add an entry to REMEDIES, implement it in the reference (algorithm.ts) and in each engine, and test
 * engine = reference with it switched on. `synfire train --remedy NAME[=VALUE]` reaches it with no CLI change.
 */

/** How a remedy is switched on and what values it takes. */
export interface RemedyDefinition {
  /** One line: what it changes and why it helps. */
  description: string;
  /** 'boolean': `--remedy NAME` switches it on; 'number': `--remedy NAME=VALUE`. */
  kind: 'boolean' | 'number';
  /** Inclusive range of a numeric value. */
  range?: [number, number];
  /** Numeric values must be integers. */
  integer?: boolean;
}

/** The registry (empty until remedies are added). */
export const REMEDIES: Readonly<Record<string, RemedyDefinition>> = {};

/** Validated remedy settings, as carried by FusedTrainerOptions.remedies and recorded in checkpoints. */
export type RemedySettings = Readonly<Record<string, number | boolean>>;

/** Checks names, kinds and ranges; returns undefined for "no remedies" so faithful runs record nothing. */
export function validateRemedies(settings: RemedySettings | undefined): RemedySettings | undefined {
  if (!settings || Object.keys(settings).length === 0) return undefined;
  const known = Object.keys(REMEDIES);
  for (const [name, value] of Object.entries(settings)) {
    const def = REMEDIES[name];
    if (!def) throw new Error(`unknown remedy '${name}' (${known.length ? `have: ${known.join(', ')}` : 'no remedies are defined yet'})`);
    if (def.kind === 'boolean' && typeof value !== 'boolean') throw new Error(`remedy '${name}' is a switch; got value ${JSON.stringify(value)}`);
    if (def.kind === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`remedy '${name}' needs a number, got ${JSON.stringify(value)}`);
      if (def.integer && !Number.isInteger(value)) throw new Error(`remedy '${name}' needs an integer, got ${value}`);
      if (def.range && (value < def.range[0] || value > def.range[1])) throw new Error(`remedy '${name}' = ${value} is outside [${def.range[0]}, ${def.range[1]}]`);
    }
  }
  return Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)));
}

/** Parses `--remedy NAME` / `--remedy NAME=VALUE` arguments into settings (validated). */
export function parseRemedyArgs(args: readonly string[]): RemedySettings | undefined {
  const out: Record<string, number | boolean> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const raw = eq < 0 ? undefined : arg.slice(eq + 1);
    const def = REMEDIES[name];
    if (!def) {
      validateRemedies({ [name]: true });
      continue;
    }
    if (def.kind === 'boolean') {
      if (raw !== undefined && raw !== 'true' && raw !== 'false') throw new Error(`remedy '${name}' is a switch: write --remedy ${name} (or =true/=false), got '${arg}'`);
      out[name] = raw !== 'false';
    } else {
      if (raw === undefined || raw === '' || !Number.isFinite(Number(raw))) throw new Error(`remedy '${name}' needs a value: --remedy ${name}=NUMBER`);
      out[name] = Number(raw);
    }
  }
  return validateRemedies(out);
}
