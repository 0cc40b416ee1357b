/** Backend selection by name; the WebGPU backend (and Dawn with it) is loaded only when asked for. */
import type { Backend } from './types.ts';
import { createCpuBackend } from './cpu/index.ts';

/** Names of the available backends. */
export type BackendName = 'cpu' | 'webgpu';

/** Returns the named backend; 'webgpu' acquires a GPU device (and fails if there is no adapter). */
export async function getBackend(name: BackendName): Promise<Backend> {
  switch (name) {
    case 'cpu':
      return createCpuBackend();
    case 'webgpu': {
      const { createWebgpuBackend } = await import('./webgpu/index.ts');
      return createWebgpuBackend();
    }
    default:
      throw new RangeError(`unknown backend '${String(name)}' (expected 'cpu' or 'webgpu')`);
  }
}

/** Releases the GPU device of a backend that holds one (the WebGPU backend's `ctx`); the CPU backend holds none. */
export function releaseBackend(backend: Backend): void {
  const ctx = (backend as Backend & { ctx?: { destroy?: () => void } }).ctx;
  ctx?.destroy?.();
}
