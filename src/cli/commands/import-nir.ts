/**
 * `synfire import-nir FILE.nir --out NET.json`: reads a NIR graph (HDF5), quantizes it to Loihi integers and
 * writes synfire's network description, printing the quantization error of every parameter and writing it as
 * JSON (docs/nir.md).
 */
import { writeFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { defineCommand, intOption } from '../command.ts';
import { readNir } from '../../nir/graph.ts';
import { DEFAULT_VTH, importNir, type ImportReport } from '../../nir/import.ts';
import { formatNetworkJson } from '../../nir/files.ts';
import { RANGES } from '../../loihi/constants.ts';

const USAGE = `usage: synfire import-nir FILE.nir --out NET.json [--dt SECONDS] [--vth N] [--report FILE] [--no-extension]

  Maps Input, CubaLIF, LIF, Affine, Linear, Delay and Output nodes to a synfire network description; any other
  NIR primitive is refused, naming the node (docs/nir.md lists them).
  --dt            seconds per step the graph was trained with (default 1): du = round(4096 dt/tau_syn) - 1,
                  dv = round(4096 dt/tau_mem)
  --vth           threshold mantissa for every group (default ${DEFAULT_VTH}); a group's vth is lowered when a weight or
                  bias would otherwise clip. Parameters are scaled per neuron so its NIR threshold maps to vth << 6
  --report        where to write the quantization report as JSON (default: NET.json with .report.json)
  --no-extension  ignore synfire's integer extension (files from export-nir) and quantize the float parameters`;

function formatNumber(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(2);
}

/** The report as a table: one line per node parameter. */
export function formatReport(report: ImportReport): string {
  const lines = [`${report.file}: NIR ${report.nirVersion}, dt = ${report.dt} s${report.exact ? ', synfire extension (exact)' : ''}`];
  if (report.errors.length > 0) {
    const rows = report.errors.map((e) => [
      e.node,
      e.param,
      e.loihi,
      String(e.count),
      formatNumber(e.maxAbs),
      formatNumber(e.maxRel),
      formatNumber(e.rms),
    ]);
    const head = ['node', 'parameter', 'loihi', 'n', 'max abs err', 'max rel err', 'rms err'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (r: string[]): string =>
      r
        .map((x, c) => x.padEnd(widths[c]!))
        .join('  ')
        .trimEnd();
    lines.push(line(head), ...rows.map(line));
  }
  for (const n of report.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

export const run = defineCommand({
  usage: USAGE,
  options: {
    out: { type: 'string' },
    dt: { type: 'string' },
    vth: { type: 'string' },
    report: { type: 'string' },
    'no-extension': { type: 'boolean' },
  },
  positionals: [1, 1],
  positionalsName: 'one NIR file',
  async run(values, positionals) {
    const file = positionals[0]!;
    if (!values.out) throw new UsageError(`--out NET.json is required\n${USAGE}`);
    let dt: number | undefined;
    if (values.dt !== undefined) {
      dt = Number(values.dt);
      if (values.dt.trim() === '' || !Number.isFinite(dt) || dt <= 0)
        throw new UsageError(`--dt must be a positive number of seconds, got '${values.dt}'`);
    }
    const vth = intOption(values.vth, '--vth', 1, RANGES.vth.max);
    const graph = await readNir(file);
    const { network, report } = importNir(graph, { dt, vth, file, useExtension: !values['no-extension'] });
    writeFileSync(values.out, formatNetworkJson(network));
    const reportFile = values.report ?? values.out.replace(/(\.json)?$/, '.report.json');
    writeFileSync(reportFile, `${JSON.stringify(report, null, 1)}\n`);
    console.log(formatReport(report));
    const synapses = network.projections.reduce((a, p) => a + p.synapses.weights.length, 0);
    console.log(
      `wrote ${values.out}: ${network.groups.length} groups (${network.groups.reduce((a, g) => a + g.size, 0)} compartments), ${network.sources.length} sources, ${network.projections.length} projections (${synapses} synapses); report ${reportFile}`,
    );
    return 0;
  },
});
