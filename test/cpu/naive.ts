/**
 * A deliberately naive simulator for differential tests of the CPU backend: one object per compartment, every
 * synapse visited every step in description order, group sums in a Map keyed by (projection, target, delay),
 * pending inputs in a Map keyed by arrival step. It shares only the scalar rules of src/loihi (tested on their
 * own) with the backend, none of its data structures.
 */
import { biasValue, stepCompartment, thresholdValue } from '../../src/loihi/neuron.ts';
import { applyWeightExp, quantizeWeight, storedWeightRange } from '../../src/loihi/synapse.ts';
import { evalLearningRule, parseLearningRule, applyWeightChange } from '../../src/loihi/learning.ts';
import type { Network } from '../../src/network/types.ts';
import { uniformStream } from '../../src/util/random.ts';

export interface NaiveStep {
  spikes: Record<string, number[]>;
  u: Record<string, number[]>;
  v: Record<string, number[]>;
}

interface Synapse {
  pre: number;
  post: number;
  w: number;
  delay: number;
  desc: number;
}

/** Runs `steps` steps and returns spikes, u, v of every group at every step, and final weights (description layout). */
export function runNaive(network: Network, steps: number): { trace: NaiveStep[]; weights: Record<string, number[]> } {
  const state = new Map(
    network.groups.map((g) => [g.name, Array.from({ length: g.size }, (_, i) => ({ u: g.uInit?.[i] ?? 0, v: g.vInit?.[i] ?? 0, refUntil: -1 }))]),
  );
  const synapses = network.projections.map((p) => {
    const list: Synapse[] = [];
    const s = p.synapses;
    const preSize = [...network.groups, ...network.sources].find((x) => x.name === p.from)!.size;
    const delayOf = (i: number): number => (typeof s.delays === 'number' ? s.delays : s.delays[i]!);
    if (s.kind === 'dense') {
      for (let i = 0; i < s.weights.length; i++) {
        if (s.weights[i] === 0 && !p.learning) continue;
        list.push({
          pre: i % preSize,
          post: Math.floor(i / preSize),
          w: quantizeWeight(s.weights[i]!, p.signMode, p.numWeightBits),
          delay: delayOf(i),
          desc: i,
        });
      }
    } else {
      for (let i = 0; i < s.pre.length; i++)
        list.push({ pre: s.pre[i]!, post: s.post[i]!, w: quantizeWeight(s.weights[i]!, p.signMode, p.numWeightBits), delay: delayOf(i), desc: i });
    }
    return list;
  });
  const pending = new Map<number, Map<string, number>>(); // arrival step -> "group:index" -> input
  const trace: NaiveStep[] = [];
  for (let t = 0; t < steps; t++) {
    const fired = new Map<string, Set<number>>();
    const arriving = pending.get(t) ?? new Map<string, number>();
    pending.delete(t);
    const step: NaiveStep = { spikes: {}, u: {}, v: {} };
    for (const g of network.groups) {
      const cells = state.get(g.name)!;
      const set = new Set<number>();
      cells.forEach((cell, i) => {
        const params = { du: g.du, dv: g.dv, vthEff: thresholdValue(g.vth), bias: biasValue(g.biasMant[i]!, g.biasExp), refractory: g.refractory };
        const next = stepCompartment(cell, params, arriving.get(`${g.name}:${i}`) ?? 0, t);
        cells[i] = { u: next.u, v: next.v, refUntil: next.refUntil };
        if (next.spiked) set.add(i);
      });
      fired.set(g.name, set);
      step.spikes[g.name] = [...set].sort((a, b) => a - b);
      step.u[g.name] = cells.map((c) => c.u);
      step.v[g.name] = cells.map((c) => c.v);
    }
    for (const s of network.sources) fired.set(s.name, new Set((s.spikes ?? []).filter(([st]) => st === t).map(([, i]) => i)));
    network.projections.forEach((p, pi) => {
      const sums = new Map<string, number>();
      for (const syn of synapses[pi]!) {
        if (!fired.get(p.from)!.has(syn.pre)) continue;
        const key = `${syn.post}:${syn.delay}`;
        sums.set(key, (sums.get(key) ?? 0) + syn.w);
      }
      for (const [key, sum] of sums) {
        const [post, delay] = key.split(':').map(Number) as [number, number];
        const at = t + 1 + delay;
        if (!pending.has(at)) pending.set(at, new Map());
        const target = pending.get(at)!;
        target.set(`${p.to}:${post}`, (target.get(`${p.to}:${post}`) ?? 0) + applyWeightExp(sum, p.weightExp));
      }
    });
    network.projections.forEach((p, pi) => {
      if (!p.learning) return;
      const rule = parseLearningRule(p.learning.dw);
      const stored = storedWeightRange(p.signMode, p.numWeightBits);
      const r1 = p.learning.reward !== undefined && fired.get(p.learning.reward)!.size > 0;
      for (const syn of synapses[pi]!) {
        const dw = evalLearningRule(rule, fired.get(p.from)!.has(syn.pre), fired.get(p.to)!.has(syn.post), r1);
        syn.w = applyWeightChange(syn.w, dw, p.learning.wMin ?? stored.min, p.learning.wMax ?? stored.max);
      }
    });
    trace.push(step);
  }
  const weights: Record<string, number[]> = {};
  network.projections.forEach((p, pi) => {
    const length = p.synapses.weights.length;
    const out = new Array<number>(length).fill(0);
    for (const syn of synapses[pi]!) out[syn.desc] = syn.w;
    weights[p.name] = out;
  });
  return { trace, weights };
}

/** A small deterministic PRNG in [0, 1) (mulberry32, src/util/random.ts). */
export const rng = uniformStream;

/** A random small network with every feature: dense/sparse, delays, all sign modes and exponents, learning. */
export function randomNetwork(seed: number, steps: number): Network {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const groups = Array.from({ length: int(1, 3) }, (_, gi) => {
    const size = int(1, 6);
    return {
      name: `g${gi}`,
      size,
      du: pick([0, 1, 1023, 2047, 4094, 4095, int(0, 4095)]),
      dv: pick([0, 1, 2048, 4095, 4096, int(0, 4096)]),
      vth: pick([0, 1, 10, 100, 1000, int(0, 131071)]),
      biasMant: Array.from({ length: size }, () => pick([0, 0, int(-4096, 4095), int(-50, 50)])),
      biasExp: int(0, 7),
      refractory: pick([0, 1, 2, int(0, 63)]),
      ...(r() < 0.3 ? { uInit: Array.from({ length: size }, () => int(-(2 ** 23) + 1, 2 ** 23)) } : {}),
      ...(r() < 0.3 ? { vInit: Array.from({ length: size }, () => int(-(2 ** 23) + 1, 2 ** 23 - 1)) } : {}),
    };
  });
  const sources = Array.from({ length: int(1, 2) }, (_, si) => {
    const size = int(1, 5);
    const spikes: Array<[number, number]> = [];
    for (let t = 0; t < steps; t++) for (let i = 0; i < size; i++) if (r() < 0.3) spikes.push([t, i]);
    return { name: `s${si}`, size, spikes };
  });
  const pops = [...groups, ...sources];
  const projections = Array.from({ length: int(1, 5) }, (_, pi) => {
    const from = pick(pops);
    const to = pick(groups);
    const count = from.size * to.size;
    const maxDelay = pick([0, 1, 6, 63]);
    const delays = r() < 0.5 ? int(0, maxDelay) : Array.from({ length: count }, () => int(0, maxDelay));
    const weight = (): number => (r() < 0.2 ? 0 : pick([-256, 255, int(-256, 255), int(-256, 255)]));
    const common = {
      name: `p${pi}`,
      from: from.name,
      to: to.name,
      weightExp: int(-8, 7),
      numWeightBits: pick([8, 8, int(1, 8)]),
      signMode: pick(['mixed', 'excitatory', 'inhibitory'] as const),
    };
    const learning =
      r() < 0.4
        ? {
            dw: pick(['4*x0*y0*r1 - 2*x0*y0', '2*x0*y0', '-2*x0 + 4*x0*y0*r1', '2*y0 - 1', '8*x0*r1 - 2*y0*r1']),
            reward: sources[0]!.name,
          }
        : undefined;
    if (r() < 0.5) {
      return {
        ...common,
        synapses: { kind: 'dense' as const, weights: Array.from({ length: count }, weight), delays },
        ...(learning ? { learning } : {}),
      };
    }
    const pre: number[] = [];
    const post: number[] = [];
    for (let j = 0; j < from.size; j++) for (let i = 0; i < to.size; i++) if (r() < 0.6) pre.push(j), post.push(i);
    const n = pre.length;
    return {
      ...common,
      synapses: {
        kind: 'sparse' as const,
        pre,
        post,
        weights: Array.from({ length: n }, weight),
        delays: typeof delays === 'number' ? delays : delays.slice(0, n),
      },
      ...(learning ? { learning } : {}),
    };
  });
  return { groups, sources, projections };
}
