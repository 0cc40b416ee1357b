/** `synfire eval --checkpoint DIR|FILE --dataset D`: test-set metrics of every replica, printed as JSON. */
import { UsageError } from '../errors.ts';
import { choiceOption, defineCommand, type OptionSpecs, type OptionValues } from '../command.ts';
import { acquireGpu } from '../../backends/webgpu/device.ts';
import { loadDataset } from '../../data/load.ts';
import { DATASETS, type DatasetName } from '../../data/preprocess.ts';
import { createTrainer, defaultThreads, selectBackend, type BackendChoice } from '../../nbp/engines.ts';
import { loadWeightsSource } from '../../app/weights-source.ts';
import { meanSd } from '../../nbp/metrics.ts';
import type { NbpMetrics } from '../../nbp/types.ts';

const USAGE = `usage: synfire eval --checkpoint DIR|FILE [--dataset mnist|fashion] [--split test|train]
                    [--backend auto|webgpu|cpu] [--data-dir DIR] [--accept-unverified]

  --checkpoint  a run directory (all replicas) or a weights JSON file ({"W1", "W2"})
  --dataset     default: the checkpoint's dataset (required for a weights file)
  --split       test (default) or train
  --accept-unverified  load a checkpoint written before checksums (format 1)
  Prints {"replicas": [{replica, seed, acc_spikes, acc_membrane, acc_exact, mse, silent}], "mean", "sd"}.`;

const OPTIONS = {
  checkpoint: { type: 'string' },
  dataset: { type: 'string' },
  split: { type: 'string' },
  backend: { type: 'string' },
  'data-dir': { type: 'string' },
  'accept-unverified': { type: 'boolean' },
} as const satisfies OptionSpecs;

export const run = defineCommand({ usage: USAGE, options: OPTIONS, run: evaluate });

async function evaluate(values: OptionValues<typeof OPTIONS>): Promise<number> {
  if (!values.checkpoint) throw new UsageError(`--checkpoint is required\n${USAGE}`);
  choiceOption(values.dataset, '--dataset', Object.keys(DATASETS));
  const split = choiceOption(values.split, '--split', ['test', 'train'] as const) ?? 'test';
  const backend: BackendChoice = choiceOption(values.backend, '--backend', ['auto', 'webgpu', 'cpu'] as const) ?? 'auto';

  const src = loadWeightsSource(values.checkpoint, { acceptUnverified: !!values['accept-unverified'] });
  const dataset = (values.dataset ?? src.checkpoint?.config.dataset) as DatasetName | undefined;
  if (!dataset) throw new UsageError(`--dataset is required with a weights file`);
  const data = loadDataset(dataset, split, values['data-dir'] ? { dataDir: values['data-dir'] } : {});
  if (data.nIn !== src.shape.nIn) {
    throw new Error(`${values.checkpoint} has ${src.shape.nIn} inputs but ${dataset} has ${data.nIn}: wrong --dataset?`);
  }
  const sel = await selectBackend(backend, () => acquireGpu());
  let metrics: NbpMetrics[];
  try {
    console.error(`backend: ${sel.backend} (${sel.reason})`);
    const initial = src.replicas.map((r) => r.weights);
    const trainer = await createTrainer(
      'fused',
      sel,
      { shape: src.shape, semantics: src.checkpoint?.config.semantics ?? 'loihi', train: data, initial },
      await defaultThreads(initial.length),
    );
    try {
      metrics = await trainer.evaluate(data);
    } finally {
      trainer.dispose();
    }
  } finally {
    sel.ctx?.destroy();
  }
  const keys = Object.keys(metrics[0]!) as Array<keyof NbpMetrics>;
  const stats = keys.map((k) => [k, meanSd(metrics.map((m) => m[k]))] as const);
  console.log(
    JSON.stringify(
      {
        checkpoint: values.checkpoint,
        dataset,
        split,
        samples: data.n,
        progress: src.checkpoint?.progress ?? null,
        replicas: metrics.map((m, r) => ({ replica: r, seed: src.replicas[r]!.seed, ...m })),
        mean: Object.fromEntries(stats.map(([k, s]) => [k, s.mean])),
        sd: Object.fromEntries(stats.map(([k, s]) => [k, s.sd])),
      },
      null,
      2,
    ),
  );
  return 0;
}
