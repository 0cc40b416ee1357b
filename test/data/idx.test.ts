import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, imageSet, parseIdx } from '../../src/data/idx.ts';
import { loadDataset, readIdxFile } from '../../src/data/load.ts';
import { syntheticImages, writeSyntheticDataDir } from './fixtures.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'synfire-idx-'));

describe('parseIdx', () => {
  it('reads dimensions and data of a valid file', () => {
    const data = Uint8Array.from({ length: 24 }, (_, i) => i);
    const idx = parseIdx(encodeIdx([2, 3, 4], data), 'ok.idx');
    expect(idx.dims).toEqual([2, 3, 4]);
    expect(Array.from(idx.data)).toEqual(Array.from(data));
  });

  it('rejects a bad magic number, naming the file', () => {
    const bytes = encodeIdx([2], Uint8Array.of(1, 2));
    bytes[0] = 0x1f;
    expect(() => parseIdx(bytes, 'bad-magic.idx')).toThrow(/bad-magic\.idx: not an IDX file \(magic bytes 1f 00 08 01/);
  });

  it('rejects an element type other than unsigned byte', () => {
    const bytes = encodeIdx([2], Uint8Array.of(1, 2));
    bytes[2] = 0x0d;
    expect(() => parseIdx(bytes, 'float.idx')).toThrow(/float\.idx: IDX element type 0x0d \(float\) is not supported/);
  });

  it('rejects zero or too many dimensions', () => {
    const bytes = encodeIdx([2], Uint8Array.of(1, 2));
    bytes[3] = 0;
    expect(() => parseIdx(bytes, 'dims.idx')).toThrow(/dims\.idx: IDX header gives 0 dimensions/);
    expect(() => parseIdx(encodeIdx([2, 0], new Uint8Array(0)), 'zero.idx')).toThrow(/zero\.idx: IDX dimension 1 is 0/);
  });

  it('rejects truncated headers and data with the sizes involved', () => {
    const full = encodeIdx([3, 28, 28], new Uint8Array(3 * 784));
    expect(() => parseIdx(full.subarray(0, 2), 't.idx')).toThrow(/t\.idx: truncated IDX file \(2 bytes/);
    expect(() => parseIdx(full.subarray(0, 10), 't.idx')).toThrow(/t\.idx: truncated IDX header \(10 bytes, need 16/);
    expect(() => parseIdx(full.subarray(0, full.length - 5), 't.idx')).toThrow(
      /t\.idx: truncated IDX file: header says 3×28×28 = 2352 bytes of data, the file has 2347/,
    );
  });

  it('rejects trailing bytes', () => {
    const bytes = new Uint8Array([...encodeIdx([2], Uint8Array.of(1, 2)), 9, 9]);
    expect(() => parseIdx(bytes, 'long.idx')).toThrow(/long\.idx: IDX file has 2 bytes after the 2 data/);
  });
});

describe('imageSet', () => {
  const images = parseIdx(encodeIdx([2, 28, 28], new Uint8Array(2 * 784)), 'img');
  it('pairs images and labels', () => {
    const set = imageSet(images, parseIdx(encodeIdx([2], Uint8Array.of(3, 9)), 'lab'), 'img', 'lab');
    expect(set).toMatchObject({ n: 2, rows: 28, cols: 28 });
  });
  it('rejects mismatched counts, bad labels and wrong dimensions', () => {
    expect(() => imageSet(images, parseIdx(encodeIdx([3], Uint8Array.of(1, 2, 3)), 'lab'), 'img', 'lab')).toThrow(
      /lab: has 3 labels but img has 2 images/,
    );
    expect(() => imageSet(images, parseIdx(encodeIdx([2], Uint8Array.of(1, 10)), 'lab'), 'img', 'lab')).toThrow(
      /lab: label 1 is 10; expected 0\.\.9/,
    );
    expect(() => imageSet(parseIdx(encodeIdx([2, 784], new Uint8Array(2 * 784)), 'img'), images, 'img', 'lab')).toThrow(/img: expected 3 dimensions/);
    expect(() => imageSet(images, images, 'img', 'lab')).toThrow(/lab: expected 1 dimension/);
  });
});

describe('files', () => {
  it('reads plain and gzip IDX files alike', () => {
    const dir = tmp();
    const bytes = encodeIdx([4], Uint8Array.of(1, 2, 3, 4));
    writeFileSync(join(dir, 'a'), bytes);
    writeFileSync(join(dir, 'a.gz'), gzipSync(bytes));
    expect(Array.from(readIdxFile(join(dir, 'a')).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(readIdxFile(join(dir, 'a.gz')).data)).toEqual([1, 2, 3, 4]);
  });

  it('names the file for corrupt gzip, truncated data and missing files', () => {
    const dir = tmp();
    const gz = gzipSync(encodeIdx([4], Uint8Array.of(1, 2, 3, 4)));
    writeFileSync(join(dir, 'broken.gz'), gz.subarray(0, gz.length - 12));
    expect(() => readIdxFile(join(dir, 'broken.gz'))).toThrow(new RegExp(`${dir}/broken\\.gz: corrupt gzip data`));
    writeFileSync(join(dir, 'short'), encodeIdx([4], Uint8Array.of(1, 2, 3, 4)).subarray(0, 10));
    expect(() => readIdxFile(join(dir, 'short'))).toThrow(new RegExp(`${dir}/short: truncated IDX file`));
    expect(() => readIdxFile(join(dir, 'nope'))).toThrow(new RegExp(`${dir}/nope: cannot read`));
  });

  it('loads a --data-dir dataset (gzip) and reports missing files with their path', () => {
    const dir = writeSyntheticDataDir(12, 6, true);
    const train = loadDataset('mnist', 'train', { dataDir: dir });
    expect(train).toMatchObject({ name: 'mnist-train', n: 12, nIn: 400 });
    const { labels } = syntheticImages(12, 7);
    expect(Array.from(train.labels)).toEqual(Array.from(labels));
    expect(loadDataset('fashion', 'test', { dataDir: dir })).toMatchObject({ n: 6, nIn: 784 });
    expect(() => loadDataset('mnist', 'train', { dataDir: tmp() })).toThrow(/train-images-idx3-ubyte\[\.gz\] not found/);
  });

  it('rejects images that are not 28×28', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx([2, 20, 20], new Uint8Array(800)));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([2], Uint8Array.of(0, 1)));
    expect(() => loadDataset('mnist', 'train', { dataDir: dir })).toThrow(/train-images-idx3-ubyte: images are 20×20; mnist expects 28×28/);
  });

  it('finds the bundled MNIST and the Debian Fashion-MNIST files', () => {
    const mnist = loadDataset('mnist', 'test');
    expect(mnist).toMatchObject({ n: 10000, nIn: 400 });
    expect(mnist.labels[0]).toBe(7); // the first t10k digit is a 7
    const fashion = loadDataset('fashion', 'test');
    expect(fashion).toMatchObject({ n: 10000, nIn: 784 });
    expect(fashion.labels[0]).toBe(9); // the first t10k item is an ankle boot
  });
});
