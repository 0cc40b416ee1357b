/** HTML tables (as strings) for benchmark results and the Loihi estimate; shared by the report and the harness page. */
import type { BenchResult } from '../bench/types.ts';
import type { LoihiEstimate } from '../bench/energy.ts';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number in at most 3 significant digits, exponent form past 1e5; '-' when absent. */
export function fmtNum(x: number | null | undefined, digits = 3): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1e5 || (Math.abs(x) < 1e-3 && x !== 0)) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

const COLUMNS: Array<[string, (r: BenchResult) => string]> = [
  ['benchmark', (r) => r.benchmark],
  [
    'sizes',
    (r) =>
      Object.entries(r.sizes)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
  ],
  ['backend', (r) => r.backend],
  ['environment', (r) => r.environment],
  ['adapter', (r) => r.adapter ?? '-'],
  ['neuron-steps/s', (r) => fmtNum(r.neuronStepsPerS)],
  ['syn-events/s', (r) => fmtNum(r.synapticEventsPerS)],
  ['samples/s', (r) => fmtNum(r.samplesPerS)],
  ['µs/step', (r) => fmtNum(r.usPerStep)],
  ['dispatches/step', (r) => fmtNum(r.dispatchesPerStep)],
  ['submits/step', (r) => fmtNum(r.submitsPerStep)],
  ['GPU ms/step', (r) => (r.gpuMsPerStep === null ? 'n/a' : fmtNum(r.gpuMsPerStep))],
  ['compile ms', (r) => fmtNum(r.compileMs)],
  ['B/synapse', (r) => fmtNum(r.bytesPerSynapse)],
  [
    'extra',
    (r) =>
      Object.entries(r.extra ?? {})
        .map(([k, v]) => `${k}=${typeof v === 'number' ? fmtNum(v) : v}`)
        .join(' '),
  ],
];

/** The benchmark table: one row per result, all fields of the shared result format. */
export function benchTableHtml(results: readonly BenchResult[]): string {
  if (!results.length) return '<p class="note">No benchmark results.</p>';
  const head = COLUMNS.map(([h]) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = results.map((r) => `<tr>${COLUMNS.map(([, f]) => `<td>${escapeHtml(f(r))}</td>`).join('')}</tr>`).join('\n');
  const versions = [...new Set(results.map((r) => `synfire ${r.version}${r.commit ? ` (${r.commit})` : ''}`))].join(', ');
  return `<table class="bench"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table><p class="note">${escapeHtml(versions)}</p>`;
}

const mJ = (j: number) => `${fmtNum(j * 1e3)} mJ`;
const ms = (s: number) => `${fmtNum(s * 1e3)} ms`;
const range = (lo: number, hi: number, f: (x: number) => string) => (lo === hi ? f(lo) : `${f(lo)} – ${f(hi)}`);

/** The Loihi estimate beside the paper's measured figures. */
export function energyTableHtml(e: LoihiEstimate, counts: string): string {
  const p = e.perSample;
  const rows: Array<[string, string, string]> = [
    ['synaptic ops', fmtNum(p.synOps), mJ(e.energyJ.synOps)],
    ['compartment updates', fmtNum(p.neuronUpdates), range(e.energyJ.neurons[0], e.energyJ.neurons[1], mJ)],
    ['spike messages', fmtNum(p.messages), mJ(e.energyJ.messages)],
    [
      'learning updates (visited … full sweep)',
      `${fmtNum(p.learnVisited)} … ${fmtNum(p.learnFullSweep)}`,
      range(e.energyJ.learning[0], e.energyJ.learning[1], mJ),
    ],
  ];
  return `<table class="energy"><thead><tr><th>per sample (${fmtNum(e.stepsPerSample)} steps)</th><th>count</th><th>energy</th></tr></thead><tbody>
${rows.map((r) => `<tr><td>${escapeHtml(r[0])}</td><td>${escapeHtml(r[1])}</td><td>${escapeHtml(r[2])}</td></tr>`).join('\n')}
<tr class="total"><td>estimate, dynamic energy</td><td></td><td>${escapeHtml(range(e.energyJ.total[0], e.energyJ.total[1], mJ))}</td></tr>
<tr class="total"><td>estimate, time (Table-2 terms only)</td><td></td><td>${escapeHtml(range(e.timeS.low, e.timeS.high, ms))}</td></tr>
<tr class="total"><td>estimate, time with fitted overhead (${fmtNum(e.timeS.overheadPerStepS * 1e6)} µs/step)</td><td></td><td>${escapeHtml(range(e.timeS.withOverhead[0], e.timeS.withOverhead[1], ms))}</td></tr>
<tr class="paper"><td>paper, measured on Loihi</td><td></td><td>${escapeHtml(`${mJ(e.paper.energyJ)}, ${ms(e.paper.timeS)}`)}</td></tr>
</tbody></table>
<p class="note">Costs: ${escapeHtml(e.costs)} (${escapeHtml(e.source)}). Counts: ${escapeHtml(counts)}. Mapping: ${e.mapping.neuronsPerCore} compartments per core,
${e.mapping.hopsEw}+${e.mapping.hopsNs} hops per message. Method and caveats: docs/energy.md.</p>`;
}
