/** Conversion of a parsed trace (snake_case, dense weights[post][pre]) to a network description. */
import type { Network, Projection } from '../network/types.ts';
import type { LoihiTrace, TraceProjection } from './format.ts';

function flatten(rows: number[][]): Int32Array {
  const cols = rows[0]?.length ?? 0;
  const out = new Int32Array(rows.length * cols);
  rows.forEach((row, i) => out.set(row, i * cols));
  return out;
}

function projectionOf(p: TraceProjection): Projection {
  const common = { name: p.name, from: p.from, to: p.to, weightExp: p.weight_exp, numWeightBits: p.num_weight_bits, signMode: p.sign_mode };
  if (p.dense) {
    // weights[post][pre] flattened row-major is the description's weights[post * preSize + pre].
    const delays = typeof p.dense.delays === 'number' ? p.dense.delays : flatten(p.dense.delays);
    return { ...common, synapses: { kind: 'dense', weights: flatten(p.dense.weights), delays } };
  }
  const coo = p.coo!;
  return {
    ...common,
    synapses: {
      kind: 'sparse',
      pre: Int32Array.from(coo.pre),
      post: Int32Array.from(coo.post),
      weights: Int32Array.from(coo.weights),
      delays: typeof coo.delays === 'number' ? coo.delays : Int32Array.from(coo.delays),
    },
  };
}

/** The network that a trace describes. */
export function traceToNetwork(trace: LoihiTrace): Network {
  return {
    groups: trace.groups.map((g) => ({
      name: g.name,
      size: g.size,
      du: g.du,
      dv: g.dv,
      vth: g.vth,
      biasMant: Int32Array.from(g.bias_mant),
      biasExp: g.bias_exp,
      refractory: g.refractory,
      ...(g.u_init ? { uInit: Int32Array.from(g.u_init) } : {}),
      ...(g.v_init ? { vInit: Int32Array.from(g.v_init) } : {}),
    })),
    sources: trace.sources.map((s) => ({ name: s.name, size: s.size, spikes: s.spikes })),
    projections: trace.projections.map(projectionOf),
  };
}
