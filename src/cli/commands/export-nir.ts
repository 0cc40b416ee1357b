/**
 * `synfire export-nir NET.json --out FILE.nir`: writes a synfire network description as a NIR graph, with the
 * exact integer parameters in synfire's extension (docs/nir.md).
 */
import { UsageError } from '../errors.ts';
import { defineCommand } from '../command.ts';
import { writeNir } from '../../nir/graph.ts';
import { exportNir } from '../../nir/export.ts';
import { readNetworkJson } from '../../nir/files.ts';

const USAGE = `usage: synfire export-nir NET.json --out FILE.nir [--dt SECONDS]

  Groups become CubaLIF nodes (LIF when du = 4095), sources Input nodes, projections Linear nodes (with a Delay
  node when the delay depends only on the source neuron), and groups without outgoing projections feed Output
  nodes. Float parameters invert import-nir's mapping (threshold 1, r = tau_mem/dt, w_in = tau_syn/dt); the
  integers (and what NIR cannot express: refractory, initial state, learning) are in the 'synfire' extension.
  --dt  seconds per step for the float parameters (default: the description's meta.dt, else 1)`;

export const run = defineCommand({
  usage: USAGE,
  options: { out: { type: 'string' }, dt: { type: 'string' } },
  positionals: [1, 1],
  positionalsName: 'one network description (NET.json)',
  async run(values, positionals) {
    const file = positionals[0]!;
    if (!values.out) throw new UsageError(`--out FILE.nir is required\n${USAGE}`);
    let dt: number | undefined;
    if (values.dt !== undefined) {
      dt = Number(values.dt);
      if (values.dt.trim() === '' || !Number.isFinite(dt) || dt <= 0)
        throw new UsageError(`--dt must be a positive number of seconds, got '${values.dt}'`);
    }
    const network = readNetworkJson(file);
    const { graph, notes } = exportNir(network, { dt });
    await writeNir(values.out, graph);
    for (const n of notes) console.log(`note: ${n}`);
    console.log(`wrote ${values.out}: ${graph.nodes.size} NIR nodes, ${graph.edges.length} edges (NIR ${graph.version}, synfire extension)`);
    return 0;
  },
});
