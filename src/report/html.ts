/** Renders a self-contained HTML report: data as inline JSON, the drawing script inline, no external resources. */
import type { ReportData } from './data.ts';
import { benchTableHtml, energyTableHtml, escapeHtml, fmtNum } from './tables.ts';

/** Shared page style (the harness page uses it too). */
export const REPORT_CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; color: #1b1b1b; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
.meta, .note { color: #555; font-size: 12.5px; }
canvas { width: 100%; height: 320px; display: block; border: 1px solid #e2e2e2; margin: 8px 0; }
canvas.raster { height: 640px; } ol.phases { columns: 2; font-size: 12px; } canvas.hist { height: 220px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 8px 16px; }
table { border-collapse: collapse; font-size: 12.5px; margin: 8px 0; } td, th { border: 1px solid #ddd; padding: 3px 7px; text-align: left; }
th { background: #f5f5f5; } tr.total td { font-weight: 600; } tr.paper td { background: #fff6e0; font-weight: 600; }
table.bench { display: block; overflow-x: auto; }
`;

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function finalMetricsTable(data: ReportData): string {
  const last = new Map<number, ReportData['metrics'][number]>();
  for (const r of data.metrics) {
    const prev = last.get(r.replica);
    if (!prev || r.epoch >= prev.epoch) last.set(r.replica, r);
  }
  if (!last.size) return '';
  const rows = [...last.values()]
    .sort((a, b) => a.replica - b.replica)
    .map(
      (r) =>
        `<tr><td>${r.replica}</td><td>${fmtNum(r.epoch)}</td><td>${r.samples}</td><td>${(r.acc_spikes * 100).toFixed(2)} %</td><td>${(r.acc_membrane * 100).toFixed(2)} %</td>` +
        `<td>${(r.acc_exact * 100).toFixed(2)} %</td><td>${fmtNum(r.mse, 4)}</td><td>${(r.silent * 100).toFixed(2)} %</td><td>${fmtNum(r.train_samples_per_s)}</td></tr>`,
    );
  return `<table class="final"><thead><tr><th>replica</th><th>epoch</th><th>samples</th><th>acc (spikes)</th><th>acc (membrane)</th><th>exact</th><th>MSE</th><th>silent</th><th>train samples/s</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function configTable(config: Record<string, unknown> | null): string {
  if (!config) return '';
  const rows = Object.entries(config).map(
    ([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`,
  );
  return `<details><summary>Run configuration</summary><table>${rows.join('')}</table></details>`;
}

function phaseLegend(labels: string[] | undefined): string {
  if (!labels?.length) return '';
  return `<ol class="note phases" start="0">${labels.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ol>`;
}

function perStepTable(e: NonNullable<ReportData['energy']>): string {
  if (!e.perStep.length) return '';
  const rows = e.perStep.map(
    (s, t) =>
      `<tr><td>${t}</td><td>${fmtNum(s.spikes)}</td><td>${fmtNum(s.synOps)}</td><td>${fmtNum(s.messages)}</td><td>${fmtNum(s.learnVisited)}</td></tr>`,
  );
  return `<details><summary>Events per timestep (phase)</summary><table><thead><tr><th>step</th><th>spikes</th><th>synaptic ops</th><th>messages</th><th>learning updates (visited)</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

/** The whole report as one HTML string; `script` is the bundled drawing code (src/report/page.ts). */
export function renderReportHtml(data: ReportData, script: string): string {
  const h = data.histograms;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(data.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${REPORT_CSS}</style></head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">Run directory <code>${escapeHtml(data.runDir)}</code> · synfire ${escapeHtml(data.version)}${data.commit ? ` (${escapeHtml(data.commit)})` : ''} · generated ${escapeHtml(data.generated)}</p>
${configTable(data.config)}
${data.notes.length ? `<ul class="note">${data.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
<h2>Accuracy and MSE per half epoch</h2>
<div class="grid"><canvas id="chart-accuracy" data-plot="accuracy"></canvas><canvas id="chart-mse" data-plot="mse"></canvas></div>
${finalMetricsTable(data)}
<h2>Spike raster of one training sample</h2>
${data.raster ? `<canvas id="chart-raster" class="raster" data-plot="raster"></canvas>${phaseLegend(data.raster.stepLabels)}` : '<p class="note">No raster in this run directory.</p>'}
<h2>Weight histograms</h2>
${h.length ? `<div class="grid">${h.map((_, i) => `<canvas id="chart-hist-${i}" class="hist" data-plot="histogram" data-index="${i}"></canvas>`).join('')}</div>` : '<p class="note">No checkpoint weights found.</p>'}
<h2>Benchmarks</h2>
${benchTableHtml(data.bench)}
<h2>What this would cost on Loihi</h2>
${data.energy ? energyTableHtml(data.energy, `synfire's event counts of the circuit for ${data.energy.samples} recorded training sample(s) of this run`) + perStepTable(data.energy) : '<p class="note">No estimate (needs a raster of the circuit).</p>'}
<script type="application/json" id="synfire-report-data">${scriptJson(data)}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}
