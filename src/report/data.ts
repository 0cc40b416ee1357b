/**
 * The data of a training-run report and its parsers (metrics.jsonl, raster JSON, weight histograms).
 * Environment-neutral: parsers take text or arrays, so the live page reuses them.
 */
import type { BenchResult } from '../bench/types.ts';
import type { RasterSpec } from './plots.ts';
import type { LoihiEstimate } from '../bench/energy.ts';

/** One half-epoch evaluation of one replica (a line of DIR/metrics.jsonl): the one row type of src/nbp/metrics.ts. */
export type { MetricsRow } from '../nbp/metrics.ts';
import type { MetricsRow } from '../nbp/metrics.ts';

/** A histogram of one weight matrix of one replica. */
export interface WeightHistogram {
  matrix: string;
  replica: number;
  bins: Array<{ lo: number; hi: number; count: number }>;
  count: number;
  min: number;
  max: number;
  mean: number;
}

/** Everything a report shows; serialised as JSON into the page. */
export interface ReportData {
  title: string;
  runDir: string;
  generated: string;
  version: string;
  commit: string | null;
  /** The run's own configuration (DIR/config.json or similar), shown as a table when present. */
  config: Record<string, unknown> | null;
  metrics: MetricsRow[];
  raster: (RasterSpec & { sample: number; label?: number | null }) | null;
  histograms: WeightHistogram[];
  bench: BenchResult[];
  energy: LoihiEstimate | null;
  /** Things the report could not include, said plainly (e.g. "no raster-sample-0.json: run synfire raster DIR"). */
  notes: string[];
}

const NUMERIC = ['epoch', 'samples', 'acc_spikes', 'acc_membrane', 'acc_exact', 'mse', 'silent'] as const;

/**
 * Parses metrics.jsonl: one JSON object per line. A line either carries one replica (`replica` field, default 0) or
 * arrays with one value per replica, which are split into rows.
 */
export function parseMetricsJsonl(text: string, file = 'metrics.jsonl'): MetricsRow[] {
  const rows: MetricsRow[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not JSON (${(err as Error).message})`);
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new Error(`${file}:${i + 1}: expected a JSON object`);
    const arrays = NUMERIC.filter((k) => Array.isArray(obj[k]));
    const replicas = arrays.length ? (obj[arrays[0]!] as unknown[]).length : 1;
    for (let r = 0; r < replicas; r++) {
      const pick = (key: string): number | null => {
        const raw = Array.isArray(obj[key]) ? (obj[key] as unknown[])[r] : obj[key];
        return typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      };
      const row: Partial<MetricsRow> = { replica: arrays.length ? r : (pick('replica') ?? 0) };
      for (const key of NUMERIC) {
        const v = pick(key);
        if (v === null)
          throw new Error(
            `${file}:${i + 1}: field '${key}' must be a number${arrays.length ? ` (replica ${r})` : ''}, got ${JSON.stringify(obj[key])}`,
          );
        row[key] = v;
      }
      row.train_samples_per_s = pick('train_samples_per_s');
      rows.push(row as MetricsRow);
    }
  });
  return rows;
}

/** Bins integer weights into `binWidth`-wide bins covering [lo, hi]. */
export function weightHistogram(matrix: string, replica: number, weights: ArrayLike<number>, lo = -256, hi = 256, binWidth = 8): WeightHistogram {
  const n = Math.ceil((hi - lo) / binWidth);
  const counts = new Array<number>(n).fill(0);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    min = Math.min(min, w);
    max = Math.max(max, w);
    sum += w;
    counts[Math.min(n - 1, Math.max(0, Math.floor((w - lo) / binWidth)))]!++;
  }
  return {
    matrix,
    replica,
    bins: counts.map((count, b) => ({ lo: lo + b * binWidth, hi: lo + (b + 1) * binWidth, count })),
    count: weights.length,
    min: weights.length ? min : 0,
    max: weights.length ? max : 0,
    mean: weights.length ? sum / weights.length : 0,
  };
}

function asSpikes(value: unknown, where: string): Array<[number, number]> {
  if (!Array.isArray(value)) throw new Error(`${where}: spikes must be an array of [step, index] pairs`);
  return value.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x))) {
      throw new Error(`${where}[${i}]: expected [step, index] integers, got ${JSON.stringify(p)}`);
    }
    return [p[0] as number, p[1] as number];
  });
}

/**
 * Reads a raster file written by `synfire raster` into a plot spec. Accepts populations as an array of
 * { name, size, spikes } or as an object keyed by name; steps default to the largest spike step + 1 (at least 12).
 */
export function parseRaster(json: unknown, file = 'raster.json'): RasterSpec & { sample: number; label?: number | null } {
  if (typeof json !== 'object' || json === null) throw new Error(`${file}: expected a JSON object`);
  const obj = json as Record<string, unknown>;
  const rawPops = obj.populations ?? obj.groups;
  let entries: Array<[string, Record<string, unknown>]>;
  if (Array.isArray(rawPops))
    entries = rawPops.map((p, i) => [String((p as Record<string, unknown>).name ?? `population ${i}`), p as Record<string, unknown>]);
  else if (rawPops && typeof rawPops === 'object') entries = Object.entries(rawPops as Record<string, Record<string, unknown>>);
  else throw new Error(`${file}: no 'populations' (array or object of { size, spikes })`);
  const populations = entries.map(([name, p]) => {
    const spikes = asSpikes(p.spikes, `${file}: populations.${name}.spikes`);
    const size = typeof p.size === 'number' ? p.size : Math.max(0, ...spikes.map((s) => s[1] + 1));
    return { name, size, spikes };
  });
  const lastStep = Math.max(-1, ...populations.flatMap((p) => p.spikes.map((s) => s[0])));
  const steps = typeof obj.steps === 'number' ? obj.steps : Math.max(12, lastStep + 1);
  // Phase labels: plain strings, or { phase, label } objects as `synfire raster` writes them.
  const labels = Array.isArray(obj.phases)
    ? obj.phases.map((p: unknown) => {
        if (typeof p === 'string') return p;
        const o = (p ?? {}) as { label?: unknown; name?: unknown; phase?: unknown };
        return String(o.label ?? o.name ?? o.phase ?? '');
      })
    : undefined;
  const sample = typeof obj.sample === 'number' ? obj.sample : 0;
  const label = typeof obj.label === 'number' ? obj.label : null;
  const spec: RasterSpec & { sample: number; label?: number | null } = {
    title: `Spike raster, training sample ${sample}${label !== null ? ` (label ${label})` : ''}`,
    steps,
    populations,
    sample,
    label,
  };
  if (labels) spec.stepLabels = labels;
  return spec;
}
