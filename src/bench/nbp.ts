/**
 * `synfire bench nbp`: speed of the fused nBP trainer on each backend, in one run. Environment-neutral.
 *
 * Per backend, two results (told apart by extra.phase):
 * - phase 'train': online training from the Glorot init on epoch-0 orders (the first epoch, the slowest: most
 *   samples still carry errors). samplesPerS sums over replicas; extra.samples_per_s_per_replica is one replica's.
 *   Full mode also times the second epoch (extra.epoch2_samples_per_s_per_replica).
 * - phase 'infer': batched inference over the whole test set for every replica; samplesPerS sums over replicas.
 * On WebGPU, dispatchesPerStep / submitsPerStep count per SAMPLE (a sample is the step of this benchmark), and
 * extra.round_trips_per_sample counts host read-backs. On the CPU, extra.samples_per_cpu_s divides by the CPU time
 * of all the process's threads: on a busy shared machine it shows what each core delivers.
 * Reference (issue #4, numpy on 2 cores, skipping no-op updates): ~9,000 samples/s in the first MNIST epoch,
 * ~25,000 averaged over 60 epochs, ~270,000 samples/s batched inference.
 */
import type { BenchDefinition, BenchEnv, BenchOptions, BenchResult } from './types.ts';
import type { EncodedDataset, FusedTrainer, NbpShape } from '../nbp/types.ts';
import type { DatasetName } from '../data/preprocess.ts';
import { glorotInit } from '../nbp/init.ts';
import { epochOrder, replicaSeed } from '../nbp/prng.ts';
import { createCpuFusedTrainer, type CpuFusedTrainer } from '../nbp/fused-cpu.ts';
import { defaultThreads } from '../nbp/engines.ts';
import type { WebgpuFusedTrainer } from '../nbp/webgpu/trainer.ts';

// Node's loader reads files (node:fs): reached through a non-literal specifier so page bundles never include it.
const NODE_LOADER = '../data/load.ts';

async function loadData(env: BenchEnv, name: DatasetName, baseUrl: string): Promise<{ train: EncodedDataset; test: EncodedDataset }> {
  if (env.environment === 'node') {
    const { loadDataset } = (await import(NODE_LOADER)) as typeof import('../data/load.ts');
    return { train: loadDataset(name, 'train'), test: loadDataset(name, 'test') };
  }
  const { fetchDataset } = await import('../data/fetch.ts');
  return { train: await fetchDataset(name, 'train', baseUrl), test: await fetchDataset(name, 'test', baseUrl) };
}

function num(params: Record<string, string> | undefined, key: string, fallback: number): number {
  const raw = params?.[key];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench nbp: -p ${key}= must be a positive integer, got '${raw}'`);
  return v;
}

/**
 * CPU seconds used by this process, all threads (Node only; null elsewhere). Samples per CPU-second stay
 * meaningful on a busy shared machine, where wall-clock rates mostly measure the other processes.
 */
function cpuSeconds(): number | null {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return null;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Timing {
  wall: number;
  cpu: number | null;
}

function timer(): () => Timing {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  return () => {
    const c1 = cpuSeconds();
    return { wall: (performance.now() - t0) / 1000, cpu: c0 === null || c1 === null ? null : c1 - c0 };
  };
}

/** Times train() over `samples` samples of an epoch's orders, in chunks. */
async function timeTraining(trainer: FusedTrainer, orders: Uint32Array[], samples: number, chunk: number): Promise<Timing> {
  const stop = timer();
  for (let k = 0; k < samples; k += chunk) await trainer.train(orders.map((o) => o.subarray(k, Math.min(samples, k + chunk))));
  return stop();
}

async function timeInference(trainer: FusedTrainer, test: EncodedDataset, repeats: number): Promise<Timing> {
  await trainer.evaluate(test); // warm-up (uploads the set, compiles)
  let best: Timing = { wall: Infinity, cpu: null };
  for (let i = 0; i < repeats; i++) {
    const stop = timer();
    await trainer.evaluate(test);
    const t = stop();
    if (t.wall < best.wall) best = t;
  }
  return best;
}

const perCpuS = (samples: number, t: Timing) => (t.cpu && t.cpu > 0 ? samples / t.cpu : null);

const definition: BenchDefinition = {
  name: 'nbp',
  description:
    'fused nBP training (first epoch) and batched inference, samples/s per replica and summed, per backend; then the 12-step circuit (-p circuit=off skips it)',
  async run(options: BenchOptions, env: BenchEnv): Promise<BenchResult[]> {
    const quick = !!options.quick;
    const dataset = (options.params?.dataset ?? 'mnist') as DatasetName;
    if (dataset !== 'mnist' && dataset !== 'fashion') throw new Error(`bench nbp: -p dataset= must be mnist or fashion, got '${dataset}'`);
    const replicas = num(options.params, 'replicas', 3);
    const { train, test } = await loadData(env, dataset, options.params?.dataUrl ?? `/data/${dataset}/`);
    const samples = Math.min(train.n, num(options.params, 'samples', quick ? 5000 : train.n));
    const gpuSamples = Math.min(samples, num(options.params, 'gpuSamples', quick ? 1000 : samples));
    const shape: NbpShape = { nIn: train.nIn, nHid: 400, nOut: 10 };
    const semantics = options.params?.semantics === 'numpy' ? 'numpy' : 'loihi';
    const initial = Array.from({ length: replicas }, (_, r) => glorotInit(shape, replicaSeed(1, r)));
    const orders = (epoch: number) => initial.map((_, r) => epochOrder(train.n, replicaSeed(1, r), epoch));
    const results: BenchResult[] = [];
    const common = { benchmark: 'nbp', environment: env.environment, version: env.version, commit: env.commit } as const;

    for (const backend of options.backends ?? ['cpu', 'webgpu']) {
      let trainer: FusedTrainer;
      let gpuTrainer: WebgpuFusedTrainer | null = null; // the same trainer, with its work counters
      let adapter: string | null = null;
      let n = samples;
      if (backend === 'cpu') {
        trainer = await createCpuFusedTrainer({ shape, semantics, train, initial }, { threads: await defaultThreads(replicas) });
      } else {
        let ctx;
        try {
          ctx = await env.gpu();
        } catch (err) {
          if (options.backends?.includes('webgpu')) throw err;
          env.log(`bench nbp: no WebGPU adapter, skipping the webgpu backend (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
          continue;
        }
        adapter = `${ctx.summary.vendor} / ${ctx.summary.architecture} / ${ctx.summary.device}`;
        if (ctx.summary.isFallbackAdapter) n = gpuSamples;
        const { createWebgpuFusedTrainer } = await import('../nbp/webgpu/trainer.ts');
        trainer = gpuTrainer = await createWebgpuFusedTrainer({ shape, semantics, train, initial }, ctx);
      }
      try {
        env.log(
          `bench nbp: ${backend}, ${replicas} replica(s), training ${n} samples each (${dataset} ${shape.nIn}-${shape.nHid}-${shape.nOut}, ${semantics})`,
        );
        const gpuStats = () => gpuTrainer?.stats() ?? null;
        const epoch0 = orders(0);
        if (backend === 'webgpu') {
          // Untimed warm-up on another epoch's order: the first dispatch compiles on some drivers, the second lets the
          // trainer learn its rate so that it sleeps through the timed wait instead of polling (backends/webgpu/pacer.ts).
          const warm = orders(1);
          for (let k = 0; k < 2; k++) await trainer.train(warm.map((o) => o.subarray(k * 128, (k + 1) * 128)));
        }
        const beforeTrain = gpuStats(); // counters of the timed training only (not the warm-up)
        const trainT = await timeTraining(trainer, epoch0, n, backend === 'cpu' ? 5000 : n);
        const trainS = trainT.wall;
        const extraTrain: Record<string, number | string | null> = {
          phase: 'train',
          semantics,
          samples_per_s_per_replica: n / trainS,
          samples_per_cpu_s: backend === 'cpu' ? perCpuS(replicas * n, trainT) : null,
          threads: backend === 'cpu' ? (trainer as CpuFusedTrainer).threads : null,
        };
        if (backend === 'cpu' && !quick && n === train.n) {
          const t2 = await timeTraining(trainer, orders(1), train.n, 5000);
          extraTrain.epoch2_samples_per_s_per_replica = train.n / t2.wall;
          extraTrain.epoch2_samples_per_cpu_s = perCpuS(replicas * train.n, t2);
        }
        const afterTrain = gpuStats();
        const trainResult: BenchResult = {
          ...common,
          sizes: { nIn: shape.nIn, nHid: shape.nHid, nOut: shape.nOut, replicas, samples: n },
          backend,
          adapter,
          samplesPerS: (replicas * n) / trainS,
          extra: extraTrain,
        };
        if (afterTrain) {
          const timedSamples = afterTrain.trainSamples - (beforeTrain?.trainSamples ?? 0);
          trainResult.dispatchesPerStep = (afterTrain.trainDispatches - (beforeTrain?.trainDispatches ?? 0)) / timedSamples;
          trainResult.submitsPerStep = (afterTrain.trainSubmits - (beforeTrain?.trainSubmits ?? 0)) / timedSamples;
          trainResult.compileMs = afterTrain.compileMs;
          extraTrain.round_trips_per_sample = (afterTrain.readbacks - (beforeTrain?.readbacks ?? 0)) / timedSamples;
        }
        results.push(trainResult);

        const repeats = quick || (backend === 'webgpu' && n < samples) ? 1 : 3;
        const inferT = await timeInference(trainer, test, repeats);
        const inferS = inferT.wall;
        const st = gpuStats();
        const inferResult: BenchResult = {
          ...common,
          sizes: { nIn: shape.nIn, nHid: shape.nHid, nOut: shape.nOut, replicas, samples: test.n },
          backend,
          adapter,
          samplesPerS: (replicas * test.n) / inferS,
          extra: {
            phase: 'infer',
            samples_per_s_per_replica: test.n / inferS,
            samples_per_cpu_s: backend === 'cpu' ? perCpuS(replicas * test.n, inferT) : null,
          },
        };
        if (st && afterTrain) {
          const evalSamples = st.evalSamples;
          inferResult.dispatchesPerStep = st.evalDispatches / evalSamples;
          inferResult.submitsPerStep = st.evalSubmits / evalSamples;
          inferResult.extra!.round_trips_per_sample = (st.readbacks - afterTrain.readbacks) / evalSamples;
        }
        results.push(inferResult);
      } finally {
        trainer.dispose();
      }
    }
    // The neuron-level circuit (issue: circuit speed beside the fused engine); its network is 400-400-10 only.
    if (options.params?.circuit !== 'off' && shape.nIn === 400) {
      const { benchCircuit } = await import('./circuit.ts');
      results.push(
        ...(await benchCircuit(env, {
          quick,
          ...(options.backends ? { backends: options.backends } : {}),
          ...(options.params ? { params: options.params } : {}),
          data: train,
        })),
      );
    }
    return results;
  },
};

export default definition;
