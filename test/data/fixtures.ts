/** Small synthetic IDX datasets written to a temp directory (for --data-dir and loader tests). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../../src/data/idx.ts';

/** Deterministic pseudo-random 28×28 images (about a quarter of the pixels ≥ 129) with labels 0..9. */
export function syntheticImages(n: number, seed: number): { pixels: Uint8Array; labels: Uint8Array } {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const pixels = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = next() % 10;
    // Each class lights its own band of rows plus noise, so training has something to learn.
    for (let p = 0; p < 784; p++) {
      const row = Math.floor(p / 28);
      const band = Math.abs(row - (4 + 2 * labels[i]!)) <= 1;
      pixels[i * 784 + p] = band ? 200 + (next() % 56) : next() % 4 === 0 ? 100 + (next() % 156) : 0;
    }
  }
  return { pixels, labels };
}

/** Writes {train,t10k}-{images-idx3,labels-idx1}-ubyte (optionally gzipped) into a fresh temp directory. */
export function writeSyntheticDataDir(nTrain = 40, nTest = 20, gzip = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'synfire-data-'));
  for (const [split, n, seed] of [
    ['train', nTrain, 7],
    ['t10k', nTest, 11],
  ] as const) {
    const { pixels, labels } = syntheticImages(n, seed);
    const files: Array<[string, Uint8Array]> = [
      [`${split}-images-idx3-ubyte`, encodeIdx([n, 28, 28], pixels)],
      [`${split}-labels-idx1-ubyte`, encodeIdx([n], labels)],
    ];
    for (const [name, bytes] of files) {
      if (gzip) writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes));
      else writeFileSync(join(dir, name), bytes);
    }
  }
  return dir;
}
