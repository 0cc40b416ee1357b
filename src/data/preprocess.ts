/**
 * Input encoding exactly as the authors' code does it (nbp.md §1.1; lanl/spikingBackprop load_mnist.py and
 * input_data.py). Environment-neutral.
 */
import type { EncodedDataset } from './types.ts';
import type { ImageSet } from './idx.ts';

/**
 * A pixel is an active input iff its value is ≥ 129. The authors' arithmetic: skimage `resize` converts uint8 to
 * float (p/255), load_mnist then divides by 255 again, input_data multiplies by 256 and rounds to 2 decimals, and
 * the input is `0.5 < value`. So value = round(p·256/65025, 2): p = 128 gives 0.50393 → 0.5 (not > 0.5), p = 129
 * gives 0.50787 → 0.51. The same rule holds for Fashion-MNIST (threshold 0.5).
 */
export const PIXEL_ON = 129;

/** The authors' rule, computed their way (for tests): round(p/255/255·256, 2) > 0.5. */
export function authorsPixelOn(p: number): boolean {
  const value = Math.round((p / 255 / 255) * 256 * 100) / 100;
  return 0.5 < value;
}

/** The datasets synfire knows, with their encoding. */
export const DATASETS = {
  /** MNIST cropped 4 px on every side to 20×20: the 400-400-10 network ('MNIST20' in the authors' code). */
  mnist: { crop: 4, side: 20, nIn: 400 },
  /** Fashion-MNIST at 28×28: the 784-400-10 network ('FMNIST28'). */
  fashion: { crop: 0, side: 28, nIn: 784 },
} as const;

/** A dataset name accepted by `--dataset`. */
export type DatasetName = keyof typeof DATASETS;

/** Crops `crop` px from every border and binarizes with {@link PIXEL_ON}; x is row-major over the cropped image. */
export function encodeImages(set: ImageSet, crop: number, name: string): EncodedDataset {
  const side = set.rows - 2 * crop;
  const sideC = set.cols - 2 * crop;
  if (side <= 0 || sideC <= 0) throw new Error(`${name}: cannot crop ${crop} px from ${set.rows}×${set.cols} images`);
  const nIn = side * sideC;
  const x = new Uint8Array(set.n * nIn);
  const img = set.rows * set.cols;
  for (let s = 0; s < set.n; s++) {
    const src = s * img;
    let dst = s * nIn;
    for (let r = crop; r < set.rows - crop; r++) {
      const row = src + r * set.cols;
      for (let c = crop; c < set.cols - crop; c++) x[dst++] = set.pixels[row + c]! >= PIXEL_ON ? 1 : 0;
    }
  }
  return { name, n: set.n, nIn, x, labels: set.labels.slice() };
}

/** A dataset's active inputs per sample (CSR): sample s has inputs indices[offsets[s] .. offsets[s+1]). */
export interface ActiveLists {
  offsets: Uint32Array;
  indices: Uint16Array;
}

/** Lists the active inputs of every sample, in increasing input order. */
export function activeLists(data: EncodedDataset, makeBuffer: (bytes: number) => ArrayBufferLike = (b) => new ArrayBuffer(b)): ActiveLists {
  let total = 0;
  for (let i = 0; i < data.x.length; i++) total += data.x[i]!;
  const offsets = new Uint32Array(makeBuffer(4 * (data.n + 1)));
  const indices = new Uint16Array(makeBuffer(2 * Math.max(1, total)));
  let k = 0;
  for (let s = 0; s < data.n; s++) {
    offsets[s] = k;
    const base = s * data.nIn;
    for (let i = 0; i < data.nIn; i++) if (data.x[base + i]) indices[k++] = i;
  }
  offsets[data.n] = k;
  return { offsets, indices };
}
