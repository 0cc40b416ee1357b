/**
 * IDX files (the MNIST / Fashion-MNIST container format), parsed from bytes with full validation.
 * Environment-neutral: decompression and file access live in ./load.ts (Node).
 *
 * Layout (yann.lecun.com/exdb/mnist): bytes 0,1 = 0; byte 2 = element type (0x08 = unsigned byte, the only type
 * these datasets use); byte 3 = number of dimensions; then one big-endian u32 per dimension; then the data,
 * row-major, exactly product(dims) elements.
 */

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** An IDX file that cannot be used; the message names the file and what is wrong. */
export class IdxError extends Error {
  override name = 'IdxError';
}

const TYPE_NAMES: Record<number, string> = { 0x08: 'ubyte', 0x09: 'byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

function hex(bytes: Uint8Array, n: number): string {
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Parses an unsigned-byte IDX array; `file` names the source in errors. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) throw new IdxError(`${file}: truncated IDX file (${bytes.length} bytes; the header alone needs at least 8)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxError(`${file}: not an IDX file (magic bytes ${hex(bytes, 4)}; expected 00 00 08 0N)`);
  }
  const type = bytes[2]!;
  if (type !== 0x08) {
    const name = TYPE_NAMES[type];
    throw new IdxError(
      `${file}: IDX element type 0x${type.toString(16).padStart(2, '0')}${name ? ` (${name})` : ' (unknown)'} is not supported; expected 0x08 (unsigned byte)`,
    );
  }
  const ndims = bytes[3]!;
  if (ndims < 1 || ndims > 4) throw new IdxError(`${file}: IDX header gives ${ndims} dimensions; expected 1 to 4`);
  const headerLen = 4 + 4 * ndims;
  if (bytes.length < headerLen)
    throw new IdxError(`${file}: truncated IDX header (${bytes.length} bytes, need ${headerLen} for ${ndims} dimensions)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    if (size === 0) throw new IdxError(`${file}: IDX dimension ${d} is 0`);
    dims.push(size);
    count *= size;
  }
  const have = bytes.length - headerLen;
  if (have < count) {
    throw new IdxError(`${file}: truncated IDX file: header says ${dims.join('×')} = ${count} bytes of data, the file has ${have}`);
  }
  if (have > count) {
    throw new IdxError(`${file}: IDX file has ${have - count} bytes after the ${dims.join('×')} data it declares (corrupt or not IDX)`);
  }
  return { dims, data: bytes.subarray(headerLen, headerLen + count) };
}

/** 28×28 grayscale images with their labels 0..9, validated against each other. */
export interface ImageSet {
  n: number;
  rows: number;
  cols: number;
  /** n·rows·cols pixels, row-major, 0..255. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

/** Checks an images file (n×rows×cols) and a labels file (n) and pairs them. */
export function imageSet(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string, numClasses = 10): ImageSet {
  if (images.dims.length !== 3) throw new IdxError(`${imagesFile}: expected 3 dimensions (images × rows × cols), got ${images.dims.join('×')}`);
  if (labels.dims.length !== 1) throw new IdxError(`${labelsFile}: expected 1 dimension (labels), got ${labels.dims.join('×')}`);
  const [n, rows, cols] = images.dims as [number, number, number];
  if (labels.dims[0] !== n) throw new IdxError(`${labelsFile}: has ${labels.dims[0]} labels but ${imagesFile} has ${n} images`);
  for (let i = 0; i < n; i++) {
    if (labels.data[i]! >= numClasses) throw new IdxError(`${labelsFile}: label ${i} is ${labels.data[i]}; expected 0..${numClasses - 1}`);
  }
  return { n, rows, cols, pixels: images.data, labels: labels.data };
}

/** Encodes an unsigned-byte array as an IDX file (used to write test fixtures and user data). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
