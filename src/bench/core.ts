/**
 * `synfire bench core`: the engine on a Vogels–Abbott style random CUBA network (core-network.ts) at 4,000 and
 * 100,000 neurons (quick: 1,000 and 4,000), on the CPU oracle, the wasm engine and WebGPU in one run. Reports neuron-steps/s,
 * synaptic events/s, µs per step, dispatches and submits per step, bytes per synapse, compile ms and GPU time
 * (timestamp queries, null without them), and the webgpu/cpu and wasm/cpu speed ratios. All backends must produce the same
 * spikes (checked spike by spike); otherwise the benchmark fails. Environment-neutral.
 * Params: sizes=4000,100000  steps=N (default 1000 up to 10,000 neurons, else 200)  warmup=50  stepsPerSubmit=64  seed=1
 */
import type { BenchDefinition, BenchEnv, BenchOptions, BenchResult } from './types.ts';
import { coreNetwork } from './core-network.ts';
import { createGpuTimer } from '../backends/webgpu/gpu-timer.ts';
import { createCpuBackend } from '../backends/cpu/index.ts';
import { createWebgpuBackend } from '../backends/webgpu/index.ts';
import { createWasmBackend, type WasmSimulation } from '../backends/wasm/index.ts';
import type { Network } from '../network/types.ts';
import type { Simulation } from '../backends/types.ts';

const SYNAPSES_PER_NEURON = 80;

function intParam(params: Record<string, string> | undefined, name: string, fallback: number): number {
  const text = params?.[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`bench core: -p ${name}=${text} must be a positive integer`);
  return value;
}

function sizesParam(options: BenchOptions): number[] {
  const text = options.params?.sizes ?? (options.quick ? '1000,4000' : '4000,100000');
  const sizes = text.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new RangeError(`bench core: -p sizes=${text} must list integers >= 100`);
  return sizes;
}

/** What one measured run produced, besides the figures. */
interface Measured {
  result: BenchResult;
  spikes: Array<[number, number]>[];
  neuronStepsPerS: number;
}

/** All spikes of a simulation's replica 0, group by group. */
async function spikeLists(sim: Simulation, network: Network): Promise<Array<[number, number]>[]> {
  const [recording] = await sim.readRecording();
  return network.groups.map((g) => recording!.spikes[g.name] ?? []);
}

async function measure(
  backendName: 'cpu' | 'webgpu' | 'wasm',
  network: Network,
  sizes: Record<string, number>,
  counts: { steps: number; warmup: number; stepsPerSubmit: number },
  env: BenchEnv,
): Promise<Measured> {
  const { steps, warmup, stepsPerSubmit } = counts;
  const neurons = sizes.neurons!;
  let adapter: string | null = null;
  let gpu: { compileMs: () => number; timerRead: () => Promise<number | null>; destroy: () => void } | undefined;
  let backend;
  if (backendName === 'webgpu') {
    const ctx = await env.gpu();
    const timer = createGpuTimer(ctx, Math.ceil(Math.max(steps, warmup) / stepsPerSubmit) + 2);
    // A fresh backend (and pipeline cache) per configuration, so compile time is measured every time.
    const webgpu = await createWebgpuBackend(ctx, { timer });
    backend = webgpu;
    gpu = { compileMs: () => webgpu.pipelines.compileMs, timerRead: () => timer.read(), destroy: () => timer.destroy() };
    const s = ctx.summary;
    adapter = [s.vendor, s.architecture, s.device].filter(Boolean).join(' / ') || s.description || 'unknown';
  } else if (backendName === 'wasm') {
    backend = createWasmBackend();
  } else {
    backend = createCpuBackend();
  }
  const setupStart = performance.now();
  const sim = await backend.create(network, { recording: { spikes: 'all' }, stepsPerSubmit });
  const setupMs = performance.now() - setupStart;
  try {
    env.log(`  ${backendName} ${neurons} neurons: warm-up ${warmup} steps`);
    await sim.run(warmup);
    sim.clearRecording();
    await gpu?.timerRead();
    env.log(`  ${backendName} ${neurons} neurons: ${steps} steps`);
    const before = sim.stats();
    const start = performance.now();
    await sim.run(steps);
    const seconds = (performance.now() - start) / 1000;
    const after = sim.stats();
    const gpuMs = gpu ? await gpu.timerRead() : null;
    const spikes = await spikeLists(sim, network);
    const spikeCount = spikes.reduce((n, s) => n + s.length, 0);
    const neuronStepsPerS = (neurons * steps) / seconds;
    const result: BenchResult = {
      benchmark: 'core',
      sizes,
      backend: backendName,
      environment: env.environment,
      adapter,
      neuronStepsPerS,
      synapticEventsPerS: (after.synapticEvents - before.synapticEvents) / seconds,
      usPerStep: (seconds * 1e6) / steps,
      version: env.version,
      commit: env.commit,
      extra: { spikesPerNeuronStep: spikeCount / (neurons * steps), setupMs: Math.round(setupMs), steps },
    };
    if (backendName === 'webgpu') {
      const webgpuSim = sim as Simulation & { bytesPerSynapse(): number; strategies(): Record<string, string> };
      result.dispatchesPerStep = (after.dispatches - before.dispatches) / steps;
      result.submitsPerStep = (after.submits - before.submits) / steps;
      result.gpuMsPerStep = gpuMs === null ? null : gpuMs / steps;
      result.compileMs = Math.round(gpu!.compileMs());
      result.bytesPerSynapse = webgpuSim.bytesPerSynapse();
      result.extra!.strategy = [...new Set(Object.values(webgpuSim.strategies()))].join('+');
      result.extra!.stepsPerSubmit = stepsPerSubmit;
    }
    if (backendName === 'wasm') {
      // Worker threads in use and what they split: replicas, or one replica's compartments (0: this thread).
      const layout = (sim as WasmSimulation).layout();
      result.extra!.threads = layout.threads;
      result.extra!.split = layout.split;
    }
    return { result, spikes, neuronStepsPerS };
  } finally {
    sim.dispose();
    gpu?.destroy();
  }
}

/** Describes the first difference between two backends' spikes, or returns null. */
function spikeDifference(a: Array<[number, number]>[], b: Array<[number, number]>[], groups: string[], other = 'webgpu'): string | null {
  for (let g = 0; g < groups.length; g++) {
    const [x, y] = [a[g]!, b[g]!];
    if (x.length !== y.length) return `group '${groups[g]}': cpu ${x.length} spikes, ${other} ${y.length}`;
    const i = x.findIndex(([s, k], n) => s !== y[n]![0] || k !== y[n]![1]);
    if (i >= 0) return `group '${groups[g]}': spike #${i} cpu [${x[i]}] ${other} [${y[i]}]`;
  }
  return null;
}

const core: BenchDefinition = {
  name: 'core',
  description: 'random CUBA network (80% exc / 20% inh, 80 synapses per neuron): neuron-steps/s and synaptic events/s, cpu vs wasm vs webgpu',
  async run(options, env) {
    const backends = options.backends ?? ['cpu', 'wasm', 'webgpu'];
    const seed = intParam(options.params, 'seed', 1);
    const warmup = intParam(options.params, 'warmup', options.quick ? 20 : 50);
    const stepsPerSubmit = intParam(options.params, 'stepsPerSubmit', 64);
    const results: BenchResult[] = [];
    for (const neurons of sizesParam(options)) {
      const steps = intParam(options.params, 'steps', options.quick ? 100 : neurons <= 10_000 ? 1000 : 200);
      env.log(`bench core: ${neurons} neurons, ${SYNAPSES_PER_NEURON} synapses each`);
      const network = coreNetwork({ neurons, synapsesPerNeuron: SYNAPSES_PER_NEURON, seed });
      const sizes = { neurons, synapsesPerNeuron: SYNAPSES_PER_NEURON };
      const measured = new Map<string, Measured>();
      for (const name of backends) measured.set(name, await measure(name, network, sizes, { steps, warmup, stepsPerSubmit }, env));
      const cpu = measured.get('cpu');
      const webgpu = measured.get('webgpu');
      if (cpu && webgpu) {
        const diff = spikeDifference(
          cpu.spikes,
          webgpu.spikes,
          network.groups.map((g) => g.name),
        );
        if (diff) throw new Error(`bench core (${neurons} neurons): the backends disagree: ${diff}`);
        webgpu.result.extra!.speedRatio = webgpu.neuronStepsPerS / cpu.neuronStepsPerS;
      }
      const wasm = measured.get('wasm');
      if (cpu && wasm) {
        const diff = spikeDifference(
          cpu.spikes,
          wasm.spikes,
          network.groups.map((g) => g.name),
          'wasm',
        );
        if (diff) throw new Error(`bench core (${neurons} neurons): the backends disagree: ${diff}`);
        wasm.result.extra!.speedRatio = wasm.neuronStepsPerS / cpu.neuronStepsPerS;
      }
      for (const m of measured.values()) results.push(m.result);
    }
    return results;
  },
};

export default core;
