/** Picks the backend the circuit runs on; a WebGPU context passed in is reused instead of acquiring another. */
import type { Backend } from '../../backends/types.ts';
import type { GpuContext } from '../../backends/webgpu/device.ts';
import { getBackend } from '../../backends/index.ts';

// One backend (and so one pipeline cache) per device: training and evaluation share compiled pipelines.
const perDevice = new WeakMap<GpuContext, Promise<Backend>>();

/** The named backend, on `ctx`'s device when one is given for WebGPU. */
export async function loadBackend(name: 'cpu' | 'webgpu', ctx?: GpuContext): Promise<Backend> {
  if (name === 'webgpu' && ctx) {
    let backend = perDevice.get(ctx);
    if (!backend) {
      backend = import('../../backends/webgpu/index.ts').then((m) => m.createWebgpuBackend(ctx));
      perDevice.set(ctx, backend);
    }
    return backend;
  }
  return getBackend(name);
}
