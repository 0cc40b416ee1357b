/** The browser benchmark environment: the same BenchEnv contract as the CLI's, on `navigator.gpu`. */
import { acquireGpu, type GpuContext } from '../backends/webgpu/device.ts';
import type { BenchEnv } from './types.ts';

/** What the page learns from its runner (the browser cannot read package.json or git). */
export interface BrowserEnvOptions {
  version: string;
  commit: string | null;
  /** The page's GPU object; default `navigator.gpu`. */
  gpu?: GPU;
  log?: (message: string) => void;
}

/** Builds a BenchEnv for a page; `release` destroys the device once the run is over. */
export function browserBenchEnv(options: BrowserEnvOptions): BenchEnv & { release(): void } {
  let ctx: Promise<GpuContext> | undefined;
  const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  return {
    environment: 'browser',
    // acquireGpu with an explicit GPU object never touches the Node path, and throws with advice when gpu is missing.
    gpu: () => (ctx ??= gpu ? acquireGpu({ gpu }) : acquireGpu()),
    version: options.version,
    commit: options.commit,
    log: options.log ?? ((m) => console.log(m)),
    release: () => void ctx?.then((c) => c.destroy()).catch(() => {}),
  };
}
