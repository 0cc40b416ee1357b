/** `synfire report DIR [--out FILE] [--sample K] [--bench FILE]... [--title TEXT]`: a self-contained HTML report of a run. */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { loadRunDir } from '../../report/load.ts';
import { renderReportHtml } from '../../report/html.ts';
import { bundleForBrowser } from '../../report/bundle.ts';
import { checkpointHistograms } from '../../report/checkpoints.ts';
import { circuitEnergy } from '../../report/energy-run.ts';

const USAGE = 'usage: synfire report DIR [--out FILE] [--sample K] [--bench FILE]... [--title TEXT] [--no-energy]';

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The report's drawing script, bundled from src/report/page.ts. */
export async function reportScript(): Promise<string> {
  return bundleForBrowser(fileURLToPath(new URL('../../report/page.ts', import.meta.url)), { format: 'iife', minify: true });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      sample: { type: 'string' },
      bench: { type: 'string', multiple: true },
      title: { type: 'string' },
      'no-energy': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(`expected one run directory\n${USAGE}`);
  let sample: number | undefined;
  if (values.sample !== undefined) {
    sample = Number(values.sample);
    if (!Number.isInteger(sample) || sample < 0) throw new UsageError(`--sample must be a non-negative integer, got '${values.sample}'`);
  }
  const pkg = (await import('../../../package.json', { with: { type: 'json' } })).default as { version: string };
  const data = await loadRunDir(dir, {
    sample,
    benchFiles: values.bench,
    title: values.title,
    version: pkg.version,
    commit: gitCommit(),
    histograms: checkpointHistograms,
  });
  if (!values['no-energy']) {
    const energy = await circuitEnergy(dir, data);
    data.energy = energy.estimate;
    data.notes.push(...energy.notes);
  }
  const out = values.out ?? join(dir, 'report.html');
  writeFileSync(out, renderReportHtml(data, await reportScript()));
  console.error(`wrote ${out} (${data.metrics.length} evaluations, ${data.histograms.length} histograms, raster: ${data.raster ? 'yes' : 'no'}, ${data.bench.length} benchmark results)`);
  return 0;
}
