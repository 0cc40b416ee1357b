/** Plain-text table of benchmark results (used by the CLI; the harness page renders its own). */
import type { BenchResult } from './types.ts';

function fmt(x: number | null | undefined, digits = 3): string {
  if (x === undefined || x === null || !Number.isFinite(x)) return '-';
  if (Math.abs(x) >= 1e5) return x.toExponential(2);
  return Number(x.toPrecision(digits)).toString();
}

/** Formats results one per line with the main throughput figures. */
export function formatBenchTable(results: readonly BenchResult[]): string {
  const head = ['benchmark', 'sizes', 'backend', 'neuron-steps/s', 'syn-events/s', 'samples/s', 'us/step', 'disp/step', 'submits/step', 'B/syn'];
  const rows = results.map((r) => [
    r.benchmark,
    Object.entries(r.sizes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    r.backend,
    fmt(r.neuronStepsPerS),
    fmt(r.synapticEventsPerS),
    fmt(r.samplesPerS),
    fmt(r.usPerStep),
    fmt(r.dispatchesPerStep),
    fmt(r.submitsPerStep),
    fmt(r.bytesPerSynapse),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const extras = results
    .filter((r) => r.extra && Object.keys(r.extra).length)
    .map(
      (r) =>
        `  ${r.benchmark} ${r.backend}: ${Object.entries(r.extra!)
          .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
          .join(' ')}`,
    );
  return [line(head), ...rows.map(line), ...(extras.length ? ['', ...extras] : [])].join('\n');
}
