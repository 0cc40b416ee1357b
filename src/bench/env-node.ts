/** The Node benchmark environment: the same BenchEnv contract as env-browser.ts, on the `webgpu` package. */
import { execFileSync } from 'node:child_process';
import { acquireGpu, type GpuContext } from '../backends/webgpu/device.ts';
import type { BenchEnv } from './types.ts';

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The Node benchmark environment (the harness page builds its own); `release` destroys the device. */
export async function nodeBenchEnv(): Promise<BenchEnv & { release(): void }> {
  const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
  let ctx: Promise<GpuContext> | undefined;
  return {
    environment: 'node',
    gpu: () => (ctx ??= acquireGpu()),
    version: pkg.version,
    commit: gitCommit(),
    log: (m) => console.error(m),
    release: () => void ctx?.then((c) => c.destroy()).catch(() => {}),
  };
}
