/**
 * Validation of a network description (types.ts) before any backend builds resources. Errors name the field
 * path, the index and the valid range, e.g. `projections[3] 'x_h1': synapses.delays[17] = 64 is out of range 0..63`.
 * Nothing is fixed silently.
 */
import { RANGES, type IntRange } from '../loihi/constants.ts';
import { LearningRuleError, parseLearningRule } from '../loihi/learning.ts';
import { storedWeightRange } from '../loihi/synapse.ts';
import type { CompartmentGroup, Network, Projection, SpikeSource } from './types.ts';

/** An invalid network description; `path` is the offending field, e.g. `projections[3].synapses.delays[17]`. */
export class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** A place in the description: its path and a human label (`groups[2] 'h1'`). */
interface Where {
  path: string;
  label: string;
}

function fail(where: Where, field: string, what: string): never {
  const path = field ? `${where.path}.${field}` : where.path;
  throw new NetworkError(`${where.label}: ${field ? `${field} ` : ''}${what}`, path);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Checks that `value` is an integer in `range`. */
function checkInt(value: unknown, range: IntRange, where: Where, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(where, field, `= ${show(value)} is not an integer (expected ${range.min}..${range.max})`);
  }
  if (value < range.min || value > range.max) fail(where, field, `= ${value} is out of range ${range.min}..${range.max}`);
}

function checkArrayLike(value: unknown, length: number | undefined, where: Where, field: string): ArrayLike<number> {
  if (value === null || typeof value !== 'object' || typeof (value as ArrayLike<number>).length !== 'number') {
    fail(where, field, `must be an array of ${length ?? ''}${length === undefined ? '' : ' '}integers, got ${show(value)}`);
  }
  const array = value as ArrayLike<number>;
  if (length !== undefined && array.length !== length) fail(where, field, `has length ${array.length}, expected ${length}`);
  return array;
}

/** Checks every element of an integer array against a range; `describe` adds context to an index. */
function checkIntArray(array: ArrayLike<number>, range: IntRange, where: Where, field: string, describe?: (i: number) => string): void {
  for (let i = 0; i < array.length; i++) {
    const x = array[i];
    if (typeof x === 'number' && Number.isInteger(x) && x >= range.min && x <= range.max) continue;
    checkInt(x, range, where, `${field}[${i}]${describe ? ` ${describe(i)}` : ''}`);
  }
}

const SIZE_RANGE: IntRange = { min: 1, max: 2 ** 28 };
const STEP_RANGE: IntRange = { min: 0, max: 2 ** 31 - 1 };

function checkName(name: unknown, where: Where): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) fail(where, 'name', `must be a non-empty string, got ${show(name)}`);
}

function validateGroup(group: CompartmentGroup, where: Where): void {
  checkInt(group.size, SIZE_RANGE, where, 'size');
  checkInt(group.du, RANGES.du, where, 'du');
  checkInt(group.dv, RANGES.dv, where, 'dv');
  checkInt(group.vth, RANGES.vth, where, 'vth');
  checkInt(group.biasExp, RANGES.biasExp, where, 'biasExp');
  checkInt(group.refractory, RANGES.refractory, where, 'refractory');
  checkIntArray(checkArrayLike(group.biasMant, group.size, where, 'biasMant'), RANGES.biasMant, where, 'biasMant');
  if (group.uInit !== undefined) checkIntArray(checkArrayLike(group.uInit, group.size, where, 'uInit'), RANGES.uInit, where, 'uInit');
  if (group.vInit !== undefined) checkIntArray(checkArrayLike(group.vInit, group.size, where, 'vInit'), RANGES.vInit, where, 'vInit');
}

function validateSource(source: SpikeSource, where: Where): void {
  checkInt(source.size, SIZE_RANGE, where, 'size');
  if (source.spikes === undefined) return;
  if (!Array.isArray(source.spikes)) fail(where, 'spikes', 'must be an array of [step, index] pairs');
  const seen = new Map<number, number>();
  source.spikes.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) fail(where, `spikes[${i}]`, `= ${show(pair)} is not a [step, index] pair`);
    checkInt(pair[0], STEP_RANGE, where, `spikes[${i}][0] (step)`);
    checkInt(pair[1], { min: 0, max: source.size - 1 }, where, `spikes[${i}][1] (index)`);
    const key = pair[0] * source.size + pair[1];
    const first = seen.get(key);
    if (first !== undefined) fail(where, `spikes[${i}]`, `= [${pair[0]}, ${pair[1]}] duplicates spikes[${first}]`);
    seen.set(key, i);
  });
}

/** Checks a per-synapse delay (a number or an array of `count`). */
function validateDelays(delays: unknown, count: number, where: Where, describe?: (i: number) => string): void {
  if (typeof delays === 'number') checkInt(delays, RANGES.delay, where, 'synapses.delays');
  else checkIntArray(checkArrayLike(delays, count, where, 'synapses.delays'), RANGES.delay, where, 'synapses.delays', describe);
}

/** Finds a repeated (pre, post) pair of a sparse projection, bucketing synapses by pre. */
function findDuplicatePair(pre: ArrayLike<number>, post: ArrayLike<number>, preSize: number): [number, number] | undefined {
  const start = new Int32Array(preSize + 1);
  for (let i = 0; i < pre.length; i++) start[pre[i]! + 1]!++;
  for (let j = 0; j < preSize; j++) start[j + 1]! += start[j]!;
  const fill = start.slice(0, preSize);
  const posts = new Int32Array(pre.length);
  for (let i = 0; i < pre.length; i++) posts[fill[pre[i]!]!++] = post[i]!;
  for (let j = 0; j < preSize; j++) {
    const row = posts.subarray(start[j]!, start[j + 1]!).sort();
    for (let k = 1; k < row.length; k++) {
      if (row[k] !== row[k - 1]) continue;
      const indices: number[] = [];
      for (let i = 0; i < pre.length && indices.length < 2; i++) if (pre[i] === j && post[i] === row[k]) indices.push(i);
      return [indices[0]!, indices[1]!];
    }
  }
  return undefined;
}

function validateProjection(projection: Projection, where: Where, groups: Map<string, CompartmentGroup>, sources: Map<string, SpikeSource>): void {
  const from = groups.get(projection.from) ?? sources.get(projection.from);
  if (!from) fail(where, 'from', `= ${show(projection.from)} names no group or source (known: ${[...groups.keys(), ...sources.keys()].join(', ')})`);
  const to = groups.get(projection.to);
  if (!to) {
    const what = sources.has(projection.to)
      ? 'is a source; projections must end at a group'
      : `names no group (groups: ${[...groups.keys()].join(', ')})`;
    fail(where, 'to', `= ${show(projection.to)} ${what}`);
  }
  checkInt(projection.weightExp, RANGES.weightExp, where, 'weightExp');
  checkInt(projection.numWeightBits, RANGES.numWeightBits, where, 'numWeightBits');
  if (!['mixed', 'excitatory', 'inhibitory'].includes(projection.signMode)) {
    fail(where, 'signMode', `= ${show(projection.signMode)} is not one of 'mixed', 'excitatory', 'inhibitory'`);
  }
  const syn = projection.synapses;
  if (syn?.kind === 'dense') {
    const count = to.size * from.size;
    const describe = (i: number): string => `(post ${Math.floor(i / from.size)}, pre ${i % from.size})`;
    checkIntArray(checkArrayLike(syn.weights, count, where, 'synapses.weights'), RANGES.weight, where, 'synapses.weights', describe);
    validateDelays(syn.delays, count, where, describe);
  } else if (syn?.kind === 'sparse') {
    const count = checkArrayLike(syn.pre, undefined, where, 'synapses.pre').length;
    checkIntArray(syn.pre, { min: 0, max: from.size - 1 }, where, 'synapses.pre');
    checkIntArray(checkArrayLike(syn.post, count, where, 'synapses.post'), { min: 0, max: to.size - 1 }, where, 'synapses.post');
    checkIntArray(checkArrayLike(syn.weights, count, where, 'synapses.weights'), RANGES.weight, where, 'synapses.weights');
    validateDelays(syn.delays, count, where);
    const dup = findDuplicatePair(syn.pre, syn.post, from.size);
    if (dup) {
      fail(
        where,
        'synapses',
        `has two synapses from pre ${syn.pre[dup[0]]} to post ${syn.post[dup[0]]} (indices ${dup[0]} and ${dup[1]}); at most one per pair`,
      );
    }
  } else {
    fail(where, 'synapses.kind', `= ${show((syn as { kind?: unknown } | undefined)?.kind)} is not 'dense' or 'sparse'`);
  }
  if (projection.learning !== undefined) validateLearning(projection, where, sources);
}

function validateLearning(projection: Projection, where: Where, sources: Map<string, SpikeSource>): void {
  const learning = projection.learning!;
  if (typeof learning.dw !== 'string') fail(where, 'learning.dw', `must be a rule string such as '4*x0*y0*r1 - 2*x0*y0', got ${show(learning.dw)}`);
  let usesReward: boolean;
  try {
    usesReward = parseLearningRule(learning.dw).usesReward;
  } catch (err) {
    if (err instanceof LearningRuleError) fail(where, 'learning.dw', `is invalid: ${err.message}`);
    throw err;
  }
  if (learning.reward !== undefined && !sources.has(learning.reward)) {
    fail(where, 'learning.reward', `= ${show(learning.reward)} names no spike source (sources: ${[...sources.keys()].join(', ') || 'none'})`);
  }
  if (usesReward && learning.reward === undefined) fail(where, 'learning.reward', 'is missing, but the rule uses r1 (name the reward source)');
  const bounds = learningBounds(projection);
  const range: IntRange = { min: RANGES.weight.min, max: RANGES.weight.max };
  checkInt(bounds.wMin, range, where, 'learning.wMin');
  checkInt(bounds.wMax, range, where, 'learning.wMax');
  if (bounds.wMin > bounds.wMax) fail(where, 'learning', `wMin = ${bounds.wMin} exceeds wMax = ${bounds.wMax}`);
}

/** The saturation bounds of a plastic projection: its own, or the stored-weight range of its sign mode and bits. */
export function learningBounds(projection: Projection): { wMin: number; wMax: number } {
  const stored = storedWeightRange(projection.signMode, projection.numWeightBits);
  return { wMin: projection.learning?.wMin ?? stored.min, wMax: projection.learning?.wMax ?? stored.max };
}

/** Throws a NetworkError naming the first invalid field of `network`; returns normally if it is valid. */
export function validateNetwork(network: Network): void {
  const top: Where = { path: '', label: 'network' };
  for (const key of ['groups', 'sources', 'projections'] as const) {
    if (!Array.isArray(network?.[key])) fail(top, key, 'must be an array');
  }
  const groups = new Map<string, CompartmentGroup>();
  const sources = new Map<string, SpikeSource>();
  const owners = new Map<string, string>();
  const claim = (name: string, where: Where): void => {
    const other = owners.get(name);
    if (other !== undefined) fail(where, 'name', `= '${name}' is already used by ${other}; names must be unique across groups and sources`);
    owners.set(name, where.path);
  };
  network.groups.forEach((group, i) => {
    const where: Where = { path: `groups[${i}]`, label: `groups[${i}]` };
    checkName(group?.name, where);
    where.label = `groups[${i}] '${group.name}'`;
    claim(group.name, where);
    validateGroup(group, where);
    groups.set(group.name, group);
  });
  network.sources.forEach((source, i) => {
    const where: Where = { path: `sources[${i}]`, label: `sources[${i}]` };
    checkName(source?.name, where);
    where.label = `sources[${i}] '${source.name}'`;
    claim(source.name, where);
    validateSource(source, where);
    sources.set(source.name, source);
  });
  const projectionNames = new Map<string, number>();
  network.projections.forEach((projection, i) => {
    const where: Where = { path: `projections[${i}]`, label: `projections[${i}]` };
    checkName(projection?.name, where);
    where.label = `projections[${i}] '${projection.name}'`;
    const first = projectionNames.get(projection.name);
    if (first !== undefined) fail(where, 'name', `= '${projection.name}' is already used by projections[${first}]; projection names must be unique`);
    projectionNames.set(projection.name, i);
    validateProjection(projection, where, groups, sources);
  });
}
