/** `synfire report DIR [--out FILE] [--sample K] [--bench FILE]... [--title TEXT]`: a self-contained HTML report of a run. */
import { refuseRunFileOutput, writeFileAtomic } from '../../app/durable.ts';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { defineCommand, type OptionSpecs, type OptionValues } from '../command.ts';
import { gitCommit, packageVersion } from '../../util/package-info.ts';
import { loadRunDir } from '../../report/load.ts';
import { renderReportHtml } from '../../report/html.ts';
import { bundleForBrowser } from '../../report/bundle.ts';
import { checkpointHistograms } from '../../app/checkpoint-histograms.ts';
import { circuitEnergy } from '../../report/energy-run.ts';
import { DAVIES_2018, SANAFE_2025 } from '../../bench/energy.ts';
import { siblingModule } from '../../modules.ts';

const USAGE = `usage: synfire report DIR [--out FILE] [--sample K] [--bench FILE]... [--title TEXT] [--costs table2|sanafe] [--no-energy]

  DIR        a training run (synfire train --out DIR): metrics.jsonl, checkpoint.json, config.json
  --out      the HTML file (default DIR/report.html); it is self-contained
  --sample   which DIR/raster-sample-K.json to draw (default: the lowest K; write one with synfire raster DIR --sample K)
  --bench    benchmark results (synfire bench --json FILE) for the table; DIR/bench*.json are always read
  --costs    Loihi per-event costs of the estimate: table2 (Davies 2018, default) or sanafe (silicon fit)
  --accept-unverified  read a checkpoint written before checksums (format 1)`;

/** The report's drawing script, bundled from src/report/page.ts (dist/report/page.js in the built package). */
export async function reportScript(): Promise<string> {
  return bundleForBrowser(fileURLToPath(siblingModule('../../report/page', import.meta.url)), { format: 'iife', minify: true });
}

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  sample: { type: 'string' },
  bench: { type: 'string', multiple: true },
  title: { type: 'string' },
  'no-energy': { type: 'boolean' },
  costs: { type: 'string', default: 'table2' },
  'accept-unverified': { type: 'boolean' },
} as const satisfies OptionSpecs;

export const run = defineCommand({ usage: USAGE, options: OPTIONS, positionals: [1, 1], positionalsName: 'one run directory', run: report });

async function report(values: OptionValues<typeof OPTIONS>, positionals: string[]): Promise<number> {
  const dir = positionals[0]!;
  if (values.out !== undefined) refuseRunFileOutput(values.out, dir, '--out');
  // The report's readers (histograms, energy) load the checkpoint with the default options, which follow this.
  if (values['accept-unverified']) process.env.SYNFIRE_ACCEPT_UNVERIFIED = '1';
  let sample: number | undefined;
  if (values.sample !== undefined) {
    sample = Number(values.sample);
    if (!Number.isInteger(sample) || sample < 0) throw new UsageError(`--sample must be a non-negative integer, got '${values.sample}'`);
  }
  const costs = values.costs === 'table2' ? DAVIES_2018 : values.costs === 'sanafe' ? SANAFE_2025 : undefined;
  if (!costs) throw new UsageError(`--costs must be table2 or sanafe, got '${values.costs}'`);
  const data = await loadRunDir(dir, {
    sample,
    benchFiles: values.bench,
    title: values.title,
    version: packageVersion(),
    commit: gitCommit(),
    histograms: checkpointHistograms,
  });
  if (!values['no-energy']) {
    const energy = await circuitEnergy(dir, data, costs);
    data.energy = energy.estimate;
    data.notes.push(...energy.notes);
  }
  const out = values.out ?? join(dir, 'report.html');
  writeFileAtomic(out, renderReportHtml(data, await reportScript()));
  console.error(
    `wrote ${out} (${data.metrics.length} evaluations, ${data.histograms.length} histograms, raster: ${data.raster ? 'yes' : 'no'}, ${data.bench.length} benchmark results)`,
  );
  return 0;
}
