/**
 * Throughput of the WebGPU fused nBP trainer, for `synfire bench nbp` and the browser harness (environment-neutral:
 * the caller loads the datasets and acquires the device). Never called from tests: timings belong in benchmarks.
 *
 * From the repository root, e.g.:
 *   npx tsx -e "import('./src/nbp/webgpu/measure.ts').then((m) => m.measureFromDisk({ replicas: 2 }))"
 */
import type { GpuContext } from '../../backends/webgpu/device.ts';
import { glorotInit } from '../init.ts';
import { epochOrder } from '../prng.ts';
import type { EncodedDataset, NbpShape, Semantics } from '../types.ts';
import { createWebgpuFusedTrainer, type WebgpuTrainerOptions } from './trainer.ts';

/** What to measure. */
export interface MeasureOptions {
  semantics?: Semantics;
  replicas?: number;
  /** Training samples per replica in the timed train() call (default 2000). */
  trainSamples?: number;
  /** Test samples evaluated in the timed evaluate() call (default: the whole set). */
  evalSamples?: number;
  gpu?: WebgpuTrainerOptions;
}

/** Measured figures; rates count one sample of one replica as one sample. */
export interface MeasureResult {
  adapter: string;
  semantics: Semantics;
  replicas: number;
  workgroupSize: number;
  samplesPerDispatch: number;
  trainSamplesPerS: number;
  evalSamplesPerS: number;
  /** Per training sample of one replica (a dispatch serves all replicas). */
  trainDispatchesPerSample: number;
  trainSubmitsPerSample: number;
  evalDispatchesPerSample: number;
  evalSubmitsPerSample: number;
  /** mapAsync readbacks per evaluate() call. */
  readbacksPerEvaluate: number;
  /** Process CPU time per replica-sample, µs (Node only: SwiftShader runs WGSL on CPU threads of this process). */
  trainCpuUsPerSample: number | null;
  evalCpuUsPerSample: number | null;
  compileMs: number;
}

function cpuMs(): number | null {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return null;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function head(d: EncodedDataset, n: number): EncodedDataset {
  return n >= d.n ? d : { name: d.name, n, nIn: d.nIn, x: d.x.subarray(0, n * d.nIn), labels: d.labels.subarray(0, n) };
}

/** Times one train() call and one evaluate() call after a warm-up (pipelines compiled, data uploaded). */
export async function measureWebgpuNbp(ctx: GpuContext, train: EncodedDataset, test: EncodedDataset, options: MeasureOptions = {}): Promise<MeasureResult> {
  const semantics = options.semantics ?? 'loihi';
  const replicas = options.replicas ?? 1;
  const len = options.trainSamples ?? 2000;
  const evalSet = head(test, options.evalSamples ?? test.n);
  const shape: NbpShape = { nIn: train.nIn, nHid: 400, nOut: 10 };
  const initial = Array.from({ length: replicas }, (_, r) => glorotInit(shape, 1 + r));
  const trainer = await createWebgpuFusedTrainer({ shape, semantics, train, initial }, ctx, options.gpu);
  try {
    const orders = initial.map((_, r) => epochOrder(train.n, 1 + r, 0));
    await trainer.train(orders.map((o) => o.subarray(0, 16)));
    await trainer.evaluate(head(evalSet, 16));
    const s0 = trainer.stats();
    let c0 = cpuMs();
    let t0 = performance.now();
    await trainer.train(orders.map((o) => o.subarray(16, 16 + len)));
    const trainMs = performance.now() - t0;
    const trainCpu = c0 === null ? null : cpuMs()! - c0;
    const s1 = trainer.stats();
    c0 = cpuMs();
    t0 = performance.now();
    await trainer.evaluate(evalSet);
    const evalMs = performance.now() - t0;
    const evalCpu = c0 === null ? null : cpuMs()! - c0;
    const s2 = trainer.stats();
    const trainN = len * replicas;
    const evalN = evalSet.n * replicas;
    const a = ctx.summary;
    return {
      adapter: [a.vendor, a.architecture, a.device || a.description].filter(Boolean).join(' / '),
      semantics,
      replicas,
      workgroupSize: trainer.workgroupSize,
      samplesPerDispatch: trainer.samplesPerDispatch,
      trainSamplesPerS: trainN / (trainMs / 1000),
      evalSamplesPerS: evalN / (evalMs / 1000),
      trainDispatchesPerSample: (s1.trainDispatches - s0.trainDispatches) / trainN,
      trainSubmitsPerSample: (s1.trainSubmits - s0.trainSubmits) / trainN,
      evalDispatchesPerSample: (s2.evalDispatches - s1.evalDispatches) / evalN,
      evalSubmitsPerSample: (s2.evalSubmits - s1.evalSubmits) / evalN,
      readbacksPerEvaluate: s2.readbacks - s1.readbacks,
      trainCpuUsPerSample: trainCpu === null ? null : (trainCpu * 1000) / trainN,
      evalCpuUsPerSample: evalCpu === null ? null : (evalCpu * 1000) / evalN,
      compileMs: s2.compileMs,
    };
  } finally {
    trainer.dispose();
  }
}

/** Node convenience: MNIST from disk, a fresh device, the result printed as JSON. */
export async function measureFromDisk(options: MeasureOptions & { dataset?: 'mnist' | 'fashion' } = {}): Promise<MeasureResult> {
  // A non-literal specifier keeps the Node-only loader out of browser bundles of this module.
  const loader = '../../data/load.ts';
  const { loadDataset } = (await import(/* @vite-ignore */ loader)) as typeof import('../../data/load.ts');
  const { acquireGpu } = await import('../../backends/webgpu/device.ts');
  const name = options.dataset ?? 'mnist';
  const ctx = await acquireGpu();
  try {
    const result = await measureWebgpuNbp(ctx, loadDataset(name, 'train'), loadDataset(name, 'test'), options);
    console.log(JSON.stringify(result, null, 2));
    return result;
  } finally {
    ctx.destroy();
  }
}
