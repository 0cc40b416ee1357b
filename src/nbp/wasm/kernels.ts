/**
 * WebAssembly SIMD kernels of the CPU nBP engine, generated for one layer shape:
 *
 * - `a1(rows, count, out)`: out[j] = Σ_p W1[row_p][j] as i32, for the `count` active-input rows whose byte
 *   addresses are at `rows`. W1 is stored as i16, row-major, rows padded to a multiple of 8 lanes. Sums run in
 *   i16x8 lanes over chunks of at most 128 rows and are widened to i32 after each chunk. No overflow: weights are
 *   in [−256, 254] (checked when set), so 128 rows sum to [−32768, 32512], inside i16.
 * - `update(rows, count, blocks, nblocks, dp, dm, lo, hi)`: for each listed row and each listed 8-lane block,
 *   w ← clamp(clamp(w + dp, lo, hi) + dm, lo, hi) lane-wise (i16). This is the sequential ±2 saturation of the
 *   chip's phases 7 and 11 (dm = 0 gives numpy's single clipped update).
 *
 * - `hidden(a1, w2, a2, hlist) → nh`: lists the hidden units with a1 > 512 (h) at `hlist` and sums their W2 rows
 *   into a2 (i32; W2 rows padded to a multiple of 4 outputs). |a2| ≤ 400·256, far inside i32.
 *
 * The memory layout is fixed by {@link kernelLayout}; the engine fills rows/dp/dm through typed-array views.
 */
import { I32, V128, ModuleBuilder } from '../../util/wasm-asm.ts';
import { BINARY_THRESHOLD } from '../algorithm.ts';

/** Byte offsets of the engine's arrays in the module's memory. */
export interface KernelLayout {
  nHidPad: number;
  rowBytes: number;
  /** Outputs padded to a multiple of 4 (the W2 row stride, in i32). */
  nOutPad: number;
  /** W1, nIn rows of nHidPad i16. */
  w1: number;
  /** a1 output, nHidPad i32. */
  a1: number;
  /** Active-row byte addresses, nIn i32. */
  rows: number;
  /** Potentiation and depression deltas, nHidPad i16 each. */
  dp: number;
  dm: number;
  /** Byte offsets (within a row) of the blocks to update, nHidPad/8 i32. */
  blocks: number;
  /** W2, nHid rows of nOutPad i32. */
  w2: number;
  /** a2 output, nOutPad i32. */
  a2: number;
  /** Active hidden units, nHid i32. */
  hlist: number;
  bytes: number;
}

const align16 = (n: number): number => (n + 15) & ~15;

/** The memory layout for nIn inputs, nHid hidden units and nOut outputs. */
export function kernelLayout(nIn: number, nHid: number, nOut: number): KernelLayout {
  const nHidPad = Math.ceil(nHid / 8) * 8;
  const nOutPad = Math.ceil(nOut / 4) * 4;
  const rowBytes = nHidPad * 2;
  const w1 = 0;
  const a1 = align16(w1 + nIn * rowBytes);
  const rows = align16(a1 + nHidPad * 4);
  const dp = align16(rows + nIn * 4);
  const dm = align16(dp + nHidPad * 2);
  const blocks = align16(dm + nHidPad * 2);
  const w2 = align16(blocks + (nHidPad / 8) * 4);
  const a2 = align16(w2 + nHid * nOutPad * 4);
  const hlist = align16(a2 + nOutPad * 4);
  const bytes = align16(hlist + nHid * 4);
  return { nHidPad, nOutPad, rowBytes, w1, a1, rows, dp, dm, blocks, w2, a2, hlist, bytes };
}

/** Rows summed in i16 before widening: 128·256 = 32768 is the most an i16 lane can take. */
export const I16_CHUNK_ROWS = 128;

function blockVectors(nVec: number): number {
  for (let b = Math.min(8, nVec); b > 1; b--) if (nVec % b === 0) return b;
  return 1;
}

/** Builds the kernel module's bytes for a layout (nHid hidden units). */
export function buildKernelModule(layout: KernelLayout, nHid: number): Uint8Array {
  const nVec = layout.nHidPad / 8;
  const B = blockVectors(nVec);
  const m = new ModuleBuilder(Math.ceil(layout.bytes / 65536));

  m.func('a1', [I32, I32, I32], [], (f) => {
    const [rows, count, out] = [0, 1, 2];
    const c0 = f.local(I32),
      cEnd = f.local(I32),
      p = f.local(I32),
      pEnd = f.local(I32),
      blk = f.local(I32),
      outp = f.local(I32);
    const acc = Array.from({ length: B }, () => f.local(V128));
    // out[] = 0
    f.get(out).set(p);
    f.get(out)
      .i32(layout.nHidPad * 4)
      .add()
      .set(pEnd);
    f.loop(() => {
      f.get(p).i32(0).i32x4Splat().v128Store();
      f.get(p).i32(16).add().tee(p).get(pEnd).ltU().brIf(0);
    });
    f.i32(0).set(c0);
    f.block(() => {
      f.loop(() => {
        f.get(c0).get(count).ltU().eqz().brIf(1);
        // cEnd = min(c0 + 128, count)
        f.get(c0).i32(I16_CHUNK_ROWS).add().tee(cEnd).get(count).get(cEnd).get(count).ltU().select().set(cEnd);
        f.i32(0).set(blk);
        f.loop(() => {
          for (const a of acc) f.i32(0).i16x8Splat().set(a);
          f.get(rows).get(c0).i32(2).shl().add().set(p);
          f.get(rows).get(cEnd).i32(2).shl().add().set(pEnd);
          f.loop(() => {
            const addr = f.local(I32);
            f.get(p).load32().get(blk).add().set(addr);
            acc.forEach((a, b) =>
              f
                .get(a)
                .get(addr)
                .v128Load(16 * b)
                .i16x8Add()
                .set(a),
            );
            f.get(p).i32(4).add().tee(p).get(pEnd).ltU().brIf(0);
          });
          // out + 2·blk is the i32 lane of the block's first i16 lane.
          f.get(out).get(blk).i32(1).shl().add().set(outp);
          acc.forEach((a, b) => {
            f.get(outp)
              .get(outp)
              .v128Load(32 * b)
              .get(a)
              .i32x4ExtendLow()
              .i32x4Add()
              .v128Store(32 * b);
            f.get(outp)
              .get(outp)
              .v128Load(32 * b + 16)
              .get(a)
              .i32x4ExtendHigh()
              .i32x4Add()
              .v128Store(32 * b + 16);
          });
          f.get(blk)
            .i32(16 * B)
            .add()
            .tee(blk)
            .i32(nVec * 16)
            .ltU()
            .brIf(0);
        });
        f.get(cEnd).set(c0);
        f.br(0);
      });
    });
  });

  m.func('update', [I32, I32, I32, I32, I32, I32, I32, I32], [], (f) => {
    const [rows, count, blocks, nblocks, dp, dm, lo, hi] = [0, 1, 2, 3, 4, 5, 6, 7];
    const vlo = f.local(V128),
      vhi = f.local(V128),
      p = f.local(I32),
      pEnd = f.local(I32),
      q = f.local(I32),
      qEnd = f.local(I32);
    const row = f.local(I32),
      off = f.local(I32),
      addr = f.local(I32);
    f.get(lo).i16x8Splat().set(vlo);
    f.get(hi).i16x8Splat().set(vhi);
    f.block(() => {
      f.get(count).eqz().get(nblocks).eqz().or().brIf(0);
      f.get(rows).set(p);
      f.get(rows).get(count).i32(2).shl().add().set(pEnd);
      f.get(blocks).get(nblocks).i32(2).shl().add().set(qEnd);
      f.loop(() => {
        f.get(p).load32().set(row);
        f.get(blocks).set(q);
        f.loop(() => {
          f.get(q).load32().set(off);
          f.get(row).get(off).add().set(addr);
          f.get(addr);
          f.get(addr).v128Load().get(dp).get(off).add().v128Load().i16x8Add().get(vlo).i16x8MaxS().get(vhi).i16x8MinS();
          f.get(dm).get(off).add().v128Load().i16x8Add().get(vlo).i16x8MaxS().get(vhi).i16x8MinS();
          f.v128Store();
          f.get(q).i32(4).add().tee(q).get(qEnd).ltU().brIf(0);
        });
        f.get(p).i32(4).add().tee(p).get(pEnd).ltU().brIf(0);
      });
    });
  });

  m.func('hidden', [I32, I32, I32, I32], [I32], (f) => {
    const [a1, w2, a2, hlist] = [0, 1, 2, 3];
    const p = f.local(I32),
      pEnd = f.local(I32),
      bits = f.local(I32),
      j = f.local(I32),
      nh = f.local(I32),
      q = f.local(I32),
      row = f.local(I32);
    const thr = f.local(V128);
    const acc = Array.from({ length: layout.nOutPad / 4 }, () => f.local(V128));
    f.i32(BINARY_THRESHOLD).i32x4Splat().set(thr);
    f.i32(0).set(nh);
    // h: scan a1 four lanes at a time; a lane mask's set bits are the active units (padding lanes hold 0).
    f.get(a1).set(p);
    f.get(a1)
      .i32(Math.ceil(nHid / 4) * 16)
      .add()
      .set(pEnd);
    f.loop(() => {
      f.get(p).v128Load().get(thr).i32x4GtS().i32x4Bitmask().set(bits);
      f.block(() => {
        f.loop(() => {
          f.get(bits).eqz().brIf(1);
          // j = (p − a1)/4 + ctz(bits)
          f.get(p).get(a1).sub().i32(2).shrU().get(bits).ctz().add().set(j);
          f.get(hlist).get(nh).i32(2).shl().add().get(j).store32();
          f.get(nh).i32(1).add().set(nh);
          f.get(bits).get(bits).i32(1).sub().and().set(bits);
          f.br(0);
        });
      });
      f.get(p).i32(16).add().tee(p).get(pEnd).ltU().brIf(0);
    });
    // a2 = Σ over h of W2 rows.
    for (const a of acc) f.i32(0).i32x4Splat().set(a);
    f.get(hlist).set(q);
    f.get(hlist).get(nh).i32(2).shl().add().set(pEnd);
    f.block(() => {
      f.loop(() => {
        f.get(q).get(pEnd).ltU().eqz().brIf(1);
        f.get(w2)
          .get(q)
          .load32()
          .i32(layout.nOutPad * 4)
          .mul()
          .add()
          .set(row);
        acc.forEach((a, v) =>
          f
            .get(a)
            .get(row)
            .v128Load(16 * v)
            .i32x4Add()
            .set(a),
        );
        f.get(q).i32(4).add().set(q);
        f.br(0);
      });
    });
    acc.forEach((a, v) =>
      f
        .get(a2)
        .get(a)
        .v128Store(16 * v),
    );
    f.get(nh);
  });

  return m.bytes();
}

/** The kernels' exports. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  a1(rows: number, count: number, out: number): void;
  update(rows: number, count: number, blocks: number, nblocks: number, dp: number, dm: number, lo: number, hi: number): void;
  hidden(a1: number, w2: number, a2: number, hlist: number): number;
}

const moduleCache = new Map<string, WebAssembly.Module>();

/** Compiles (once per shape) and instantiates the kernels; each instance has its own memory. */
export function instantiateKernels(layout: KernelLayout, nHid: number): KernelExports {
  const key = `${layout.bytes}:${layout.nHidPad}:${layout.nOutPad}:${nHid}`;
  let mod = moduleCache.get(key);
  if (!mod) {
    mod = new WebAssembly.Module(buildKernelModule(layout, nHid) as BufferSource);
    moduleCache.set(key, mod);
  }
  return new WebAssembly.Instance(mod, {}).exports as unknown as KernelExports;
}
