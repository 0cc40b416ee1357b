/**
 * The `core` benchmark's network: a Vogels–Abbott (2005) style random CUBA network in Loihi units.
 * 80% excitatory, 20% inhibitory, every neuron with 80 random outgoing synapses (p = 80/N at N = 4000, as in
 * the original), delays 0..3. Units: 1 mV of the original is 6400 voltage units, so the 10 mV from reset to
 * threshold is VTH = 1000 << 6. tau_m = 20 steps (dv = 205), tau_syn = 5 steps (du + 1 = 819). The bias drives
 * v towards 11.9 mV, above threshold (tonic firing, like El = -49 mV in the original); an excitatory spike adds
 * about the original 1.62 mV * tau_syn / tau_m to v (W = 8), an inhibitory one 4.5 times as much, negative
 * (W = -36; the original's 9 mV gave under 1.5 % activity here). Refractory 5 steps. Initial voltages are uniform
 * in [0, VTH), so neurons start desynchronised. About 2 % of the neurons spike per step, sustained.
 * Environment-neutral; deterministic for a seed.
 */
import type { Network, Projection } from '../network/types.ts';
import { mulberry32 } from '../util/random.ts';

/** Parameters of the benchmark network. */
export interface CoreNetworkOptions {
  neurons: number;
  /** Outgoing synapses per neuron (default 80). */
  synapsesPerNeuron?: number;
  /** Largest synaptic delay (default 3). */
  maxDelay?: number;
  seed?: number;
}

const VTH = 1000;
const BIAS = 3800;
const DV = 205;
const DU = 818;
const W_EXC = 8;
const W_INH = -36;
const REFRACTORY = 5;

/** Builds the network: groups 'exc' and 'inh', projections exc_exc, exc_inh, inh_exc, inh_inh (sparse). */
export function coreNetwork(options: CoreNetworkOptions): Network {
  const n = options.neurons;
  const fanOut = Math.min(options.synapsesPerNeuron ?? 80, n - 1);
  const maxDelay = options.maxDelay ?? 3;
  const next = mulberry32(options.seed ?? 1);
  const nExc = Math.round(n * 0.8);
  const nInh = n - nExc;
  const group = (name: string, size: number) => ({
    name,
    size,
    du: DU,
    dv: DV,
    vth: VTH,
    biasMant: new Int32Array(size).fill(BIAS),
    biasExp: 0,
    refractory: REFRACTORY,
    vInit: Int32Array.from({ length: size }, () => next() % (VTH << 6)),
  });
  // Synapses by (pre group, post group): pre, post, delay, in pre order.
  const lists = [0, 1, 2, 3].map(() => ({ pre: [] as number[], post: [] as number[], delay: [] as number[] }));
  const chosen = new Set<number>();
  for (let j = 0; j < n; j++) {
    chosen.clear();
    while (chosen.size < fanOut) {
      const i = next() % n;
      if (i !== j) chosen.add(i);
    }
    const preInh = j >= nExc ? 1 : 0;
    for (const i of chosen) {
      const postInh = i >= nExc ? 1 : 0;
      const list = lists[preInh * 2 + postInh]!;
      list.pre.push(preInh ? j - nExc : j);
      list.post.push(postInh ? i - nExc : i);
      list.delay.push(next() % (maxDelay + 1));
    }
  }
  const names = ['exc', 'inh'];
  const projections: Projection[] = lists.map((list, k) => {
    const inhibitory = k >= 2;
    return {
      name: `${names[k >> 1]}_${names[k & 1]}`,
      from: names[k >> 1]!,
      to: names[k & 1]!,
      weightExp: 0,
      numWeightBits: 8,
      signMode: inhibitory ? 'inhibitory' : 'excitatory',
      synapses: {
        kind: 'sparse',
        pre: Int32Array.from(list.pre),
        post: Int32Array.from(list.post),
        weights: new Int32Array(list.pre.length).fill(inhibitory ? W_INH : W_EXC),
        delays: Uint8Array.from(list.delay),
      },
    };
  });
  return { groups: [group('exc', nExc), group('inh', nInh)], sources: [], projections };
}
