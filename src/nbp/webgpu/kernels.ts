/**
 * Host side of the two nBP kernel families (shaders/nbp_train.wgsl, shaders/nbp_infer.wgsl): params layouts,
 * explicit bind group layouts, pipelines and the packed sample format both kernels read.
 */
import type { EncodedDataset, NbpShape, Semantics } from '../types.ts';
import { packParams, paramsStruct, type ParamField } from '../../backends/webgpu/wgsl.ts';
import type { PipelineCache } from '../../backends/webgpu/pipelines.ts';

/** Outputs are bits of one u32 mask in the kernels. */
export const MAX_OUTPUTS = 32;
/** Hidden units form groups of 8 (one vec4<u32> of packed W1 per input row). */
export const UNITS_PER_GROUP = 8;
/** Unit groups one thread may own (GROUPS_MAX in the kernels). */
export const MAX_GROUPS_PER_THREAD = 4;
/** Packed W1 halves hold w + W1_OFFSET, so [−256, 254] becomes 0..510. */
export const W1_OFFSET = 256;
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
  { name: 'groups', type: 'u32' },
  { name: 'w1Stride', type: 'u32' },
  { name: 'w2Stride', type: 'u32' },
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
  { name: 'groups', type: 'u32' },
  { name: 'w1Stride', type: 'u32' },
  { name: 'w2Stride', type: 'u32' },
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

/** Where one replica's weights live in the two weight buffers. */
export interface WeightLayout {
  /** Groups of 8 hidden units (the last one padded). */
  groups: number;
  /** vec4<u32> (16-byte) entries of packed W1 per replica: nIn·groups. */
  w1Stride: number;
  /** i32 entries of W2 | P | M per replica. */
  w2Stride: number;
}

/** The weight layout of a shape. */
export function weightLayout(shape: NbpShape): WeightLayout {
  const groups = Math.ceil(shape.nHid / UNITS_PER_GROUP);
  return { groups, w1Stride: shape.nIn * groups, w2Stride: 3 * shape.nHid * shape.nOut };
}

/** Packs W1 (nIn×nHid, values in [−256, 254]) into 16-bit offset-binary halves, 8 units per 16 bytes. */
export function packW1(shape: NbpShape, W1: ArrayLike<number>): Uint32Array<ArrayBuffer> {
  const { nIn, nHid } = shape;
  const half = weightLayout(shape).groups * 4;
  // Padding units hold weight 0 (256); the kernels never read them as units.
  const out = new Uint32Array(nIn * half).fill((W1_OFFSET << 16) | W1_OFFSET);
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nHid; j++) {
      const e = i * half + (j >>> 1);
      const v = (W1[i * nHid + j]! + W1_OFFSET) & 0xffff;
      out[e] = j & 1 ? (out[e]! & 0xffff) | (v << 16) : (out[e]! & 0xffff0000) | v;
    }
  }
  return out;
}

/** Unpacks W1 from {@link packW1}'s format. */
export function unpackW1(shape: NbpShape, packed: Uint32Array): Int32Array {
  const { nIn, nHid } = shape;
  const half = weightLayout(shape).groups * 4;
  const W1 = new Int32Array(nIn * nHid);
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nHid; j++) {
      const word = packed[i * half + (j >>> 1)]!;
      W1[i * nHid + j] = ((j & 1 ? word >>> 16 : word) & 0xffff) - W1_OFFSET;
    }
  }
  return W1;
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
    entries: layoutEntries(['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage']),
  });
  const inferLayout = device.createBindGroupLayout({
    label: 'nbp_infer',
    entries: layoutEntries(['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage']),
  });
  const [train, infer] = await Promise.all([
    cache.get('nbp_train', { PARAMS: paramsStruct(TRAIN_PARAMS), NUMPY: semantics === 'numpy' },
      device.createPipelineLayout({ label: 'nbp_train', bindGroupLayouts: [trainLayout] }), workgroupSize),
    cache.get('nbp_infer', { PARAMS: paramsStruct(INFER_PARAMS) },
      device.createPipelineLayout({ label: 'nbp_infer', bindGroupLayouts: [inferLayout] }), workgroupSize),
  ]);
  return { train: train.pipeline, trainLayout, infer: infer.pipeline, inferLayout, keys: [train.key, infer.key] };
}
