/**
 * Host side of the two nBP kernel families (shaders/nbp_train.wgsl, shaders/nbp_infer.wgsl): params layouts,
 * explicit bind group layouts, pipelines and the packed sample format both kernels read.
 */
import type { EncodedDataset, NbpShape, Semantics } from '../types.ts';
import { packParams, paramsStruct, type ParamField } from '../../backends/webgpu/wgsl.ts';
import type { PipelineCache } from '../../backends/webgpu/pipelines.ts';

/** Outputs are bits of one u32 mask in the kernels. */
export const MAX_OUTPUTS = 32;
/** Hidden units form groups of 12 (one vec4<u32> of packed W1 per input row: 4 words of three 9-bit fields). */
export const UNITS_PER_GROUP = 12;
/** Bits per packed W1 field. */
const W1_FIELD_BITS = 9;
/** Unit groups one thread may own (GROUPS_MAX in the kernels). */
export const MAX_GROUPS_PER_THREAD = 4;
/** Packed W1 fields hold w + W1_OFFSET, so [−256, 254] becomes 0..510. */
export const W1_OFFSET = 256;
/** Metric tallies per replica written by nbp_infer, in this order. */
export const COUNT_FIELDS = ['spikes', 'membrane', 'exact', 'wrongBits', 'silent'] as const;

/** The params both kernels start with (sizes and layout), in struct order; see {@link shapeParamValues}. */
const SHAPE_PARAMS: readonly ParamField[] = [
  { name: 'nIn', type: 'u32' },
  { name: 'nHid', type: 'u32' },
  { name: 'nOut', type: 'u32' },
  { name: 'words', type: 'u32' },
  { name: 'dataStride', type: 'u32' },
  { name: 'replicas', type: 'u32' },
  { name: 'groups', type: 'u32' },
  { name: 'w1Stride', type: 'u32' },
  { name: 'w2Stride', type: 'u32' },
];

/** Params of nbp_train, in struct order. */
export const TRAIN_PARAMS: readonly ParamField[] = [
  ...SHAPE_PARAMS,
  { name: 'len', type: 'u32' },
  { name: 'samplesPerDispatch', type: 'u32' },
  { name: 'clipFirst', type: 'u32' },
  { name: 'derivHigh', type: 'i32' },
  { name: 'wMin', type: 'i32' },
  { name: 'wMax', type: 'i32' },
];

/** Params of nbp_infer, in struct order. */
export const INFER_PARAMS: readonly ParamField[] = [...SHAPE_PARAMS, { name: 'n', type: 'u32' }, { name: 'samplesPerBlock', type: 'u32' }];

/** Values of the params both kernels share, for a shape and a replica count. */
export function shapeParamValues(shape: NbpShape, replicas: number): Record<string, number> {
  const { nIn, nHid, nOut } = shape;
  return { nIn, nHid, nOut, words: inputWords(nIn), dataStride: sampleStride(nIn), replicas, ...weightLayout(shape) };
}

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
  /** vec4<i32> (16-byte) entries of W2 | P | M per replica: 3·nOut·groups·3 (see {@link packW2}). */
  w2Stride: number;
}

/** The weight layout of a shape. */
export function weightLayout(shape: NbpShape): WeightLayout {
  const groups = Math.ceil(shape.nHid / UNITS_PER_GROUP);
  return { groups, w1Stride: shape.nIn * groups, w2Stride: 3 * shape.nOut * groups * 3 };
}

/**
 * Hidden unit j as (group, quarter, component): unit u = j mod 12 of group j / 12 lives in component u % 4 of
 * quarter u / 4 (shaders/include/nbp_forward.wgsl).
 */
function unitSlot(j: number): { g: number; f: number; c: number } {
  const g = Math.floor(j / UNITS_PER_GROUP);
  const u = j - g * UNITS_PER_GROUP;
  return { g, f: u >>> 2, c: u & 3 };
}

/**
 * i32 index, in a replica's W2 | P | M block, of entry (j, k) of matrix `m` (0 = W2, 1 = P, 2 = M): output-major,
 * so that a thread's 12 units of one output are three vec4s, (k·groups + g)·3 + quarter.
 */
function w2Index(layout: WeightLayout, nOut: number, m: number, j: number, k: number): number {
  const { g, f, c } = unitSlot(j);
  return (((m * nOut + k) * layout.groups + g) * 3 + f) * 4 + c;
}

/** Packs W2, P, M (each nHid×nOut row-major) into the kernels' output-major vec4 layout; padding units hold 0. */
export function packW2(shape: NbpShape, mats: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>]): Int32Array<ArrayBuffer> {
  const { nHid, nOut } = shape;
  const layout = weightLayout(shape);
  const out = new Int32Array(layout.w2Stride * 4);
  mats.forEach((a, m) => {
    for (let j = 0; j < nHid; j++) for (let k = 0; k < nOut; k++) out[w2Index(layout, nOut, m, j, k)] = a[j * nOut + k]!;
  });
  return out;
}

/** Unpacks {@link packW2}'s format into W2, P, M (nHid×nOut row-major each). */
export function unpackW2(shape: NbpShape, packed: Int32Array): [Int32Array, Int32Array, Int32Array] {
  const { nHid, nOut } = shape;
  const layout = weightLayout(shape);
  const mats: [Int32Array, Int32Array, Int32Array] = [new Int32Array(nHid * nOut), new Int32Array(nHid * nOut), new Int32Array(nHid * nOut)];
  mats.forEach((a, m) => {
    for (let j = 0; j < nHid; j++) for (let k = 0; k < nOut; k++) a[j * nOut + k] = packed[w2Index(layout, nOut, m, j, k)]!;
  });
  return mats;
}

/** u32 index (in a replica's packed W1) and bit shift of entry (i, j). */
function w1Slot(groups: number, i: number, j: number): { word: number; shift: number } {
  const { g, f, c } = unitSlot(j);
  return { word: (i * groups + g) * 4 + c, shift: f * W1_FIELD_BITS };
}

/** Packs W1 (nIn×nHid, values in [−256, 254]) into 9-bit offset-binary fields, 12 units per 16 bytes. */
export function packW1(shape: NbpShape, W1: ArrayLike<number>): Uint32Array<ArrayBuffer> {
  const { nIn, nHid } = shape;
  const { groups } = weightLayout(shape);
  // Padding units hold weight 0 (256 in every field); the kernels never read them as units.
  const zero = (W1_OFFSET << (2 * W1_FIELD_BITS)) | (W1_OFFSET << W1_FIELD_BITS) | W1_OFFSET;
  const out = new Uint32Array(nIn * groups * 4).fill(zero);
  const mask = (1 << W1_FIELD_BITS) - 1;
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nHid; j++) {
      const { word, shift } = w1Slot(groups, i, j);
      const v = (W1[i * nHid + j]! + W1_OFFSET) & mask;
      out[word] = ((out[word]! & ~(mask << shift)) | (v << shift)) >>> 0;
    }
  }
  return out;
}

/** Unpacks W1 from {@link packW1}'s format. */
export function unpackW1(shape: NbpShape, packed: Uint32Array): Int32Array {
  const { nIn, nHid } = shape;
  const { groups } = weightLayout(shape);
  const mask = (1 << W1_FIELD_BITS) - 1;
  const W1 = new Int32Array(nIn * nHid);
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nHid; j++) {
      const { word, shift } = w1Slot(groups, i, j);
      W1[i * nHid + j] = ((packed[word]! >>> shift) & mask) - W1_OFFSET;
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

/**
 * Element counts of the weight arrays of all replicas, written into the kernels as fixed-size storage arrays:
 * for a runtime-sized array, the robustness clamp of every index needs arrayLength(), which SwiftShader
 * recomputes at each access with 4 integer divisions (about a third of a W1 row load).
 */
export interface WeightArraySizes {
  /** vec4<u32> entries of packed W1: replicas·w1Stride. */
  w1: number;
  /** vec4<i32> entries of W2 | P | M: replicas·w2Stride. */
  w2: number;
  /** u32 words of the packed training set (nbp_train only; inference sets vary). */
  trainData: number;
}

/** Builds (through the cache) the training pipeline of a semantics and the inference pipeline. */
export async function createNbpKernels(
  device: GPUDevice,
  cache: PipelineCache,
  semantics: Semantics,
  workgroupSize: number,
  sizes: WeightArraySizes,
): Promise<NbpKernels> {
  const trainLayout = device.createBindGroupLayout({
    label: 'nbp_train',
    entries: layoutEntries(['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage']),
  });
  const inferLayout = device.createBindGroupLayout({
    label: 'nbp_infer',
    entries: layoutEntries(['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage']),
  });
  const arrays = { W1_LEN: sizes.w1, W2_LEN: sizes.w2 };
  const [train, infer] = await Promise.all([
    cache.get(
      'nbp_train',
      { PARAMS: paramsStruct(TRAIN_PARAMS), NUMPY: semantics === 'numpy', ...arrays, DATA_LEN: sizes.trainData },
      device.createPipelineLayout({ label: 'nbp_train', bindGroupLayouts: [trainLayout] }),
      workgroupSize,
    ),
    cache.get(
      'nbp_infer',
      { PARAMS: paramsStruct(INFER_PARAMS), ...arrays },
      device.createPipelineLayout({ label: 'nbp_infer', bindGroupLayouts: [inferLayout] }),
      workgroupSize,
    ),
  ]);
  return { train: train.pipeline, trainLayout, infer: infer.pipeline, inferLayout, keys: [train.key, infer.key] };
}
