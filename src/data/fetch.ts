/**
 * Loads a dataset over HTTP (browser pages; environment-neutral): the same IDX files and encoding as ./load.ts,
 * fetched from a base URL such as `/data/mnist/`, trying the plain name first and then `.gz`.
 */
import type { EncodedDataset } from './types.ts';
import { imageSet, parseIdx } from './idx.ts';
import { DATASETS, encodeImages, type DatasetName } from './preprocess.ts';

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function fetchIdx(baseUrl: string, name: string) {
  for (const suffix of ['', '.gz']) {
    const url = `${baseUrl.replace(/\/?$/, '/')}${name}${suffix}`;
    const res = await fetch(url);
    if (!res.ok) continue;
    let bytes: Uint8Array = new Uint8Array(await res.arrayBuffer());
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzip(bytes);
    return { idx: parseIdx(bytes, url), url };
  }
  throw new Error(`${baseUrl}${name}[.gz] could not be fetched (does the page serve the dataset there?)`);
}

/** Fetches and encodes a split of a dataset from `baseUrl`. */
export async function fetchDataset(name: DatasetName, split: 'train' | 'test', baseUrl: string): Promise<EncodedDataset> {
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = await fetchIdx(baseUrl, `${prefix}-images-idx3-ubyte`);
  const labels = await fetchIdx(baseUrl, `${prefix}-labels-idx1-ubyte`);
  return encodeImages(imageSet(images.idx, labels.idx, images.url, labels.url), DATASETS[name].crop, `${name}-${split}`);
}
