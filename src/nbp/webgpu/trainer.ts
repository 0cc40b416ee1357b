/**
 * The WebGPU fused nBP trainer (FusedTrainer contract of ../types.ts), bit-identical to the per-sample reference
 * in ../algorithm.ts and to the CPU trainer. A train() call is one submit: a run of identical nbp_train dispatches
 * (one workgroup per replica, `samplesPerDispatch` samples each) that continue from a per-replica cursor, so no
 * host round-trip happens between samples. evaluate() is one nbp_infer dispatch over the whole set for all
 * replicas and reads back only the integer tallies.
 */
import { createGpuPacer } from '../../backends/webgpu/pacer.ts';
import type { EncodedDataset, FusedTrainer, FusedTrainerOptions, NbpMetrics, NbpWeights } from '../types.ts';
import { acquireGpu, type GpuContext } from '../../backends/webgpu/device.ts';
import { PipelineCache } from '../../backends/webgpu/pipelines.ts';
import type { GpuTimer } from '../../backends/webgpu/gpu-timer.ts';
import { readBuffers, type ReadbackRegion } from '../../backends/webgpu/readback.ts';
import { SEMANTICS } from '../algorithm.ts';
import { validateWeights } from '../cpu-engine.ts';
import { metricsFromCounts } from '../metrics.ts';
import { validateRemedies } from '../remedies.ts';
import { checkOrders, checkReplicaIndex } from '../trainer-checks.ts';
import {
  COUNT_FIELDS,
  MAX_GROUPS_PER_THREAD,
  MAX_OUTPUTS,
  UNITS_PER_GROUP,
  createNbpKernels,
  packInferParams,
  packSamples,
  packTrainParams,
  packW1,
  packW2,
  shapeParamValues,
  unpackW1,
  unpackW2,
  weightLayout,
} from './kernels.ts';

/** WebGPU-specific knobs (every automatic choice can be forced). */
export interface WebgpuTrainerOptions {
  /** Threads per workgroup (one workgroup per replica, group g of 12 hidden units on thread g mod size); default:
   * the groups rounded up to a multiple of 4 (36 for 400 hidden units), and on a fallback (CPU) adapter a third of
   * that (12: 3 groups per thread), capped by the device limits. */
  workgroupSize?: number;
  /** Training samples per dispatch (each dispatch continues where the last stopped); default 1024. */
  samplesPerDispatch?: number;
  /** Inference samples per workgroup; default 64 (raised when the set would need over 65 535 blocks). */
  samplesPerBlock?: number;
  /** Brackets every compute pass with timestamps (benchmarks). */
  timer?: GpuTimer;
}

/** Work counters, for `synfire bench nbp`. Sample counts are per replica: one dispatch serves every replica. */
export interface WebgpuTrainerStats {
  /** Training samples per replica, summed over train() calls. */
  trainSamples: number;
  trainDispatches: number;
  trainSubmits: number;
  /** Inference samples per replica, summed over evaluate() calls. */
  evalSamples: number;
  evalDispatches: number;
  evalSubmits: number;
  /** mapAsync readbacks (one per evaluate() and per getWeights()). */
  readbacks: number;
  /** Pipeline compilation, ms. */
  compileMs: number;
}

/** The WebGPU fused trainer, with counters for benchmarks. */
export interface WebgpuFusedTrainer extends FusedTrainer {
  readonly backend: 'webgpu';
  readonly workgroupSize: number;
  readonly samplesPerDispatch: number;
  stats(): WebgpuTrainerStats;
}

interface DatasetEntry {
  buffer: GPUBuffer;
  params: GPUBuffer;
  bindGroup: GPUBindGroup;
  n: number;
  blocks: number;
}

const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`createWebgpuFusedTrainer: ${name} must be a positive integer, got ${v}`);
  return v;
}

const WHERE = 'createWebgpuFusedTrainer';

/** Checks what needs no device: shape, training set, initial weights, remedies. */
function checkTrainerOptions(opts: FusedTrainerOptions): void {
  const { nIn, nHid, nOut } = opts.shape;
  if (opts.initial.length < 1) throw new Error(`${WHERE}: at least one replica (initial weights) is needed`);
  if (!(nIn >= 1 && nHid >= 1 && nOut >= 1)) throw new Error(`${WHERE}: shape ${nIn}-${nHid}-${nOut} needs at least one unit per layer`);
  if (nOut > MAX_OUTPUTS) throw new Error(`${WHERE}: nOut = ${nOut}; the WGSL kernels handle at most ${MAX_OUTPUTS} outputs`);
  if (opts.train.nIn !== nIn) throw new Error(`${WHERE}: training set ${opts.train.name} has ${opts.train.nIn} inputs, the network ${nIn}`);
  opts.initial.forEach((w, r) => validateWeights(opts.shape, w, `replica ${r} initial weights`));
  const remedies = validateRemedies(opts.remedies);
  if (remedies)
    throw new Error(
      `the WebGPU engine implements no remedies (asked for: ${Object.keys(remedies).join(', ')}); remedies run on the CPU engine (--backend cpu)`,
    );
}

/** Workgroup size, samples per dispatch and per inference block, and the binding limit, checked on a device. */
interface DispatchPlan {
  wg: number;
  spd: number;
  spbWanted: number;
  /** Largest buffer the device binds, bytes. */
  maxBinding: number;
}

/** Resolves the automatic choices against the device limits; returns an error message when they do not fit. */
function planDispatch(
  opts: FusedTrainerOptions,
  gpuOptions: WebgpuTrainerOptions,
  limits: GPUSupportedLimits,
  trainBytes: number,
  fallback: boolean,
): DispatchPlan | string {
  const { shape } = opts;
  const replicas = opts.initial.length;
  const layout = weightLayout(shape);
  // A GPU: one thread per group of 12 hidden units (34 for 400 units); more threads would idle (a GPU pads the
  // workgroup to its wave size anyway). A fallback (CPU) adapter such as SwiftShader runs 4 threads as the SIMD
  // lanes of one coroutine and switches coroutines at each barrier: 3 groups per thread (12 threads for 400 units)
  // measured about 1.2x faster there than 36 threads (bench nbp, 2026-12-03).
  const perThread = fallback ? 3 : 1;
  const wgWanted = positiveInt(gpuOptions.workgroupSize, Math.ceil(layout.groups / perThread / 4) * 4, 'workgroupSize');
  const spd = positiveInt(gpuOptions.samplesPerDispatch, 1024, 'samplesPerDispatch');
  const spbWanted = positiveInt(gpuOptions.samplesPerBlock, 64, 'samplesPerBlock');
  const wgMax = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  const wg = gpuOptions.workgroupSize === undefined ? Math.min(wgWanted, wgMax) : wgWanted;
  if (wg > wgMax) return `workgroupSize ${wg} exceeds the device limit ${wgMax}`;
  const unitsMax = UNITS_PER_GROUP * MAX_GROUPS_PER_THREAD * wg;
  if (shape.nHid > unitsMax)
    return `nHid = ${shape.nHid} is more than ${unitsMax} hidden units (${UNITS_PER_GROUP * MAX_GROUPS_PER_THREAD} per thread at workgroupSize ${wg}); raise workgroupSize`;
  if (replicas > limits.maxComputeWorkgroupsPerDimension)
    return `${replicas} replicas exceed maxComputeWorkgroupsPerDimension ${limits.maxComputeWorkgroupsPerDimension}`;
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const w1Bytes = replicas * layout.w1Stride * 16;
  const w2Bytes = replicas * layout.w2Stride * 16;
  if (w1Bytes > maxBinding)
    return `${replicas} replicas need ${w1Bytes} bytes of packed W1; the device binds at most ${maxBinding} (use fewer replicas)`;
  if (w2Bytes > maxBinding)
    return `${replicas} replicas need ${w2Bytes} bytes of W2 | P | M; the device binds at most ${maxBinding} (use fewer replicas)`;
  if (trainBytes > maxBinding) return `training set ${opts.train.name} packs to ${trainBytes} bytes; the device binds at most ${maxBinding}`;
  return { wg, spd, spbWanted, maxBinding };
}

/** Runs GPU operations one at a time, each inside a validation error scope whose error fails that operation. */
function serialGpuOps(device: GPUDevice): <T>(op: string, body: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(op: string, body: () => Promise<T>): Promise<T> => {
    const run = async (): Promise<T> => {
      device.pushErrorScope('validation');
      let result: T;
      try {
        result = await body();
      } finally {
        const err = await device.popErrorScope();
        if (err) throw new Error(`${op}: WebGPU validation error: ${err.message}`);
      }
      return result;
    };
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  };
}

/** The trainer's fixed buffers: packed weights, training data, per-replica cursor, params, inference counts. */
function createTrainerBuffers(
  device: GPUDevice,
  sizes: { w1: number; w2: number; trainData: ReturnType<typeof packSamples>; trainName: string; replicas: number; paramsBytes: number },
) {
  const w1 = device.createBuffer({ label: 'nbp W1 (packed)', size: sizes.w1, usage: STORAGE() | GPUBufferUsage.COPY_SRC });
  const w2 = device.createBuffer({ label: 'nbp W2|P|M', size: sizes.w2, usage: STORAGE() | GPUBufferUsage.COPY_SRC });
  const trainData = device.createBuffer({ label: `nbp data ${sizes.trainName}`, size: sizes.trainData.byteLength, usage: STORAGE() });
  device.queue.writeBuffer(trainData, 0, sizes.trainData);
  const cursor = device.createBuffer({ label: 'nbp cursor', size: Math.max(16, sizes.replicas * 4), usage: STORAGE() });
  const trainParams = device.createBuffer({
    label: 'nbp_train params',
    size: sizes.paramsBytes,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const counts = device.createBuffer({
    label: 'nbp counts',
    size: sizes.replicas * COUNT_FIELDS.length * 4,
    usage: STORAGE() | GPUBufferUsage.COPY_SRC,
  });
  const countsRead = device.createBuffer({
    label: 'nbp counts readback',
    size: counts.size,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  return { w1, w2, trainData, cursor, trainParams, counts, countsRead };
}

/** Per-replica metrics from the inference kernel's count words (COUNT_FIELDS per replica). */
function metricsOfCounts(words: Uint32Array, replicas: number, n: number, nOut: number): NbpMetrics[] {
  const F = COUNT_FIELDS.length;
  return Array.from({ length: replicas }, (_, r) =>
    metricsFromCounts({
      n,
      spikes: words[r * F]!,
      membrane: words[r * F + 1]!,
      exact: words[r * F + 2]!,
      wrongBits: words[r * F + 3]!,
      silent: words[r * F + 4]!,
      nOut,
    }),
  );
}

/** Creates the WebGPU fused trainer; acquires a device with acquireGpu() when `ctx` is not given. */
export async function createWebgpuFusedTrainer(
  opts: FusedTrainerOptions,
  ctx?: GpuContext,
  gpuOptions: WebgpuTrainerOptions = {},
): Promise<WebgpuFusedTrainer> {
  checkTrainerOptions(opts);
  const { shape, semantics } = opts;
  const { nIn, nOut } = shape;
  const replicas = opts.initial.length;
  const trainSamples = packSamples(opts.train, nOut);
  const layout = weightLayout(shape);

  const owned = !ctx;
  const gpu = ctx ?? (await acquireGpu());
  const device = gpu.device;
  const limits = device.limits;
  const fail = (msg: string): never => {
    if (owned) gpu.destroy();
    throw new Error(`${WHERE}: ${msg}`);
  };
  let plan: DispatchPlan | string;
  try {
    plan = planDispatch(opts, gpuOptions, limits, trainSamples.byteLength, gpu.summary.isFallbackAdapter);
  } catch (err) {
    if (owned) gpu.destroy();
    throw err;
  }
  if (typeof plan === 'string') return fail(plan);
  const { wg, spd, spbWanted, maxBinding } = plan;
  const w1Bytes = replicas * layout.w1Stride * 16;
  const w2Bytes = replicas * layout.w2Stride * 16;

  const cache = new PipelineCache(device);
  device.pushErrorScope('validation');
  let kernels: Awaited<ReturnType<typeof createNbpKernels>>;
  try {
    kernels = await createNbpKernels(device, cache, semantics, wg, {
      w1: replicas * layout.w1Stride,
      w2: replicas * layout.w2Stride,
      trainData: trainSamples.length,
    });
  } catch (err) {
    await device.popErrorScope();
    return fail(`WGSL pipelines failed: ${(err as Error).message}`);
  }
  const { w1, w2, trainData, cursor, trainParams, counts, countsRead } = createTrainerBuffers(device, {
    w1: w1Bytes,
    w2: w2Bytes,
    trainData: trainSamples,
    trainName: opts.train.name,
    replicas,
    paramsBytes: packTrainParams(trainParamValues(0, 0)).byteLength,
  });
  let orders: GPUBuffer | null = null;
  let trainBindGroup: GPUBindGroup | null = null;
  const setupError = await device.popErrorScope();
  if (setupError) fail(`WebGPU setup failed: ${setupError.message}`);

  /** Packs a replica's weights now (the caller may reuse its arrays) and returns the upload. */
  const weightUpload = (r: number, w: NbpWeights): (() => void) => {
    const packed = packW1(shape, w.W1);
    const rest = packW2(shape, [w.W2, w.P, w.M]);
    return () => {
      device.queue.writeBuffer(w1, r * layout.w1Stride * 16, packed);
      device.queue.writeBuffer(w2, r * layout.w2Stride * 16, rest);
    };
  };
  opts.initial.forEach((w, r) => weightUpload(r, w)());

  const stats: WebgpuTrainerStats = {
    trainSamples: 0,
    trainDispatches: 0,
    trainSubmits: 0,
    evalSamples: 0,
    evalDispatches: 0,
    evalSubmits: 0,
    readbacks: 0,
    compileMs: cache.compileMs,
  };
  const datasets = new WeakMap<EncodedDataset, DatasetEntry>();
  const datasetBuffers: GPUBuffer[] = [];
  let disposed = false;
  const alive = (op: string) => {
    if (disposed) throw new Error(`${op}: WebGPU fused trainer used after dispose()`);
  };

  function trainParamValues(len: number, clipFirst: number): Record<string, number> {
    const c = SEMANTICS[semantics];
    return { ...shapeParamValues(shape, replicas), len, samplesPerDispatch: spd, clipFirst, derivHigh: c.derivHigh, wMin: c.wMin, wMax: c.wMax };
  }

  // GPU work runs one operation at a time: evaluate() maps a shared readback buffer, which a second evaluate()
  // must not touch while the first is pending, and error scopes must not interleave.
  const checked = serialGpuOps(device);

  function datasetEntry(data: EncodedDataset): DatasetEntry {
    const hit = datasets.get(data);
    if (hit) return hit;
    const packed = packSamples(data, nOut);
    if (packed.byteLength > maxBinding)
      throw new Error(`evaluate: ${data.name} packs to ${packed.byteLength} bytes; the device binds at most ${maxBinding}`);
    const buffer = device.createBuffer({ label: `nbp data ${data.name}`, size: packed.byteLength, usage: STORAGE() });
    device.queue.writeBuffer(buffer, 0, packed);
    const spb = Math.max(spbWanted, Math.ceil(data.n / limits.maxComputeWorkgroupsPerDimension));
    const p = packInferParams({ ...shapeParamValues(shape, replicas), n: data.n, samplesPerBlock: spb });
    const params = device.createBuffer({
      label: `nbp_infer params ${data.name}`,
      size: p.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(params, 0, p);
    const bindGroup = device.createBindGroup({
      label: `nbp_infer ${data.name}`,
      layout: kernels.inferLayout,
      entries: [params, buffer, w1, w2, counts].map((b, binding) => ({ binding, resource: { buffer: b } })),
    });
    datasetBuffers.push(buffer, params);
    const entry = { buffer, params, bindGroup, n: data.n, blocks: Math.ceil(data.n / spb) };
    datasets.set(data, entry);
    return entry;
  }

  /** Reads buffer regions back (one staging buffer, one submit, one map; ../../backends/webgpu/readback.ts). */
  async function readback(regions: ReadonlyArray<ReadbackRegion>): Promise<ArrayBuffer[]> {
    try {
      return await readBuffers(device, regions, 'nbp readback');
    } finally {
      stats.readbacks++;
    }
  }

  // Sleep through most of a long GPU wait instead of letting Dawn poll (pacer.ts).
  const trainPacer = createGpuPacer();
  const evalPacer = createGpuPacer();

  const replicaIndex = (op: string, replica: number) => checkReplicaIndex(op, replica, replicas);

  return {
    backend: 'webgpu',
    semantics,
    shape,
    replicas,
    workgroupSize: wg,
    samplesPerDispatch: spd,
    async train(chunk) {
      alive('train');
      const len = checkOrders(chunk, replicas, opts.train);
      const all = new Uint32Array(Math.max(1, replicas * len));
      chunk.forEach((o, r) => all.set(o, r * len));
      if (len === 0) return;
      await checked('train', async () => {
        if (!orders || orders.size < all.byteLength) {
          orders?.destroy();
          orders = device.createBuffer({ label: 'nbp orders', size: all.byteLength, usage: STORAGE() });
          trainBindGroup = device.createBindGroup({
            label: 'nbp_train',
            layout: kernels.trainLayout,
            entries: [trainParams, trainData, orders, cursor, w1, w2].map((b, binding) => ({ binding, resource: { buffer: b } })),
          });
        }
        device.queue.writeBuffer(orders, 0, all);
        device.queue.writeBuffer(cursor, 0, new Uint32Array(cursor.size / 4));
        device.queue.writeBuffer(trainParams, 0, packTrainParams(trainParamValues(len, semantics === 'numpy' ? 1 : 0)));
        const dispatches = Math.ceil(len / spd);
        const encoder = device.createCommandEncoder({ label: 'nbp train' });
        const pass = encoder.beginComputePass({ label: 'nbp train', timestampWrites: gpuOptions.timer?.passTimestamps() });
        pass.setPipeline(kernels.train);
        pass.setBindGroup(0, trainBindGroup!);
        for (let d = 0; d < dispatches; d++) pass.dispatchWorkgroups(replicas);
        pass.end();
        gpuOptions.timer?.resolve(encoder);
        device.queue.submit([encoder.finish()]);
        await trainPacer.wait(len, () => device.queue.onSubmittedWorkDone());
        stats.trainSamples += len;
        stats.trainDispatches += dispatches;
        stats.trainSubmits++;
      });
    },
    async evaluate(data): Promise<NbpMetrics[]> {
      alive('evaluate');
      if (data.nIn !== nIn) throw new Error(`evaluate: ${data.name} has ${data.nIn} inputs, the network ${nIn}`);
      const words = await checked('evaluate', async () => {
        const entry = datasetEntry(data);
        const encoder = device.createCommandEncoder({ label: 'nbp evaluate' });
        encoder.clearBuffer(counts);
        if (entry.n > 0) {
          const pass = encoder.beginComputePass({ label: 'nbp evaluate', timestampWrites: gpuOptions.timer?.passTimestamps() });
          pass.setPipeline(kernels.infer);
          pass.setBindGroup(0, entry.bindGroup);
          pass.dispatchWorkgroups(replicas, entry.blocks);
          pass.end();
          stats.evalDispatches++;
        }
        gpuOptions.timer?.resolve(encoder);
        encoder.copyBufferToBuffer(counts, 0, countsRead, 0, counts.size);
        device.queue.submit([encoder.finish()]);
        stats.evalSubmits++;
        await evalPacer.wait(data.n, () => countsRead.mapAsync(GPUMapMode.READ));
        const out = new Uint32Array(countsRead.getMappedRange().slice(0));
        countsRead.unmap();
        stats.readbacks++;
        stats.evalSamples += data.n;
        return out;
      });
      return metricsOfCounts(words, replicas, data.n, nOut);
    },
    async getWeights(replica) {
      alive('getWeights');
      replicaIndex('getWeights', replica);
      const [packed, rest] = await checked('getWeights', () =>
        readback([
          { buffer: w1, offset: replica * layout.w1Stride * 16, size: layout.w1Stride * 16 },
          { buffer: w2, offset: replica * layout.w2Stride * 16, size: layout.w2Stride * 16 },
        ]),
      );
      const W1 = unpackW1(shape, new Uint32Array(packed!));
      const [W2, P, M] = unpackW2(shape, new Int32Array(rest!));
      if (semantics === 'numpy') {
        // numpy has no transpose copies; like the CPU engine, report them as ±W2.
        return { W1, W2, P: W2.slice(), M: W2.map((v) => -v) };
      }
      return { W1, W2, P, M };
    },
    async setWeights(replica, w) {
      alive('setWeights');
      replicaIndex('setWeights', replica);
      validateWeights(shape, w, `replica ${replica} weights`);
      const upload = weightUpload(replica, w);
      await checked('setWeights', async () => upload());
    },
    stats() {
      return { ...stats, compileMs: cache.compileMs };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const b of [w1, w2, trainData, cursor, trainParams, counts, countsRead, ...datasetBuffers]) b.destroy();
      orders?.destroy();
      if (owned) gpu.destroy();
    },
  };
}
