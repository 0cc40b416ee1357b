/**
 * Backend choice and engine construction for `synfire train`, `synfire eval` and the nbp benchmark.
 * `--backend auto` picks WebGPU only on a hardware adapter: on a software adapter (SwiftShader, isFallbackAdapter)
 * WGSL runs on the CPU far slower than the native CPU engine. Engines other than the CPU fused trainer are loaded
 * lazily, so a missing or broken one only matters when it is asked for.
 */
import type { GpuContext } from '../backends/webgpu/device.ts';
import type { FusedTrainer, FusedTrainerOptions } from './types.ts';
import { createCpuFusedTrainer } from './fused-cpu.ts';

/** What `--backend` accepts. */
export type BackendChoice = 'auto' | 'cpu' | 'webgpu';
/** What `--engine` accepts. */
export type EngineName = 'fused' | 'circuit';

/** The backend that will run, why, and (for WebGPU) its device. */
export interface BackendSelection {
  backend: 'cpu' | 'webgpu';
  reason: string;
  ctx?: GpuContext;
}

/** What src/nbp/webgpu/trainer.ts exports (the part used here). */
export interface WebgpuTrainerModule {
  createWebgpuFusedTrainer(opts: FusedTrainerOptions, ctx?: GpuContext): Promise<FusedTrainer>;
}

/** What src/nbp/circuit/engine.ts must export for `--engine circuit` (same trainer contract, whole circuit inside). */
export interface CircuitEngineModule {
  createCircuitTrainer(opts: FusedTrainerOptions, env: { backend: 'cpu' | 'webgpu'; ctx?: GpuContext; threads?: number }): Promise<FusedTrainer>;
}

/** Resolves --backend: auto = WebGPU on a hardware adapter, else the CPU engine; says why. */
export async function selectBackend(requested: BackendChoice, acquire: () => Promise<GpuContext>): Promise<BackendSelection> {
  if (requested === 'cpu') return { backend: 'cpu', reason: '--backend cpu' };
  let ctx: GpuContext;
  try {
    ctx = await acquire();
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    if (requested === 'webgpu') throw new Error(`--backend webgpu: no WebGPU adapter (${msg})`);
    return { backend: 'cpu', reason: `no WebGPU adapter (${msg}), using the CPU engine` };
  }
  const desc = ctx.summary.description || `${ctx.summary.vendor} ${ctx.summary.device}`.trim() || 'unnamed adapter';
  if (requested === 'webgpu') {
    const note = ctx.summary.isFallbackAdapter ? ' (a software adapter: expect it to be far slower than --backend cpu)' : '';
    return { backend: 'webgpu', reason: `--backend webgpu on ${desc}${note}`, ctx };
  }
  if (ctx.summary.isFallbackAdapter) {
    ctx.destroy();
    return {
      backend: 'cpu',
      reason: `the WebGPU adapter '${desc}' is a software fallback (isFallbackAdapter): WGSL would run on the CPU far slower than native code, so the CPU engine runs instead (force with --backend webgpu)`,
    };
  }
  return { backend: 'webgpu', reason: `hardware WebGPU adapter '${desc}'`, ctx };
}

// The circuit engine belongs to another part of synfire: a non-literal specifier loads it only when chosen.
const CIRCUIT_ENGINE = './circuit/engine.ts';

async function load<T>(spec: string, what: string): Promise<T> {
  try {
    return (await import(spec)) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(spec.slice(2))) {
      throw new Error(`${what} is not available in this build (src/nbp/${spec.slice(2)} is missing)`);
    }
    throw err;
  }
}

/** Creates the trainer for an engine on a selected backend. */
export async function createTrainer(engine: EngineName, sel: BackendSelection, opts: FusedTrainerOptions, threads: number): Promise<FusedTrainer> {
  if (engine === 'circuit') {
    const mod = await load<CircuitEngineModule>(CIRCUIT_ENGINE, 'the circuit engine (--engine circuit)');
    return mod.createCircuitTrainer(opts, sel.ctx ? { backend: sel.backend, ctx: sel.ctx, threads } : { backend: sel.backend, threads });
  }
  if (sel.backend === 'webgpu') {
    const mod: WebgpuTrainerModule = await import('./webgpu/trainer.ts');
    return mod.createWebgpuFusedTrainer(opts, sel.ctx);
  }
  return createCpuFusedTrainer(opts, { threads });
}

/** Worker threads for R replicas on this machine: one per replica, at least one per core (up to 8), none on 1 core. */
export async function defaultThreads(replicas: number): Promise<number> {
  if (typeof process === 'undefined' || !process.versions?.node) return 0;
  const { availableParallelism } = await import('node:os');
  const cores = availableParallelism();
  return cores <= 1 ? 0 : Math.max(replicas, Math.min(cores, 8));
}
