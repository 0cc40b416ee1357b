/** The Node benchmark environment: the same BenchEnv contract as env-browser.ts, on the `webgpu` package. */
import { acquireGpu, type GpuContext } from '../backends/webgpu/device.ts';
import type { BenchEnv } from './types.ts';
import { gitCommit, packageVersion } from '../util/package-info.ts';

/** The Node benchmark environment (the harness page builds its own); `release` destroys the device. */
export async function nodeBenchEnv(): Promise<BenchEnv & { release(): void }> {
  let ctx: Promise<GpuContext> | undefined;
  return {
    environment: 'node',
    gpu: () => (ctx ??= acquireGpu()),
    version: packageVersion(),
    commit: gitCommit(),
    log: (m) => console.error(m),
    release: () => void ctx?.then((c) => c.destroy()).catch(() => {}),
  };
}
