/**
 * `synfire raster DIR --sample K`: runs training sample K through the 12-phase circuit with the weights of a
 * run's checkpoint and writes every population's spikes, with phase labels, to DIR/raster-sample-K.json.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { acquireGpu } from '../../backends/webgpu/device.ts';
import { loadDataset } from '../../data/load.ts';
import { DATASETS, type DatasetName } from '../../data/preprocess.ts';
import { readCheckpoint } from '../../nbp/checkpoint.ts';
import { recordRaster } from '../../nbp/circuit/raster.ts';

const USAGE = `usage: synfire raster DIR --sample K [--replica R] [--split train|test] [--backend cpu|webgpu] [--data-dir DIR]

  DIR        a training run directory (synfire train --out DIR) holding checkpoint.json
  --sample   index K of the sample in the dataset split (default split: train)
  --replica  which replica's weights (default 0)
  --backend  cpu (default) or webgpu
  Writes DIR/raster-sample-K.json: for each of the 27 populations its spikes as [step, index] with step 0..11 =
  the phase of sample K, the phase labels, the designed phases, and any spike outside them.`;

function nonNegative(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        sample: { type: 'string' },
        replica: { type: 'string' },
        split: { type: 'string' },
        backend: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(`expected one run directory\n${USAGE}`);
  const sample = nonNegative(values.sample, '--sample');
  if (sample === undefined) throw new UsageError(`--sample K is required\n${USAGE}`);
  const replica = nonNegative(values.replica, '--replica') ?? 0;
  const split = values.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new UsageError(`--split must be train or test, got '${split}'`);
  const backend = values.backend ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, got '${backend}'`);

  const ckpt = readCheckpoint(dir);
  if (replica >= ckpt.replicas.length) throw new UsageError(`--replica ${replica} is out of range 0..${ckpt.replicas.length - 1} of ${dir}`);
  const dataset = ckpt.config.dataset as DatasetName;
  if (!(dataset in DATASETS)) throw new Error(`${dir}/checkpoint.json: unknown dataset '${dataset}'`);
  const data = loadDataset(dataset, split, values['data-dir'] ? { dataDir: values['data-dir'] } : {});
  const ctx = backend === 'webgpu' ? await acquireGpu() : undefined;
  try {
    const raster = await recordRaster({
      shape: ckpt.config.shape,
      weights: ckpt.replicas[replica]!.weights,
      data,
      sample,
      backend,
      ...(ctx ? { ctx } : {}),
    });
    const file = join(dir, `raster-sample-${sample}.json`);
    writeFileSync(file, JSON.stringify({ run: dir, checkpointSamples: ckpt.progress.samples, replica, ...raster }) + '\n');
    const spikes = raster.populations.reduce((n, p) => n + p.spikes.length, 0);
    console.error(`${file}: sample ${sample} (label ${raster.label}) after ${ckpt.progress.samples} training samples: ${spikes} spikes in 12 phases, ` +
      `${raster.violations.length} outside their phases; changed W1 ${raster.changed.W1}, W2 ${raster.changed.W2} synapses`);
    return raster.violations.length === 0 ? 0 : 1;
  } finally {
    ctx?.destroy();
  }
}
