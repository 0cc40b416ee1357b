/**
 * fast-check arbitraries for random Loihi networks in the trace domain (|A| <= 2^18 - 1): groups with parameters
 * over their full ranges, sources, dense and sparse projections (several between the same pair), delays 0..63,
 * weight exponents -8..7, sign modes, weight bits, refractory, plastic projections with random rules, replicas
 * with their own injected inputs. Structure comes from fast-check; bulk arrays from a seeded generator.
 */
import fc from 'fast-check';
import type { CompartmentGroup, LearningRule, Network, Projection, SignMode, SpikeSource } from '../../src/network/types.ts';
import { ACTIVATION_LIMIT, RANGES } from '../../src/loihi/constants.ts';
import { quantizeWeight, storedWeightRange } from '../../src/loihi/synapse.ts';
import { intStream } from '../../src/util/random.ts';

/** A deterministic generator of integers in [min, max] (mulberry32, src/util/random.ts). */
export const prng = intStream;

interface GroupSpec {
  size: number;
  du: number;
  dv: number;
  vth: number;
  biasExp: number;
  refractory: number;
  /** 'driven' groups get a low threshold and mostly positive bias, so they spike. */
  driven: boolean;
  initState: boolean;
  seed: number;
}

interface ProjectionSpec {
  from: number;
  to: number;
  dense: boolean;
  density: number;
  delay: number | 'per-synapse';
  maxDelay: number;
  weightExp: number;
  signMode: SignMode;
  numWeightBits: number;
  learning: { terms: Array<{ coefficient: number; x0: boolean; y0: boolean; r1: boolean }>; bounds: [number, number] | null } | null;
  seed: number;
}

/** A drawn test case: the network, how to split the run, what to inject. */
export interface NetworkCase {
  network: Network;
  replicas: number;
  /** Lengths of successive run() calls; injections happen before each. */
  segments: number[];
  /** Spikes injected before segment k: [source, spikes, replica]. */
  injections: Array<Array<{ source: string; spikes: Array<[number, number]>; replica: number | undefined }>>;
  steps: number;
}

const groupArb: fc.Arbitrary<GroupSpec> = fc.record({
  size: fc.integer({ min: 1, max: 24 }),
  du: fc.oneof(fc.constantFrom(0, 1, 4094, 4095), fc.integer({ min: 0, max: 4095 })),
  dv: fc.oneof(fc.constantFrom(0, 1, 4095, 4096), fc.integer({ min: 0, max: 4096 })),
  vth: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: RANGES.vth.max })),
  biasExp: fc.integer({ min: 0, max: 7 }),
  refractory: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 63 })),
  driven: fc.boolean(),
  initState: fc.boolean(),
  seed: fc.integer(),
});

const termArb = fc.record({
  coefficient: fc.integer({ min: -8, max: 8 }).filter((c) => c !== 0),
  x0: fc.boolean(),
  y0: fc.boolean(),
  r1: fc.boolean(),
});

// About one projection in three is plastic.
const learningArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      terms: fc.array(termArb, { minLength: 1, maxLength: 3 }),
      bounds: fc.option(fc.tuple(fc.integer({ min: -256, max: 255 }), fc.integer({ min: -256, max: 255 })), { nil: null }),
    }),
  },
);

function projectionArb(pres: number, posts: number): fc.Arbitrary<ProjectionSpec> {
  return fc.record({
    from: fc.integer({ min: 0, max: pres - 1 }),
    to: fc.integer({ min: 0, max: posts - 1 }),
    dense: fc.boolean(),
    density: fc.double({ min: 0.05, max: 1, noNaN: true }),
    delay: fc.oneof(fc.constant<'per-synapse'>('per-synapse'), fc.integer({ min: 0, max: 63 })),
    maxDelay: fc.constantFrom(0, 1, 3, 6, 63),
    weightExp: fc.integer({ min: -8, max: 7 }),
    signMode: fc.constantFrom<SignMode>('mixed', 'excitatory', 'inhibitory'),
    numWeightBits: fc.integer({ min: 1, max: 8 }),
    learning: learningArb,
    seed: fc.integer(),
  });
}

function buildGroup(spec: GroupSpec, index: number): CompartmentGroup {
  const rand = prng(spec.seed);
  const biasMant = Array.from({ length: spec.size }, () => (spec.driven ? rand(-200, 4095) : rand(RANGES.biasMant.min, RANGES.biasMant.max)));
  const group: CompartmentGroup = {
    name: `g${index}`,
    size: spec.size,
    du: spec.du,
    dv: spec.dv,
    vth: spec.driven ? Math.min(spec.vth, 400) : spec.vth,
    biasMant,
    biasExp: spec.driven ? Math.min(spec.biasExp, 4) : spec.biasExp,
    refractory: spec.refractory,
  };
  if (spec.initState) {
    group.uInit = Array.from({ length: spec.size }, () => rand(RANGES.uInit.min, RANGES.uInit.max));
    group.vInit = Array.from({ length: spec.size }, () => rand(RANGES.vInit.min, RANGES.vInit.max));
  }
  return group;
}

function ruleText(terms: NonNullable<ProjectionSpec['learning']>['terms'], hasReward: boolean): string {
  return terms
    .map((t, i) => {
      const factors = [t.x0 && 'x0', t.y0 && 'y0', t.r1 && hasReward && 'r1'].filter(Boolean) as string[];
      const mag = `${Math.abs(t.coefficient)}${factors.map((f) => `*${f}`).join('')}`;
      return i === 0 ? (t.coefficient < 0 ? `-${mag}` : mag) : `${t.coefficient < 0 ? ' - ' : ' + '}${mag}`;
    })
    .join('');
}

function buildProjection(
  spec: ProjectionSpec,
  index: number,
  pops: Array<{ name: string; size: number }>,
  groups: CompartmentGroup[],
  sources: SpikeSource[],
): Projection {
  const rand = prng(spec.seed);
  const pre = pops[spec.from]!;
  const post = groups[spec.to]!;
  const weight = (): number => rand(RANGES.weight.min, RANGES.weight.max);
  const delayOf = (): number => rand(0, spec.maxDelay);
  const keep = (): boolean => rand(0, 999) < spec.density * 1000;
  let synapses: Projection['synapses'];
  if (spec.dense) {
    const n = pre.size * post.size;
    const weights = Array.from({ length: n }, () => (keep() ? weight() : 0));
    synapses = { kind: 'dense', weights, delays: spec.delay === 'per-synapse' ? Array.from({ length: n }, delayOf) : spec.delay };
  } else {
    const prePairs: number[] = [];
    const postPairs: number[] = [];
    for (let j = 0; j < pre.size; j++) for (let i = 0; i < post.size; i++) if (keep()) prePairs.push(j), postPairs.push(i);
    if (prePairs.length === 0) prePairs.push(0), postPairs.push(0);
    // Description order need not be row order: shuffle the list.
    for (let k = prePairs.length - 1; k > 0; k--) {
      const m = rand(0, k);
      [prePairs[k], prePairs[m]] = [prePairs[m]!, prePairs[k]!];
      [postPairs[k], postPairs[m]] = [postPairs[m]!, postPairs[k]!];
    }
    const weights = prePairs.map(() => weight());
    synapses = { kind: 'sparse', pre: prePairs, post: postPairs, weights, delays: spec.delay === 'per-synapse' ? prePairs.map(delayOf) : spec.delay };
  }
  const projection: Projection = {
    name: `p${index}_${pre.name}_${post.name}`,
    from: pre.name,
    to: post.name,
    weightExp: spec.weightExp,
    numWeightBits: spec.numWeightBits,
    signMode: spec.signMode,
    synapses,
  };
  if (spec.learning) {
    const reward = sources.length > 0 ? sources[rand(0, sources.length - 1)]!.name : undefined;
    const learning: LearningRule = { dw: ruleText(spec.learning.terms, reward !== undefined) };
    if (reward !== undefined && spec.learning.terms.some((t) => t.r1)) learning.reward = reward;
    if (spec.learning.bounds) {
      learning.wMin = Math.min(...spec.learning.bounds);
      learning.wMax = Math.max(...spec.learning.bounds);
    }
    projection.learning = learning;
  }
  return projection;
}

/** Largest |A| a target compartment can receive in one step, per group (weights of plastic synapses at their bounds). */
export function inputBound(network: Network): Map<string, number> {
  const bound = new Map(network.groups.map((g) => [g.name, new Float64Array(g.size)]));
  for (const p of network.projections) {
    const preSize = (network.groups.find((g) => g.name === p.from) ?? network.sources.find((s) => s.name === p.from))!.size;
    const out = bound.get(p.to)!;
    const scale = 2 ** Math.max(0, p.weightExp);
    const stored = storedWeightRange(p.signMode, p.numWeightBits);
    const limit = p.learning ? Math.max(Math.abs(p.learning.wMin ?? stored.min), Math.abs(p.learning.wMax ?? stored.max)) : 0;
    const add = (post: number, raw: number): void => {
      out[post]! += Math.max(Math.abs(quantizeWeight(raw, p.signMode, p.numWeightBits)), limit) * scale;
    };
    const syn = p.synapses;
    if (syn.kind === 'dense') {
      for (let i = 0; i < syn.weights.length; i++) if (syn.weights[i] !== 0 || p.learning) add(Math.floor(i / preSize), syn.weights[i]!);
    } else {
      for (let i = 0; i < syn.pre.length; i++) add(syn.post[i]!, syn.weights[i]!);
    }
  }
  return new Map([...bound].map(([name, b]) => [name, Math.max(0, ...b)]));
}

/** Lowers weight exponents (then halves weights) of projections into overdriven groups until |A| <= 2^18 - 1. */
function keepInDomain(network: Network): void {
  for (;;) {
    const bounds = inputBound(network);
    const over = network.groups.find((g) => bounds.get(g.name)! > ACTIVATION_LIMIT);
    if (!over) return;
    const into = network.projections.filter((p) => p.to === over.name);
    const top = into.reduce((a, b) => (b.weightExp > a.weightExp ? b : a));
    if (top.weightExp > RANGES.weightExp.min) {
      top.weightExp--;
      continue;
    }
    for (const p of into) {
      const w = p.synapses.weights as number[];
      for (let i = 0; i < w.length; i++) w[i] = Math.trunc(w[i]! / 2);
      if (p.learning) {
        const stored = storedWeightRange(p.signMode, p.numWeightBits);
        p.learning.wMin = Math.trunc((p.learning.wMin ?? stored.min) / 2);
        p.learning.wMax = Math.trunc((p.learning.wMax ?? stored.max) / 2);
      }
    }
  }
}

/** Arbitrary test cases with `minSteps`..`maxSteps` steps in total. */
export function networkCaseArb(minSteps: number, maxSteps: number): fc.Arbitrary<NetworkCase> {
  return fc
    .record({
      groups: fc.array(groupArb, { minLength: 1, maxLength: 4, size: 'max' }),
      sources: fc.array(fc.record({ size: fc.integer({ min: 1, max: 16 }), rate: fc.integer({ min: 1, max: 300 }), seed: fc.integer() }), {
        maxLength: 2,
        size: 'max',
      }),
      replicas: fc.integer({ min: 1, max: 3 }),
      steps: fc.integer({ min: minSteps, max: maxSteps }),
      cuts: fc.array(fc.integer({ min: 1, max: minSteps - 1 }), { minLength: 1, maxLength: 3 }),
      seed: fc.integer(),
    })
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        projections: fc.array(projectionArb(base.groups.length + base.sources.length, base.groups.length), {
          minLength: 1,
          maxLength: 6,
          size: 'max',
        }),
      }),
    )
    .map(({ base, projections }) => {
      const rand = prng(base.seed);
      const groups = base.groups.map(buildGroup);
      const half = Math.floor(base.steps / 2);
      const sources: SpikeSource[] = base.sources.map((s, i) => {
        const r = prng(s.seed);
        const spikes: Array<[number, number]> = [];
        // Description spikes cover the first half; injections add more later (per replica or for all).
        for (let t = 0; t < half; t++) for (let k = 0; k < s.size; k++) if (r(0, 999) < s.rate) spikes.push([t, k]);
        return { name: `s${i}`, size: s.size, spikes };
      });
      const pops = [...groups, ...sources];
      const network: Network = { groups, sources, projections: projections.map((p, i) => buildProjection(p, i, pops, groups, sources)) };
      keepInDomain(network);
      const cuts = [...new Set(base.cuts)].sort((a, b) => a - b);
      const bounds = [0, ...cuts, base.steps];
      const segments = bounds.slice(1).map((b, k) => b - bounds[k]!);
      const injections = segments.map((_, k) =>
        sources.flatMap((s) => {
          const from = Math.max(bounds[k]!, half);
          const to = bounds[k + 1]!;
          const targets: Array<number | undefined> = [undefined, ...Array.from({ length: base.replicas }, (_, r) => r)];
          return targets.map((replica) => {
            const spikes: Array<[number, number]> = [];
            for (let t = from; t < to; t++) for (let i = 0; i < s.size; i++) if (rand(0, 999) < 60) spikes.push([t, i]);
            return { source: s.name, spikes, replica };
          });
        }),
      );
      return { network, replicas: base.replicas, segments, injections, steps: base.steps };
    });
}
