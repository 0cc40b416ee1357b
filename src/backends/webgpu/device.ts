/**
 * WebGPU device acquisition, the one place that differs between Node and the browser.
 * Node: Dawn from the `webgpu` package, pointed at SwiftShader when the user has chosen no Vulkan driver.
 * Browser: `navigator.gpu`.
 */

/** Where SwiftShader's Vulkan ICD lives on Debian (from the `chromium` package). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Thrown when no WebGPU adapter can be had; its message says what to install. */
export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
}

/** Adapter identity and capabilities, as printed by `synfire info` and recorded in benchmark results. */
export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader): WGSL then runs on the CPU, slower than native code. */
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
  environment: 'node' | 'browser';
}

/** A device together with the objects that must stay referenced while it is in use. */
export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** The GPU entry object. In Node it must stay referenced, or Dawn crashes when it is collected. */
  gpu: GPU;
  summary: AdapterSummary;
  /** Whether the device was created with the `timestamp-query` feature. */
  hasTimestamps: boolean;
  /** Releases the device (and in Node, lets the process exit). */
  destroy(): void;
}

/** Options for {@link acquireGpu}. */
export interface AcquireOptions {
  /** Prefer a low-power or high-performance adapter. */
  powerPreference?: GPUPowerPreference;
  /** Request timestamp queries when the adapter offers them (default true). */
  timestamps?: boolean;
  /** Use this GPU object instead of discovering one (e.g. `navigator.gpu` passed in by a page). */
  gpu?: GPU;
  /**
   * Node only: flags for Dawn's `create()` (e.g. 'disable-dawn-features=timestamp_quantization'). They take effect
   * when the process's GPU object is first created; a later call with other flags throws.
   */
  dawnFlags?: string[];
}

const LIMITS_TO_RAISE = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

function isNode(): boolean {
  return typeof process !== 'undefined' && !!process.versions?.node;
}

// Dawn's GPU object for the life of the process: collecting it crashes Dawn (webgpu-setup.md, gotcha 1).
let nodeGpu: GPU | undefined;
let nodeGpuFlags = '';

async function nodeGpuObject(flags: string[] = []): Promise<GPU> {
  if (nodeGpu) {
    if (flags.length && flags.join('\n') !== nodeGpuFlags) {
      throw new Error(
        `acquireGpu: Dawn flags [${flags.join(', ')}] asked for after the GPU object was created with [${nodeGpuFlags.split('\n').join(', ')}]`,
      );
    }
    return nodeGpu;
  }
  const env = process.env;
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && !env.VK_ADD_DRIVER_FILES) {
    const fs = await import('node:fs');
    if (fs.existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const moduleName = 'webgpu';
  const webgpu = (await import(/* @vite-ignore */ moduleName)) as { create(opts: string[]): GPU; globals: object };
  Object.assign(globalThis, webgpu.globals);
  nodeGpu = webgpu.create(flags);
  nodeGpuFlags = flags.join('\n');
  return nodeGpu;
}

function noAdapterMessage(environment: 'node' | 'browser'): string {
  if (environment === 'browser') {
    return (
      'no WebGPU adapter: navigator.gpu.requestAdapter() returned null. Start Chromium with --enable-unsafe-webgpu ' +
      '(and --no-sandbox as root), serve the page from http://127.0.0.1 (a secure context), or use the CPU backend.'
    );
  }
  return (
    'no WebGPU adapter: Dawn found no Vulkan driver. On Debian install SwiftShader and the Vulkan loader with ' +
    "'apt-get install chromium libvulkan1' (or run scripts/install.sh), or point VK_ICD_FILENAMES at a Vulkan ICD. " +
    'The CPU backend (--backend cpu) works without a GPU.'
  );
}

/** Summarises an adapter's identity, features and limits. */
export function summarizeAdapter(adapter: GPUAdapter, environment: 'node' | 'browser'): AdapterSummary {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  // GPUSupportedLimits exposes its fields as prototype getters, so walk the prototype.
  const proto = Object.getPrototypeOf(adapter.limits) as object;
  for (const key of Object.keys(Object.getOwnPropertyDescriptors(proto))) {
    const value = (adapter.limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') limits[key] = value;
  }
  const fallback =
    (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
    false;
  const software = /swiftshader|llvmpipe|lavapipe/i.test(`${info.architecture} ${info.device} ${info.description}`);
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: fallback || software,
    features: [...adapter.features].sort(),
    limits,
    environment,
  };
}

/** Acquires a WebGPU device in Node or in a browser; throws {@link NoAdapterError} with install advice if none. */
export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const environment: 'node' | 'browser' = options.gpu || !isNode() ? 'browser' : 'node';
  let gpu: GPU | undefined = options.gpu;
  if (!gpu) {
    if (environment === 'node') gpu = await nodeGpuObject(options.dawnFlags);
    else gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  }
  if (!gpu) throw new NoAdapterError(noAdapterMessage(environment));
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new NoAdapterError(noAdapterMessage(environment));
  const requiredLimits: Record<string, number> = {};
  for (const key of LIMITS_TO_RAISE) {
    const value = (adapter.limits as unknown as Record<string, number>)[key];
    if (typeof value === 'number') requiredLimits[key] = value;
  }
  const hasTimestamps = (options.timestamps ?? true) && adapter.features.has('timestamp-query');
  const requiredFeatures: GPUFeatureName[] = hasTimestamps ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  device.addEventListener('uncapturederror', (event) => {
    console.error(`WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message}`);
  });
  return {
    device,
    adapter,
    gpu,
    summary: summarizeAdapter(adapter, environment),
    hasTimestamps,
    destroy() {
      device.destroy();
    },
  };
}
