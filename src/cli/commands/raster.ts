/**
 * `synfire raster DIR --sample K`: runs training sample K through the 12-phase circuit with the weights of a
 * run's checkpoint and writes every population's spikes, with phase labels, to DIR/raster-sample-K.json.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { choiceOption, defineCommand, intOption, type OptionSpecs, type OptionValues } from '../command.ts';
import { writeFileAtomic } from '../../app/durable.ts';
import { acquireGpu } from '../../backends/webgpu/device.ts';
import { loadDataset } from '../../data/load.ts';
import { DATASETS, type DatasetName } from '../../data/preprocess.ts';
import { readCheckpoint } from '../../app/checkpoint.ts';
import { recordRaster } from '../../nbp/circuit/raster.ts';

const USAGE = `usage: synfire raster DIR --sample K [--replica R] [--split train|test] [--backend cpu|webgpu] [--data-dir DIR]
                     [--accept-unverified]

  DIR        a training run directory (synfire train --out DIR) holding checkpoint.json
  --sample   index K of the sample in the dataset split (default split: train)
  --replica  which replica's weights (default 0)
  --backend  cpu (default) or webgpu
  Writes DIR/raster-sample-K.json: for each of the 27 populations its spikes as [step, index] with step 0..11 =
  the phase of sample K, the phase labels, the designed phases, and any spike outside them.`;

const OPTIONS = {
  sample: { type: 'string' },
  replica: { type: 'string' },
  split: { type: 'string' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  'accept-unverified': { type: 'boolean' },
} as const satisfies OptionSpecs;

export const run = defineCommand({ usage: USAGE, options: OPTIONS, positionals: [1, 1], positionalsName: 'one run directory', run: raster });

async function raster(values: OptionValues<typeof OPTIONS>, positionals: string[]): Promise<number> {
  const dir = positionals[0]!;
  const sample = intOption(values.sample, '--sample', 0);
  if (sample === undefined) throw new UsageError(`--sample K is required\n${USAGE}`);
  const replica = intOption(values.replica, '--replica', 0) ?? 0;
  const split = choiceOption(values.split, '--split', ['train', 'test'] as const) ?? 'train';
  const backend = choiceOption(values.backend, '--backend', ['cpu', 'webgpu'] as const) ?? 'cpu';

  const ckpt = readCheckpoint(dir, { acceptUnverified: !!values['accept-unverified'] });
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
    writeFileAtomic(file, JSON.stringify({ run: dir, checkpointSamples: ckpt.progress.samples, replica, ...raster }) + '\n');
    const spikes = raster.populations.reduce((n, p) => n + p.spikes.length, 0);
    console.error(
      `${file}: sample ${sample} (label ${raster.label}) after ${ckpt.progress.samples} training samples: ${spikes} spikes in 12 phases, ` +
        `${raster.violations.length} outside their phases; changed W1 ${raster.changed.W1}, W2 ${raster.changed.W2} synapses`,
    );
    return raster.violations.length === 0 ? 0 : 1;
  } finally {
    ctx?.destroy();
  }
}
