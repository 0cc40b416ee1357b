/** Backend selection by name; the WebGPU backend (and Dawn with it) is loaded only when asked for. */
import type { Backend } from './types.ts';
import { createCpuBackend } from './cpu/index.ts';

/** Names of the available backends. */
export type BackendName = 'cpu' | 'webgpu' | 'wasm';

/** What a `--backend` option for generic networks accepts: a backend, or 'auto' (see {@link selectSimulationBackend}). */
export type SimulationBackendChoice = BackendName | 'auto';

/** Returns the named backend; 'webgpu' acquires a GPU device (and fails if there is no adapter). */
export async function getBackend(name: BackendName): Promise<Backend> {
  switch (name) {
    case 'cpu':
      return createCpuBackend();
    case 'webgpu': {
      const { createWebgpuBackend } = await import('./webgpu/index.ts');
      return createWebgpuBackend();
    }
    case 'wasm': {
      const { createWasmBackend } = await import('./wasm/index.ts');
      return createWasmBackend();
    }
    default:
      throw new RangeError(`unknown backend '${String(name)}' (expected 'cpu', 'webgpu' or 'wasm')`);
  }
}

/** Releases the GPU device of a backend that holds one (the WebGPU backend's `ctx`); the CPU backend holds none. */
export function releaseBackend(backend: Backend): void {
  const ctx = (backend as Backend & { ctx?: { destroy?: () => void } }).ctx;
  ctx?.destroy?.();
}

/** A backend chosen for generic networks, and why. */
export interface SimulationBackendSelection {
  backend: Backend;
  reason: string;
}

/**
 * Resolves a backend choice for generic networks. 'auto' picks WebGPU on a hardware adapter and otherwise the wasm
 * engine (WebAssembly SIMD, worker threads over replicas): on a software adapter (SwiftShader, isFallbackAdapter)
 * WGSL runs on the CPU far slower than native code, and the wasm engine is several times faster than the plain
 * CPU oracle with the same results bit for bit (learning included). The reason says which and why.
 */
export async function selectSimulationBackend(choice: SimulationBackendChoice): Promise<SimulationBackendSelection> {
  if (choice !== 'auto') return { backend: await getBackend(choice), reason: `--backend ${choice}` };
  const { acquireGpu } = await import('./webgpu/device.ts');
  let ctx;
  try {
    ctx = await acquireGpu();
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    return { backend: await getBackend('wasm'), reason: `no WebGPU adapter (${msg}), using the wasm CPU engine` };
  }
  const desc = ctx.summary.description || `${ctx.summary.vendor} ${ctx.summary.device}`.trim() || 'unnamed adapter';
  if (ctx.summary.isFallbackAdapter) {
    ctx.destroy();
    return {
      backend: await getBackend('wasm'),
      reason: `the WebGPU adapter '${desc}' is a software fallback (isFallbackAdapter): WGSL would run on the CPU far slower than native code, so the wasm CPU engine runs instead (force with --backend webgpu)`,
    };
  }
  const { createWebgpuBackend } = await import('./webgpu/index.ts');
  return { backend: await createWebgpuBackend(ctx), reason: `hardware WebGPU adapter '${desc}'` };
}
