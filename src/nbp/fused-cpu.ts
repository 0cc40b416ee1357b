/**
 * The CPU fused trainer (FusedTrainer contract of ./types.ts): replicas train in parallel on worker threads in
 * Node (one host per thread, replicas spread round-robin), or all in the calling thread (threads: 0, and always in
 * a browser). Evaluation splits the test set over all threads when there are fewer replicas than threads.
 * Results never depend on the thread count: each replica is trained sequentially by one engine, and metric tallies
 * are integer sums.
 */
import type { EncodedDataset, FusedTrainer, FusedTrainerOptions, NbpMetrics, NbpWeights } from './types.ts';
import { activeLists } from '../data/preprocess.ts';
import { validateWeights } from './cpu-engine.ts';
import { ReplicaHost, sumByReplica, type EvalJob, type HostRequest, type HostStats } from './cpu-host.ts';
import { metricsFromCounts, type MetricCounts } from './metrics.ts';
import { remedyParams, validateRemedies } from './remedies.ts';
import { checkOrders, checkReplicaIndex } from './trainer-checks.ts';
import { siblingModule, startRequestWorker } from '../modules.ts';

/** CPU-specific options. */
export interface CpuTrainerOptions {
  /** Worker threads; 0 runs everything in the calling thread. Default: 0 (callers such as the CLI pick a count). */
  threads?: number;
}

/** A CPU fused trainer, with counters for benchmarks. */
export interface CpuFusedTrainer extends FusedTrainer {
  readonly backend: 'cpu';
  /** Worker threads in use (0 = in-thread). */
  readonly threads: number;
  /** Samples trained and samples that changed weights, over all replicas. */
  stats(): Promise<HostStats>;
}

interface HostHandle {
  request(req: HostRequest): Promise<unknown>;
  close(): Promise<void>;
}

function inlineHost(): HostHandle {
  const host = new ReplicaHost();
  return { request: async (req) => host.handle(req), close: async () => {} };
}

async function workerHost(): Promise<HostHandle> {
  // A real module file: ./cpu-worker.js from dist/, ./cpu-worker.ts from source (../modules.ts registers tsx there).
  const worker = await startRequestWorker<HostRequest>(siblingModule('./cpu-worker', import.meta.url), 'CPU worker');
  return { request: (req) => worker.request(req), close: () => worker.close('CPU trainer disposed') };
}

/** Active lists and labels on shared memory, so every thread reads the same bytes. */
function sharedData(data: EncodedDataset) {
  const isNode = typeof SharedArrayBuffer !== 'undefined';
  const make = (bytes: number): ArrayBufferLike => (isNode ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const lists = activeLists(data, make);
  const labels = new Uint8Array(make(data.n));
  labels.set(data.labels);
  return { lists, labels };
}

/** Creates the CPU fused trainer: validates the options, starts the threads and loads every replica. */
export async function createCpuFusedTrainer(opts: FusedTrainerOptions, cpu: CpuTrainerOptions = {}): Promise<CpuFusedTrainer> {
  const { shape, semantics } = opts;
  const replicas = opts.initial.length;
  if (replicas < 1) throw new Error('createCpuFusedTrainer: at least one replica (initial weights) is needed');
  if (opts.train.nIn !== shape.nIn)
    throw new Error(`createCpuFusedTrainer: training set ${opts.train.name} has ${opts.train.nIn} inputs, the network ${shape.nIn}`);
  opts.initial.forEach((w, r) => validateWeights(shape, w, `replica ${r} initial weights`));
  const remedies = validateRemedies(opts.remedies);
  const remedy = remedies ? { params: remedyParams(remedies), samplesDone: opts.samplesDone ?? 0, trainSize: opts.train.n } : undefined;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  const threads = isNode ? Math.max(0, Math.floor(cpu.threads ?? 0)) : 0;
  const hosts: HostHandle[] = threads === 0 ? [inlineHost()] : await Promise.all(Array.from({ length: threads }, () => workerHost()));
  const owner = (r: number) => r % hosts.length;
  const train = sharedData(opts.train);
  await Promise.all(
    hosts.map((h) => h.request({ op: 'init', shape, semantics, lists: train.lists, labels: train.labels, ...(remedy ? { remedy } : {}) })),
  );
  await Promise.all(opts.initial.map((w, r) => hosts[owner(r)]!.request({ op: 'add', id: r, weights: w })));

  const datasets = new WeakMap<EncodedDataset, number>();
  let nextKey = 0;
  let disposed = false;
  const alive = () => {
    if (disposed) throw new Error('CPU fused trainer used after dispose()');
  };

  return {
    backend: 'cpu',
    semantics,
    shape,
    replicas,
    threads,
    async train(orders) {
      alive();
      checkOrders(orders, replicas, opts.train);
      await Promise.all(
        hosts.map((h, hi) => {
          const mine = orders.map((order, id) => ({ id, order: Uint32Array.from(order) })).filter(({ id }) => owner(id) === hi);
          return mine.length ? h.request({ op: 'train', orders: mine }) : null;
        }),
      );
    },
    async evaluate(data): Promise<NbpMetrics[]> {
      alive();
      if (data.nIn !== shape.nIn) throw new Error(`evaluate: ${data.name} has ${data.nIn} inputs, the network ${shape.nIn}`);
      let key = datasets.get(data);
      if (key === undefined) {
        key = nextKey++;
        datasets.set(data, key);
        const d = sharedData(data);
        const k = key;
        await Promise.all(hosts.map((h) => h.request({ op: 'data', key: k, lists: d.lists, labels: d.labels })));
      }
      const parts: Array<{ replica: number; counts: MetricCounts }> = [];
      if (replicas >= hosts.length) {
        await Promise.all(
          hosts.map(async (h, hi) => {
            const ids = Array.from({ length: replicas }, (_, r) => r).filter((r) => owner(r) === hi);
            const res = (await h.request({ op: 'eval', key: key!, jobs: ids.map((id) => ({ id, start: 0, end: data.n })) })) as MetricCounts[];
            ids.forEach((id, i) => parts.push({ replica: id, counts: res[i]! }));
          }),
        );
      } else {
        const weights = await Promise.all(
          Array.from({ length: replicas }, (_, r) => hosts[owner(r)]!.request({ op: 'get', id: r }) as Promise<NbpWeights>),
        );
        await Promise.all(
          hosts.map(async (h, hi) => {
            const start = Math.floor((data.n * hi) / hosts.length);
            const end = Math.floor((data.n * (hi + 1)) / hosts.length);
            const jobs: EvalJob[] = weights.map((w, r) => (owner(r) === hi ? { id: r, start, end } : { weights: w, start, end }));
            const res = (await h.request({ op: 'eval', key: key!, jobs })) as MetricCounts[];
            res.forEach((counts, r) => parts.push({ replica: r, counts }));
          }),
        );
      }
      return sumByReplica(shape.nOut, replicas, parts).map(metricsFromCounts);
    },
    async getWeights(replica) {
      alive();
      checkReplicaIndex('getWeights', replica, replicas);
      return (await hosts[owner(replica)]!.request({ op: 'get', id: replica })) as NbpWeights;
    },
    async setWeights(replica, weights) {
      alive();
      checkReplicaIndex('setWeights', replica, replicas);
      validateWeights(shape, weights, `replica ${replica} weights`);
      await hosts[owner(replica)]!.request({ op: 'set', id: replica, weights });
    },
    async stats() {
      const all = (await Promise.all(hosts.map((h) => h.request({ op: 'stats' })))) as HostStats[];
      return all.reduce((a, b) => ({ trained: a.trained + b.trained, updated: a.updated + b.updated }), { trained: 0, updated: 0 });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const h of hosts) void h.close();
    },
  };
}
