/**
 * Strict parsing of synfire-loihi-trace/1 files (loihi-trace-format.md): unknown fields, wrong types, values out
 * of range, indices out of bounds, unsorted or repeated spikes and bad record_steps are errors that name the file,
 * the JSON path and what would be valid.
 */
import { readFile } from 'node:fs/promises';
import { RANGES, type IntRange } from '../loihi/constants.ts';
import type { SignMode } from '../network/types.ts';
import {
  RESULT_FORMAT,
  TRACE_FORMAT,
  type LoihiTrace,
  type TraceCoo,
  type TraceDense,
  type TraceGroup,
  type TraceProjection,
  type TraceResult,
  type TraceSource,
} from './format.ts';
import { JsonReader, parseJsonText } from './json.ts';

const SIZE: IntRange = { min: 1, max: 2 ** 24 };
const STEPS: IntRange = { min: 1, max: 2 ** 31 - 1 };
const ANY_STEP: IntRange = { min: 0, max: 2 ** 31 - 1 };
const SIGN_MODES: readonly SignMode[] = ['mixed', 'excitatory', 'inhibitory'];

/** Reads and parses a trace file. */
export async function readTraceFile(path: string): Promise<LoihiTrace> {
  return parseTrace(await readFile(path, 'utf8'), path);
}

/** Parses the text of a trace file named `file` (used in error messages). */
export function parseTrace(text: string, file: string): LoihiTrace {
  const json = new JsonReader(file);
  const top = json.object(
    parseJsonText(text, file),
    '$',
    ['format', 'steps', 'groups', 'record_steps'],
    ['name', 'description', 'seed', 'sources', 'projections', 'expected'],
  );
  if (top.format !== TRACE_FORMAT) json.fail('$.format', `expected "${TRACE_FORMAT}", got ${JSON.stringify(top.format)}`);
  const name = top.name === undefined ? undefined : json.string(top.name, '$.name');
  const description = top.description === undefined ? undefined : json.string(top.description, '$.description');
  const seed = top.seed === undefined ? undefined : json.int(top.seed, '$.seed', { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
  const steps = json.int(top.steps, '$.steps', STEPS);

  const owners = new Map<string, string>();
  const claim = (value: unknown, path: string): string => {
    const n = json.string(value, path);
    if (n.length === 0) json.fail(path, 'expected a non-empty name');
    const other = owners.get(n);
    if (other) json.fail(path, `name '${n}' is already used at ${other} (group and source names must be unique)`);
    owners.set(n, path);
    return n;
  };

  const groups = json
    .array(top.groups, '$.groups', undefined, undefined, 'groups')
    .map((value, i) => parseGroup(json, value, `$.groups[${i}]`, claim));
  const sources = json
    .array(top.sources ?? [], '$.sources', undefined, undefined, 'sources')
    .map((value, i) => parseSource(json, value, `$.sources[${i}]`, claim));
  const groupByName = new Map(groups.map((g) => [g.name, g]));
  const sizeOf = new Map<string, number>([...groups, ...sources].map((p) => [p.name, p.size]));
  const projectionNames = new Map<string, string>();
  const projections = json.array(top.projections ?? [], '$.projections', undefined, undefined, 'projections').map((value, i) => {
    const path = `$.projections[${i}]`;
    const projection = parseProjection(json, value, path, sizeOf, groupByName);
    const other = projectionNames.get(projection.name);
    if (other) json.fail(`${path}.name`, `name '${projection.name}' is already used at ${other} (projection names must be unique)`);
    projectionNames.set(projection.name, path);
    return projection;
  });

  const recordSteps = json.intArray(top.record_steps, '$.record_steps', { min: 0, max: steps - 1 });
  recordSteps.forEach((step, i) => {
    if (i > 0 && step <= recordSteps[i - 1]!) {
      json.fail(`$.record_steps[${i}]`, `${step} does not follow ${recordSteps[i - 1]} (expected strictly increasing steps)`);
    }
  });
  const trace: LoihiTrace = { format: TRACE_FORMAT, steps, groups, sources, projections, record_steps: recordSteps };
  if (name !== undefined) trace.name = name;
  if (description !== undefined) trace.description = description;
  if (seed !== undefined) trace.seed = seed;
  if (top.expected !== undefined) trace.expected = parseResultBlock(json, top.expected, '$.expected', trace, true);
  return trace;
}

function parseGroup(json: JsonReader, value: unknown, path: string, claim: (name: unknown, path: string) => string): TraceGroup {
  const g = json.object(value, path, ['name', 'size', 'du', 'dv', 'vth', 'bias_mant', 'bias_exp', 'refractory'], ['u_init', 'v_init']);
  const name = claim(g.name, `${path}.name`);
  const context = `group '${name}'`;
  const size = json.int(g.size, `${path}.size`, SIZE, context);
  const group: TraceGroup = {
    name,
    size,
    du: json.int(g.du, `${path}.du`, RANGES.du, context),
    dv: json.int(g.dv, `${path}.dv`, RANGES.dv, context),
    vth: json.int(g.vth, `${path}.vth`, RANGES.vth, context),
    bias_mant: json.intArray(g.bias_mant, `${path}.bias_mant`, RANGES.biasMant, size, context),
    bias_exp: json.int(g.bias_exp, `${path}.bias_exp`, RANGES.biasExp, context),
    refractory: json.int(g.refractory, `${path}.refractory`, RANGES.refractory, context),
  };
  if (g.u_init !== undefined) group.u_init = json.intArray(g.u_init, `${path}.u_init`, RANGES.uInit, size, context);
  if (g.v_init !== undefined) group.v_init = json.intArray(g.v_init, `${path}.v_init`, RANGES.vInit, size, context);
  return group;
}

function parseSource(json: JsonReader, value: unknown, path: string, claim: (name: unknown, path: string) => string): TraceSource {
  const s = json.object(value, path, ['name', 'size', 'spikes']);
  const name = claim(s.name, `${path}.name`);
  const context = `source '${name}'`;
  const size = json.int(s.size, `${path}.size`, SIZE, context);
  // A listed step past the end of the run is harmless (it is never reached), so only step >= 0 is required.
  return { name, size, spikes: json.spikeList(s.spikes, `${path}.spikes`, ANY_STEP, size, true, context) };
}

function parseProjection(
  json: JsonReader,
  value: unknown,
  path: string,
  sizeOf: Map<string, number>,
  groups: Map<string, TraceGroup>,
): TraceProjection {
  const p = json.object(value, path, ['name', 'from', 'to', 'weight_exp', 'num_weight_bits', 'sign_mode'], ['dense', 'coo']);
  const name = json.string(p.name, `${path}.name`);
  const context = `projection '${name}'`;
  const from = json.string(p.from, `${path}.from`, context);
  const preSize = sizeOf.get(from);
  if (preSize === undefined) json.fail(`${path}.from`, `'${from}' names no group or source (known: ${[...sizeOf.keys()].join(', ')})`, context);
  const to = json.string(p.to, `${path}.to`, context);
  const target = groups.get(to);
  if (!target) {
    const why = sizeOf.has(to) ? 'is a source; projections must end at a group' : `names no group (groups: ${[...groups.keys()].join(', ')})`;
    json.fail(`${path}.to`, `'${to}' ${why}`, context);
  }
  const signMode = json.string(p.sign_mode, `${path}.sign_mode`, context);
  if (!(SIGN_MODES as readonly string[]).includes(signMode)) {
    json.fail(`${path}.sign_mode`, `"${signMode}" is not one of "mixed", "excitatory", "inhibitory"`, context);
  }
  const projection: TraceProjection = {
    name,
    from,
    to,
    weight_exp: json.int(p.weight_exp, `${path}.weight_exp`, RANGES.weightExp, context),
    num_weight_bits: json.int(p.num_weight_bits, `${path}.num_weight_bits`, RANGES.numWeightBits, context),
    sign_mode: signMode as SignMode,
  };
  if ((p.dense === undefined) === (p.coo === undefined)) json.fail(path, "expected exactly one of 'dense' and 'coo'", context);
  if (p.dense !== undefined) projection.dense = parseDense(json, p.dense, `${path}.dense`, preSize, target.size, context);
  else projection.coo = parseCoo(json, p.coo, `${path}.coo`, preSize, target.size, context);
  return projection;
}

function parseDense(json: JsonReader, value: unknown, path: string, preSize: number, postSize: number, context: string): TraceDense {
  const d = json.object(value, path, ['weights', 'delays'], [], context);
  const rows = `rows (one per target, ${postSize})`;
  const weights = json.intMatrix(d.weights, `${path}.weights`, RANGES.weight, postSize, preSize, context, rows);
  const delays =
    typeof d.delays === 'number'
      ? json.int(d.delays, `${path}.delays`, RANGES.delay, context)
      : json.intMatrix(d.delays, `${path}.delays`, RANGES.delay, postSize, preSize, context, rows);
  return { weights, delays };
}

function parseCoo(json: JsonReader, value: unknown, path: string, preSize: number, postSize: number, context: string): TraceCoo {
  const c = json.object(value, path, ['pre', 'post', 'weights', 'delays'], [], context);
  const pre = json.intArray(c.pre, `${path}.pre`, { min: 0, max: preSize - 1 }, undefined, context);
  const n = pre.length;
  const post = json.intArray(c.post, `${path}.post`, { min: 0, max: postSize - 1 }, n, context);
  const weights = json.intArray(c.weights, `${path}.weights`, RANGES.weight, n, context);
  const delays =
    typeof c.delays === 'number'
      ? json.int(c.delays, `${path}.delays`, RANGES.delay, context)
      : json.intArray(c.delays, `${path}.delays`, RANGES.delay, n, context);
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = pre[i]! * postSize + post[i]!;
    const first = seen.get(key);
    if (first !== undefined) {
      json.fail(
        `${path}.pre[${i}]`,
        `synapse ${i} (pre ${pre[i]}, post ${post[i]}) repeats synapse ${first}; at most one synapse per (pre, post) pair`,
        context,
      );
    }
    seen.set(key, i);
  }
  return { pre, post, weights, delays };
}

/**
 * Parses the `expected` block of a trace, or the results of a result file: spikes, u and v of exactly the
 * trace's groups, u/v with one row per record step. `sortedSpikes` requires spikes sorted (the trace format);
 * result files may list them in any order.
 */
export function parseResultBlock(json: JsonReader, value: unknown, path: string, trace: LoihiTrace, sortedSpikes: boolean): TraceResult {
  const r = json.object(value, path, ['spikes', 'u', 'v']);
  const groupNames = trace.groups.map((g) => g.name);
  const perGroup = (field: string): Record<string, unknown> => json.object(r[field], `${path}.${field}`, groupNames);
  const spikes = perGroup('spikes');
  const u = perGroup('u');
  const v = perGroup('v');
  const result: TraceResult = { spikes: {}, u: {}, v: {} };
  const steps = { min: 0, max: trace.steps - 1 };
  const rows = trace.record_steps.length;
  for (const g of trace.groups) {
    const context = `group '${g.name}'`;
    result.spikes[g.name] = json.spikeList(spikes[g.name], `${path}.spikes.${g.name}`, steps, g.size, sortedSpikes, context);
    const what = `rows (one per record step, ${rows})`;
    result.u[g.name] = json.intMatrix(u[g.name], `${path}.u.${g.name}`, RANGES.uInit, rows, g.size, context, what);
    result.v[g.name] = json.intMatrix(v[g.name], `${path}.v.${g.name}`, RANGES.vInit, rows, g.size, context, what);
  }
  return result;
}

/**
 * Parses a result file for `trace`: `spikes`, `u`, `v` at the top level (optionally with "format":
 * "synfire-loihi-result/1", "name" and "record_steps", which must then equal the trace's), or inside an
 * `expected` object. Spikes may be in any order.
 */
export function parseResultFile(text: string, file: string, trace: LoihiTrace): TraceResult {
  const json = new JsonReader(file);
  const value = parseJsonText(text, file);
  if (value !== null && typeof value === 'object' && 'expected' in value) {
    const top = json.object(
      value,
      '$',
      ['expected'],
      ['format', 'name', 'description', 'seed', 'steps', 'groups', 'sources', 'projections', 'record_steps'],
    );
    return parseResultBlock(json, top.expected, '$.expected', trace, false);
  }
  const top = json.object(value, '$', ['spikes', 'u', 'v'], ['format', 'name', 'record_steps']);
  if (top.format !== undefined && top.format !== RESULT_FORMAT)
    json.fail('$.format', `expected "${RESULT_FORMAT}", got ${JSON.stringify(top.format)}`);
  if (top.record_steps !== undefined) {
    const steps = json.intArray(top.record_steps, '$.record_steps', { min: 0, max: trace.steps - 1 }, trace.record_steps.length);
    steps.forEach((step, i) => {
      if (step !== trace.record_steps[i]) json.fail(`$.record_steps[${i}]`, `${step} differs from the trace's record step ${trace.record_steps[i]}`);
    });
  }
  return parseResultBlock(json, { spikes: top.spikes, u: top.u, v: top.v }, '$', trace, false);
}
