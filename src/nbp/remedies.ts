/**
 * Accuracy remedies: opt-in departures from the faithful algorithm (issue item 7). THIS FILE IS THE SINGLE PLACE
 * REMEDIES ARE DEFINED. Each entry documents what it changes. The per-sample reference (./algorithm.ts) and the
 * CPU engine know no remedy: they take a LearningStrategy (./algorithm.ts), which {@link remedyStrategy} builds
 * here from the validated settings of FusedTrainerOptions.remedies. With no remedies (the default) every engine
 * computes exactly the semantics chosen by --semantics.
 *
 * Adding one: add an entry to REMEDIES and express it in {@link remedyParams} / {@link remedyStrategy} (box edges
 * or a per-sample update filter), and test engine = reference with it switched on. A remedy that needs a new kind
 * of hook extends SampleRule in ./algorithm.ts. `synfire train --remedy NAME[=VALUE]` reaches it with no CLI change.
 */
import { FAITHFUL_BOX, type DerivativeBox, type LearningStrategy, type SampleRule } from './algorithm.ts';

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

/**
 * The registry. Costs on the chip are spelled out in docs/accuracy.md; in short:
 * - output-floor: one gate weight (o^<'s threshold bias), no new neurons or synapses.
 * - margin: two more threshold copies of the output layer (2×10 neurons, 2×4000 plastic synapses) unless
 *   margin = 512, which reuses o^< and o^> (rewiring only).
 * - lr-halve: a learning-rate schedule by stochastic rounding of a smaller step; on chip the 3 W1 and 5 W2
 *   copies would need shared random draws (or the host rewrites the rule's step between epochs).
 */
export const REMEDIES: Readonly<Record<string, RemedyDefinition>> = {
  'output-floor': {
    description:
      'lower edge of the OUTPUT surrogate derivative moves from a2 > 0 to a2 > -VALUE, so a target output whose potential is negative still gets d2p and a silent ("dead") class can recover',
    kind: 'number',
    range: [0, 1 << 20],
    integer: true,
  },
  margin: {
    description:
      'targets are trained until a2 > 512 + VALUE and non-targets until a2 <= 512 - VALUE (instead of a2 > 512 / a2 <= 512): a margin around the output threshold',
    kind: 'number',
    range: [0, 512],
    integer: true,
  },
  'target-margin': {
    description:
      'targets are trained until a2 > 512 + VALUE (overrides the target side of margin; may exceed 512): the target output is pushed further above its threshold than margin allows',
    kind: 'number',
    range: [0, 1 << 16],
    integer: true,
  },
  'nontarget-margin': {
    description:
      'non-targets are trained until a2 <= 512 - VALUE (overrides the non-target side of margin; may exceed 512, i.e. push non-targets below 0)',
    kind: 'number',
    range: [0, 1 << 16],
    integer: true,
  },
  'hidden-box': {
    description:
      'widens the HIDDEN surrogate derivative box from 0 < a1 <= derivHigh to -VALUE < a1 <= derivHigh + VALUE, so hidden units outside the box on a sample still learn from it',
    kind: 'number',
    range: [0, 1 << 20],
    integer: true,
  },
  'lr-halve': {
    description:
      'learning-rate schedule: every VALUE epochs the chance that a synapse applies its +-2 update halves (stochastic rounding of a step 2/2^level, level <= 5), deterministic per (sample number, synapse)',
    kind: 'number',
    range: [1, 1000],
    integer: true,
  },
};

/** Remedy settings turned into numbers (the faithful values when off): the derivative-box edges and lr-halve. */
export interface RemedyParams extends DerivativeBox {
  /** Epochs per halving of the update probability; 0 = off (every update applies). */
  lrHalveEpochs: number;
}

/** The faithful algorithm's values. */
export const FAITHFUL_PARAMS: Readonly<RemedyParams> = { ...FAITHFUL_BOX, lrHalveEpochs: 0 };

/** What a replica's engine needs to run remedies: plain data, so it crosses to worker threads. */
export interface RemedySpec {
  params: RemedyParams;
  /** Samples per replica already trained (lr-halve's clock continues across --resume). */
  samplesDone: number;
  /** Training-set size (lr-halve's epoch length). */
  trainSize: number;
}

/**
 * The learning strategy of one replica under remedies: the box edges of `params`, and lr-halve's update filter
 * keyed by the sample's number in the run (samplesDone, samplesDone + 1, ... in training order).
 */
export function remedyStrategy(spec: RemedySpec): LearningStrategy {
  const { params, trainSize } = spec;
  const box: DerivativeBox = {
    targetHigh: params.targetHigh,
    targetLow: params.targetLow,
    nonTargetLow: params.nonTargetLow,
    hiddenWiden: params.hiddenWiden,
  };
  const allApply: SampleRule = { box, keep: null };
  let sampleNo = spec.samplesDone;
  return {
    nextSample(): SampleRule {
      const n = sampleNo++;
      const level = lrLevel(params, n, trainSize);
      return level === 0 ? allApply : { box, keep: (index) => keepUpdate(level, n, index) };
    },
  };
}

/** The per-sample parameters of validated settings. */
export function remedyParams(settings: RemedySettings | undefined): RemedyParams {
  const num = (name: string): number => (typeof settings?.[name] === 'number' ? (settings[name] as number) : 0);
  const margin = num('margin');
  const targetMargin = typeof settings?.['target-margin'] === 'number' ? num('target-margin') : margin;
  const nontargetMargin = typeof settings?.['nontarget-margin'] === 'number' ? num('nontarget-margin') : margin;
  return {
    targetHigh: 512 + targetMargin,
    targetLow: 0 - num('output-floor') || 0,
    nonTargetLow: 512 - nontargetMargin,
    lrHalveEpochs: num('lr-halve'),
    hiddenWiden: num('hidden-box'),
  };
}

/** The largest halving level of lr-halve (update probability 1/32). */
export const MAX_LR_LEVEL = 5;

/** lr-halve's level for the sample numbered `sampleNo` (0-based, per replica) with `trainSize` samples per epoch. */
export function lrLevel(p: RemedyParams, sampleNo: number, trainSize: number): number {
  if (p.lrHalveEpochs <= 0) return 0;
  return Math.min(MAX_LR_LEVEL, Math.floor(Math.floor(sampleNo / trainSize) / p.lrHalveEpochs));
}

/** A 32-bit integer hash of (sample number, synapse index): the shared random draw of lr-halve. */
export function synapseDraw(sampleNo: number, index: number): number {
  let h = Math.imul((sampleNo | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index | 0, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Whether synapse `index` applies its update in sample `sampleNo` at halving level `level` (probability 2^-level).
 * Synapse indices: W2 (and its copies P, M) element j·nOut + k; W1 element nHid·nOut + i·nHid + j.
 */
export function keepUpdate(level: number, sampleNo: number, index: number): boolean {
  return level === 0 || (synapseDraw(sampleNo, index) & ((1 << level) - 1)) === 0;
}

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
      if (def.range && (value < def.range[0] || value > def.range[1]))
        throw new Error(`remedy '${name}' = ${value} is outside [${def.range[0]}, ${def.range[1]}]`);
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
      if (raw !== undefined && raw !== 'true' && raw !== 'false')
        throw new Error(`remedy '${name}' is a switch: write --remedy ${name} (or =true/=false), got '${arg}'`);
      out[name] = raw !== 'false';
    } else {
      if (raw === undefined || raw === '' || !Number.isFinite(Number(raw)))
        throw new Error(`remedy '${name}' needs a value: --remedy ${name}=NUMBER`);
      out[name] = Number(raw);
    }
  }
  return validateRemedies(out);
}
