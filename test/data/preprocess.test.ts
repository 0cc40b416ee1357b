import { describe, expect, it } from 'vitest';
import { activeLists, authorsPixelOn, encodeImages, PIXEL_ON } from '../../src/data/preprocess.ts';

describe('pixel rule', () => {
  it("a pixel is on iff ≥ 129, exactly as the authors' double /255, ×256, round(2) > 0.5 arithmetic", () => {
    for (let p = 0; p < 256; p++) expect(authorsPixelOn(p), `pixel ${p}`).toBe(p >= PIXEL_ON);
    expect(authorsPixelOn(128)).toBe(false);
    expect(authorsPixelOn(129)).toBe(true);
  });
});

describe('encodeImages', () => {
  const image = () => new Uint8Array(784);
  it('crops 4 px from each border (MNIST 20×20), row-major', () => {
    const px = image();
    px[4 * 28 + 4] = 255; // first kept pixel → x[0]
    px[23 * 28 + 23] = 129; // last kept pixel → x[399]
    px[10 * 28 + 5] = 200; // row 10, col 5 → x[(10-4)*20 + 1]
    px[3 * 28 + 10] = 255; // row 3: cropped away
    px[10 * 28 + 24] = 255; // col 24: cropped away
    px[12 * 28 + 12] = 128; // below threshold
    const ds = encodeImages({ n: 1, rows: 28, cols: 28, pixels: px, labels: Uint8Array.of(5) }, 4, 'crop');
    expect(ds.nIn).toBe(400);
    expect([...ds.x.keys()].filter((i) => ds.x[i])).toEqual([0, 6 * 20 + 1, 399]);
    expect(ds.labels[0]).toBe(5);
  });

  it('keeps all 784 pixels without a crop (Fashion-MNIST)', () => {
    const px = image();
    px[0] = 129;
    px[783] = 255;
    px[400] = 128;
    const ds = encodeImages({ n: 1, rows: 28, cols: 28, pixels: px, labels: Uint8Array.of(0) }, 0, 'full');
    expect(ds.nIn).toBe(784);
    expect([...ds.x.keys()].filter((i) => ds.x[i])).toEqual([0, 783]);
  });

  it('lists active inputs per sample', () => {
    const x = Uint8Array.of(0, 1, 1, 0, 0, 0, 1, 0, 0);
    const lists = activeLists({ name: 't', n: 3, nIn: 3, x, labels: new Uint8Array(3) });
    expect(Array.from(lists.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(lists.indices.subarray(0, 3))).toEqual([1, 2, 0]);
  });
});
