/** `synfire eval --checkpoint DIR|FILE --dataset D`: test-set metrics of every replica, printed as JSON. */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';
import { acquireGpu } from '../../backends/webgpu/device.ts';
import { loadDataset } from '../../data/load.ts';
import { DATASETS, type DatasetName } from '../../data/preprocess.ts';
import { createTrainer, defaultThreads, selectBackend, type BackendChoice } from '../../nbp/engines.ts';
import { loadWeightsSource } from '../../nbp/weights-source.ts';
import { meanSd } from '../../nbp/metrics.ts';
import type { NbpMetrics } from '../../nbp/types.ts';

const USAGE = `usage: synfire eval --checkpoint DIR|FILE [--dataset mnist|fashion] [--split test|train]
                    [--backend auto|webgpu|cpu] [--data-dir DIR]

  --checkpoint  a run directory (all replicas) or a weights JSON file ({"W1", "W2"})
  --dataset     default: the checkpoint's dataset (required for a weights file)
  --split       test (default) or train
  Prints {"replicas": [{replica, seed, acc_spikes, acc_membrane, acc_exact, mse, silent}], "mean", "sd"}.`;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        checkpoint: { type: 'string' },
        dataset: { type: 'string' },
        split: { type: 'string' },
        backend: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.checkpoint) throw new UsageError(`--checkpoint is required\n${USAGE}`);
  if (values.dataset !== undefined && !(values.dataset in DATASETS)) throw new UsageError(`--dataset must be one of ${Object.keys(DATASETS).join(', ')}, got '${values.dataset}'`);
  const split = values.split ?? 'test';
  if (split !== 'test' && split !== 'train') throw new UsageError(`--split must be test or train, got '${split}'`);
  const backend = (values.backend ?? 'auto') as BackendChoice;
  if (!['auto', 'cpu', 'webgpu'].includes(backend)) throw new UsageError(`--backend must be auto, webgpu or cpu, got '${backend}'`);

  const src = loadWeightsSource(values.checkpoint);
  const dataset = (values.dataset ?? src.checkpoint?.config.dataset) as DatasetName | undefined;
  if (!dataset) throw new UsageError(`--dataset is required with a weights file`);
  const data = loadDataset(dataset, split, values['data-dir'] ? { dataDir: values['data-dir'] } : {});
  if (data.nIn !== src.shape.nIn) {
    throw new Error(`${values.checkpoint} has ${src.shape.nIn} inputs but ${dataset} has ${data.nIn}: wrong --dataset?`);
  }
  const sel = await selectBackend(backend, () => acquireGpu());
  console.error(`backend: ${sel.backend} (${sel.reason})`);
  const initial = src.replicas.map((r) => r.weights);
  const trainer = await createTrainer('fused', sel, { shape: src.shape, semantics: src.checkpoint?.config.semantics ?? 'loihi', train: data, initial }, await defaultThreads(initial.length));
  let metrics: NbpMetrics[];
  try {
    metrics = await trainer.evaluate(data);
  } finally {
    trainer.dispose();
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
