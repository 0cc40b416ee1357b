/** Reads a training-run directory into report data (Node only). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, basename } from 'node:path';
import type { BenchResult } from '../bench/types.ts';
import { parseMetricsJsonl, parseRaster, type ReportData, type WeightHistogram } from './data.ts';

/** Options of {@link loadRunDir}. */
export interface LoadOptions {
  /** Which raster-sample-K.json to show (default: the lowest K present). */
  sample?: number;
  /** Extra benchmark result files (the CLI's --json output); DIR/bench*.json are always read. */
  benchFiles?: string[];
  title?: string;
  version: string;
  commit: string | null;
  /** Reads the weight histograms of the run's checkpoints (supplied by the caller, who knows the format). */
  histograms?: (dir: string) => Promise<{ histograms: WeightHistogram[]; notes: string[] }>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

function isBenchResult(x: unknown): x is BenchResult {
  return typeof x === 'object' && x !== null && typeof (x as BenchResult).benchmark === 'string' && typeof (x as BenchResult).backend === 'string';
}

/** Loads metrics, configuration, a raster, benchmark results and (through the callback) histograms of a run. */
export async function loadRunDir(dir: string, options: LoadOptions): Promise<ReportData> {
  if (!existsSync(dir)) throw new Error(`run directory '${dir}' does not exist`);
  const notes: string[] = [];
  const metricsFile = join(dir, 'metrics.jsonl');
  if (!existsSync(metricsFile)) throw new Error(`${metricsFile} not found: is '${dir}' a training run (synfire train --out DIR)?`);
  const metrics = parseMetricsJsonl(readFileSync(metricsFile, 'utf8'), metricsFile);
  if (!metrics.length) notes.push('metrics.jsonl has no evaluations yet.');

  let config: Record<string, unknown> | null = null;
  for (const name of ['config.json', 'run.json', 'args.json']) {
    const file = join(dir, name);
    if (existsSync(file)) {
      const value = readJson(file);
      if (value && typeof value === 'object' && !Array.isArray(value)) config = value as Record<string, unknown>;
      break;
    }
  }

  const files = readdirSync(dir);
  const rasterSamples = files
    .map((f) => /^raster-sample-(\d+)\.json$/.exec(f))
    .filter((m) => m)
    .map((m) => Number(m![1]))
    .sort((a, b) => a - b);
  let raster: ReportData['raster'] = null;
  const sample = options.sample ?? rasterSamples[0];
  if (sample === undefined) {
    notes.push(`No raster-sample-K.json in ${dir}: run 'synfire raster ${dir} --sample 0' to add a spike raster.`);
  } else if (!rasterSamples.includes(sample)) {
    throw new Error(
      `${join(dir, `raster-sample-${sample}.json`)} not found (have samples: ${rasterSamples.join(', ') || 'none'}); run 'synfire raster ${dir} --sample ${sample}'`,
    );
  } else {
    const file = join(dir, `raster-sample-${sample}.json`);
    raster = parseRaster(readJson(file), file);
  }

  const bench: BenchResult[] = [];
  const benchFiles = [...files.filter((f) => /^bench.*\.json$/.test(f)).map((f) => join(dir, f)), ...(options.benchFiles ?? [])];
  for (const file of benchFiles) {
    const value = readJson(file);
    const list = Array.isArray(value) ? value : [value];
    const valid = list.filter(isBenchResult);
    if (valid.length !== list.length) throw new Error(`${file}: expected an array of benchmark results (synfire bench --json output)`);
    bench.push(...valid);
  }
  if (!bench.length) notes.push(`No benchmark results: add some with 'synfire bench core --json ${join(dir, 'bench-core.json')}' or --bench FILE.`);

  let histograms: WeightHistogram[] = [];
  if (options.histograms) {
    const h = await options.histograms(dir);
    histograms = h.histograms;
    notes.push(...h.notes);
  }
  return {
    title: options.title ?? `synfire training report: ${basename(dir)}`,
    runDir: dir,
    generated: new Date().toISOString(),
    version: options.version,
    commit: options.commit,
    config,
    metrics,
    raster,
    histograms,
    bench,
    energy: null,
    notes,
  };
}
