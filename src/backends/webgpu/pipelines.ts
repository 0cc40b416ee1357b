/**
 * Compute pipeline cache keyed by variant: `family[flag,flag=value]:wgN`. Equal keys mean equal WGSL text.
 * It stores the promise from createComputePipelineAsync, so concurrent requests share one compile.
 * SYNFIRE_DEBUG_WGSL=<regex> prints the final WGSL of matching keys.
 */
import { shaderText, type Variant } from './wgsl.ts';

/** Builds the cache key of a variant: family, flags in a fixed (sorted) order, workgroup size. */
export function pipelineKey(family: string, variant: Variant, workgroupSize: number): string {
  const flags = Object.keys(variant)
    .filter((k) => k !== 'PARAMS')
    .sort()
    .map((k) => (variant[k] === true ? k : variant[k] === false ? `!${k}` : `${k}=${variant[k]}`));
  return `${family}[${flags.join(',')}]:wg${workgroupSize}`;
}

/** A pipeline together with the key that labels it. */
export interface CachedPipeline {
  key: string;
  pipeline: GPUComputePipeline;
  /** Milliseconds spent compiling (0 when it came from the cache). */
  compileMs: number;
}

/** Per-device cache of compute pipelines. */
export class PipelineCache {
  private readonly entries = new Map<string, Promise<GPUComputePipeline>>();
  /** Total milliseconds spent in pipeline compilation through this cache. */
  compileMs = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Returns (compiling at most once) the pipeline of `family` for `variant`, with an explicit layout. */
  async get(family: string, variant: Variant, layout: GPUPipelineLayout | 'auto', workgroupSize = 64): Promise<CachedPipeline> {
    const key = pipelineKey(family, variant, workgroupSize);
    const hit = this.entries.get(key);
    if (hit) return { key, pipeline: await hit, compileMs: 0 };
    const code = shaderText(family, variant);
    const debug = typeof process !== 'undefined' ? process.env?.SYNFIRE_DEBUG_WGSL : undefined;
    if (debug && new RegExp(debug).test(key)) console.error(`// ${key}\n${code}`);
    const start = performance.now();
    const module = this.device.createShaderModule({ label: key, code });
    const promise = this.device.createComputePipelineAsync({
      label: key,
      layout,
      compute: { module, entryPoint: 'main', constants: { WG: workgroupSize } },
    });
    this.entries.set(key, promise);
    let pipeline: GPUComputePipeline;
    try {
      pipeline = await promise;
    } catch (err) {
      this.entries.delete(key);
      const info = await module.getCompilationInfo();
      const msgs = info.messages.map((m) => `${m.type} at ${m.lineNum}:${m.linePos}: ${m.message}`).join('\n');
      throw new Error(`pipeline ${key} failed to compile: ${(err as Error).message}\n${msgs}`);
    }
    const ms = performance.now() - start;
    this.compileMs += ms;
    return { key, pipeline, compileMs: ms };
  }
}
