/** Chart specs built from training metrics, shared by the report and the live page. */
import type { MetricsRow, WeightHistogram } from './data.ts';
import { PALETTE, type HistogramSpec, type LineChartSpec, type Series } from './plots.ts';

/** x of a metrics row: the epoch (half epochs show as .5). */
const xOf = (r: MetricsRow) => r.epoch;

function byReplica(rows: readonly MetricsRow[]): Map<number, MetricsRow[]> {
  const map = new Map<number, MetricsRow[]>();
  for (const r of rows) {
    const list = map.get(r.replica) ?? [];
    list.push(r);
    map.set(r.replica, list);
  }
  for (const list of map.values()) list.sort((a, b) => a.epoch - b.epoch || a.samples - b.samples);
  return new Map([...map.entries()].sort((a, b) => a[0] - b[0]));
}

/** Test accuracy per half epoch: spikes (solid) and membrane (dashed) for every replica. */
export function accuracyChart(rows: readonly MetricsRow[], title = 'Test accuracy per half epoch'): LineChartSpec {
  const series: Series[] = [];
  for (const [replica, list] of byReplica(rows)) {
    const color = PALETTE[replica % PALETTE.length]!;
    series.push({ label: `replica ${replica}, spikes`, color, points: list.map((r) => [xOf(r), r.acc_spikes * 100]) });
    series.push({ label: `replica ${replica}, membrane`, color, dash: [5, 3], points: list.map((r) => [xOf(r), r.acc_membrane * 100]) });
  }
  const ys = rows.flatMap((r) => [r.acc_spikes * 100, r.acc_membrane * 100]);
  return { title, xLabel: 'epoch', yLabel: 'accuracy (%)', series, yMin: Math.max(0, Math.floor(Math.min(100, ...ys) / 10) * 10), yMax: 100 };
}

/** Test MSE per half epoch for every replica. */
export function mseChart(rows: readonly MetricsRow[], title = 'Test MSE per half epoch'): LineChartSpec {
  const series: Series[] = [...byReplica(rows)].map(([replica, list]) => ({
    label: `replica ${replica}`,
    color: PALETTE[replica % PALETTE.length]!,
    points: list.map((r) => [xOf(r), r.mse] as [number, number]),
  }));
  return { title, xLabel: 'epoch', yLabel: 'MSE', series, yMin: 0 };
}

/** A weight histogram as a plot spec. */
export function histogramChart(h: WeightHistogram, index: number): HistogramSpec {
  return {
    title: `${h.matrix} · replica ${h.replica} · mean ${h.mean.toFixed(1)} · ${h.min}..${h.max}`,
    xLabel: 'weight',
    color: PALETTE[index % PALETTE.length]!,
    bins: h.bins,
  };
}
