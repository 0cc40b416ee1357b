/**
 * `synfire train`: online nBP training (fused or circuit engine) with half-epoch evaluations, metrics.jsonl,
 * atomic checkpoints and --resume. The loop lives in src/app/run.ts.
 */
import { UsageError } from '../errors.ts';
import { choiceOption, defineCommand, intOption, type OptionSpecs, type OptionValues } from '../command.ts';
import { packageVersion } from '../../util/package-info.ts';
import { acquireGpu } from '../../backends/webgpu/device.ts';
import { DATASETS, type DatasetName } from '../../data/preprocess.ts';
import { createTrainer, defaultThreads, selectBackend, type BackendChoice, type BackendSelection, type EngineName } from '../../nbp/engines.ts';
import { accuracyTable, runTraining } from '../../app/run.ts';
import { progressSink } from '../../app/progress.ts';
import { parseRemedyArgs } from '../../nbp/remedies.ts';
import type { Semantics } from '../../nbp/types.ts';

const USAGE = `usage: synfire train --dataset mnist|fashion --epochs E [--samples N] --seed S --out DIR
                     [--engine fused|circuit] [--semantics loihi|numpy] [--backend auto|webgpu|cpu]
                     [--replicas R] [--init-weights FILE] [--order FILE [--order-subsets]] [--resume]
                     [--data-dir DIR] [--threads T] [--remedy NAME[=VALUE]]... [--accept-unverified]

  --dataset       mnist (400-400-10, 20×20 crop) or fashion (784-400-10)
  --epochs        epochs to train (the paper: 60); --samples N stops after N samples per replica
  --seed          run seed; replica r uses seed S + r for its init and shuffles
  --engine        fused (default): whole samples per call; circuit: the 12-phase Loihi circuit
  --semantics     loihi (default): what the chip circuit computes; numpy: the authors' numpy_simulation.py
  --backend       auto (default): WebGPU on a hardware adapter, else the CPU engine
  --replicas      independent runs advanced together (default 1)
  --init-weights  JSON {"W1": nIn×400, "W2": 400×10} integer weights for every replica
  --order         JSON array, one array of training-set indices per epoch (presentation order, every replica);
                  each epoch must be a permutation of the training set unless --order-subsets is given
  --out           run directory: metrics.jsonl, checkpoint.json, config.json
  --resume        continue the run in --out bit-identically (options default to the checkpoint's); the data
                  must be the run's own (recorded in config.json and the checkpoint)
  --accept-unverified  resume from a checkpoint written before checksums (format 1); see README "Guarantees"
  --data-dir      directory with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] instead of the defaults
  --threads       CPU worker threads (default: one per replica, at least one per core)
  --remedy        opt-in accuracy remedy, e.g. margin=512 (list, effects, chip cost: docs/accuracy.md)`;

const OPTIONS = {
  dataset: { type: 'string' },
  epochs: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  engine: { type: 'string' },
  semantics: { type: 'string' },
  backend: { type: 'string' },
  replicas: { type: 'string' },
  'init-weights': { type: 'string' },
  order: { type: 'string' },
  'order-subsets': { type: 'boolean' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  'data-dir': { type: 'string' },
  threads: { type: 'string' },
  remedy: { type: 'string', multiple: true },
  'accept-unverified': { type: 'boolean' },
} as const satisfies OptionSpecs;

export const run = defineCommand({ usage: USAGE, options: OPTIONS, run: train });

async function train(values: OptionValues<typeof OPTIONS>): Promise<number> {
  if (!values.out) throw new UsageError(`--out DIR is required\n${USAGE}`);
  const dataset = choiceOption(values.dataset, '--dataset', Object.keys(DATASETS) as DatasetName[]);
  const engine = choiceOption(values.engine, '--engine', ['fused', 'circuit'] as const);
  const semantics = choiceOption(values.semantics, '--semantics', ['loihi', 'numpy'] as const) as Semantics | undefined;
  const backend: BackendChoice = choiceOption(values.backend, '--backend', ['auto', 'webgpu', 'cpu'] as const) ?? 'auto';
  const epochs = intOption(values.epochs, '--epochs', 1, 100000);
  const samples = intOption(values.samples, '--samples', 1);
  const seed = intOption(values.seed, '--seed', 0, 0xffffffff);
  const replicas = intOption(values.replicas, '--replicas', 1, 64);
  const threads = intOption(values.threads, '--threads', 0, 64);
  if (!values.resume) {
    if (!dataset) throw new UsageError(`--dataset is required\n${USAGE}`);
    if (epochs === undefined) throw new UsageError(`--epochs is required\n${USAGE}`);
    if (seed === undefined) throw new UsageError(`--seed is required\n${USAGE}`);
  }
  let remedies;
  try {
    remedies = parseRemedyArgs(values.remedy ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const progress = progressSink();
  let sel: BackendSelection | null = null;
  const describe: Record<string, string | number | null> = { backend, version: packageVersion() };
  let result;
  try {
    result = await runTraining({
      ...(dataset ? { dataset } : {}),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(epochs !== undefined ? { epochs } : {}),
      ...(samples !== undefined ? { samples } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(semantics ? { semantics } : {}),
      ...(replicas !== undefined ? { replicas } : {}),
      ...(values['init-weights'] ? { initWeights: values['init-weights'] } : {}),
      ...(values.order ? { order: values.order } : {}),
      orderSubsets: !!values['order-subsets'],
      acceptUnverified: !!values['accept-unverified'],
      ...(remedies ? { remedies } : {}),
      ...(engine ? { engine } : {}),
      out: values.out,
      resume: !!values.resume,
      progress,
      describe,
      async createTrainer(opts) {
        // Chosen only once the options and files have been checked, so mistakes fail fast.
        sel = await selectBackend(backend, () => acquireGpu());
        progress.log(`backend: ${sel.backend} (${sel.reason})`);
        describe.backend = sel.backend;
        const threadCount = threads ?? (await defaultThreads(opts.initial.length));
        progress.log(
          `training ${opts.shape.nIn}-${opts.shape.nHid}-${opts.shape.nOut} (${opts.semantics} semantics, ${opts.engine} engine) with ${opts.initial.length} replica(s)` +
            (sel.backend === 'cpu' && opts.engine === 'fused' ? ` on ${threadCount || 'no'} worker thread(s)` : ''),
        );
        return createTrainer(opts.engine as EngineName, sel, opts, threadCount);
      },
    });
  } finally {
    // Also when training throws: the GPU device must not outlive the command.
    (sel as BackendSelection | null)?.ctx?.destroy();
  }
  if (result.final) {
    console.log(`\nTest-set metrics after ${result.samples} samples per replica (${values.out}):`);
    console.log(accuracyTable(result.final, result.seeds));
  }
  return result.interrupted ? 130 : 0;
}
