/**
 * Host side of the two nBP kernel families (shaders/nbp_train.wgsl, shaders/nbp_infer.wgsl): params layouts,
 * explicit bind group layouts, pipelines and the packed sample format both kernels read.
 */
import type { EncodedDataset, NbpShape, Semantics } from '../types.ts';
import { packParams, paramsStruct, type ParamField } from '../../backends/webgpu/wgsl.ts';
import type { PipelineCache } from '../../backends/webgpu/pipelines.ts';

/** Outputs are bits of one u32 mask in the kernels. */
export const MAX_OUTPUTS = 32;
/** Hidden units per thread are 2 flag bits each of one u32 in nbp_train. */
export const MAX_UNITS_PER_THREAD = 16;
/** Metric tallies per replica written by nbp_infer, in this order. */
export const COUNT_FIELDS = ['spikes', 'membrane', 'exact', 'wrongBits', 'silent'] as const;

/** Params of nbp_train, in struct order. */
export const TRAIN_PARAMS: readonly ParamField[] = [
  { name: 'nIn', type: 'u32' },
  { name: 'nHid', type: 'u32' },
  { name: 'nOut', type: 'u32' },
  { name: 'words', type: 'u32' },
  { name: 'dataStride', type: 'u32' },
  { name: 'replicas', type: 'u32' },
  { name: 'weightStride', type: 'u32' },
  { name: 'len', type: 'u32' },
  { name: 'samplesPerDispatch', type: 'u32' },
  { name: 'clipFirst', type: 'u32' },
  { name: 'derivHigh', type: 'i32' },
  { name: 'wMin', type: 'i32' },
  { name: 'wMax', type: 'i32' },
];

/** Params of nbp_infer, in struct order. */
export const INFER_PARAMS: readonly ParamField[] = [
  { name: 'nIn', type: 'u32' },
  { name: 'nHid', type: 'u32' },
  { name: 'nOut', type: 'u32' },
  { name: 'words', type: 'u32' },
  { name: 'dataStride', type: 'u32' },
  { name: 'replicas', type: 'u32' },
  { name: 'weightStride', type: 'u32' },
  { name: 'n', type: 'u32' },
  { name: 'samplesPerBlock', type: 'u32' },
];

/** Packs params for nbp_train (copied onto a plain ArrayBuffer, as writeBuffer wants). */
export function packTrainParams(values: Readonly<Record<string, number>>): Int32Array<ArrayBuffer> {
  return new Int32Array(packParams(TRAIN_PARAMS, values));
}

/** Packs params for nbp_infer. */
export function packInferParams(values: Readonly<Record<string, number>>): Int32Array<ArrayBuffer> {
  return new Int32Array(packParams(INFER_PARAMS, values));
}

/** 32-bit words of input bits per sample. */
export function inputWords(nIn: number): number {
  return Math.ceil(nIn / 32);
}

/** u32 words per packed sample: the label, then the input bits (bit i%32 of word i/32 is input i). */
export function sampleStride(nIn: number): number {
  return 1 + inputWords(nIn);
}

/** Packs a dataset for the kernels; labels must be outputs of the network. */
export function packSamples(data: EncodedDataset, nOut: number): Uint32Array<ArrayBuffer> {
  const { n, nIn } = data;
  const stride = sampleStride(nIn);
  const out = new Uint32Array(Math.max(1, n * stride));
  for (let s = 0; s < n; s++) {
    const label = data.labels[s]!;
    if (label >= nOut) throw new Error(`${data.name}: labels[${s}] = ${label} is outside the outputs 0..${nOut - 1}`);
    const base = s * stride;
    out[base] = label;
    const x = s * nIn;
    for (let i = 0; i < nIn; i++) if (data.x[x + i]) out[base + 1 + (i >>> 5)]! |= 1 << (i & 31);
  }
  return out;
}

/** i32 entries of one replica's weights: W1 | W2 | P | M. */
export function weightStride(shape: NbpShape): number {
  return shape.nIn * shape.nHid + 3 * shape.nHid * shape.nOut;
}

/** Compiled pipelines and their bind group layouts. */
export interface NbpKernels {
  train: GPUComputePipeline;
  trainLayout: GPUBindGroupLayout;
  infer: GPUComputePipeline;
  inferLayout: GPUBindGroupLayout;
  /** Pipeline keys, for diagnostics. */
  keys: string[];
}

function layoutEntries(kinds: ReadonlyArray<GPUBufferBindingType>): GPUBindGroupLayoutEntry[] {
  return kinds.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } }));
}

/** Builds (through the cache) the training pipeline of a semantics and the inference pipeline. */
export async function createNbpKernels(device: GPUDevice, cache: PipelineCache, semantics: Semantics, workgroupSize: number): Promise<NbpKernels> {
  const trainLayout = device.createBindGroupLayout({
    label: 'nbp_train',
    entries: layoutEntries(['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage']),
  });
  const inferLayout = device.createBindGroupLayout({
    label: 'nbp_infer',
    entries: layoutEntries(['uniform', 'read-only-storage', 'read-only-storage', 'storage']),
  });
  const [train, infer] = await Promise.all([
    cache.get('nbp_train', { PARAMS: paramsStruct(TRAIN_PARAMS), NUMPY: semantics === 'numpy' },
      device.createPipelineLayout({ label: 'nbp_train', bindGroupLayouts: [trainLayout] }), workgroupSize),
    cache.get('nbp_infer', { PARAMS: paramsStruct(INFER_PARAMS) },
      device.createPipelineLayout({ label: 'nbp_infer', bindGroupLayouts: [inferLayout] }), workgroupSize),
  ]);
  return { train: train.pipeline, trainLayout, infer: infer.pipeline, inferLayout, keys: [train.key, infer.key] };
}
