/**
 * WebAssembly SIMD kernels of the wasm backend, written with the shared assembler (src/util/wasm-asm.ts).
 * The module is generic (no network shape baked in); every pointer is a byte address in its memory.
 *
 * - `neurons(u, v, ref, bias, ringA, ringB, start, end, ku, kv, vth, t, tref, list, count, stop) → count`:
 *   loihi-cuba.md steps 1-6 for compartments [start, end) (byte offsets, multiples of 16) of one group, four
 *   lanes at a time. A(t) = ringA[i] + ringB[i] (both cleared: the delay ring has two rows per step, see
 *   ./engine.ts). u' = wrap24(trunc0(u·ku) + A·64), v' = clip24(trunc0(v·kv) + u' + BIAS) when ref < t, spike on
 *   v' > vth (reset v, ref = tref). trunc0 of the 36-bit product is computed exactly in 32 bits by the split
 *   |x| = 4096q + r (trunc0MulSplit of src/loihi/neuron.ts), valid for |x| <= 2^23. A vector with |A| > 2^18 - 1
 *   or |u| > 2^23 in some lane is outside that domain: the kernel stores its offset at `stop` and returns, and the
 *   caller steps those four lanes with the scalar rules of src/loihi/neuron.ts (then resumes). When it
 *   completes it stores `end` at `stop`. Local indices of spiking lanes are appended at `list` from `count` on.
 * - `deliver(rowStart, off, w, shift, list, count, ring) → events`: for each pre index at list[0..count), each
 *   synapse j of its CSR row adds `w[j] << shift` (w: i16) to the i32 at ring + 4·off[j] (off = delay row +
 *   target, see ./engine.ts). For weight exponents >= 0, where the shift distributes over the group sum.
 * - `deliverPacked(rowStart, packed, shift, list, count, ring) → events`: the same with each synapse in one word,
 *   `off << 9 | (w + 256)` (off < 2^23): 4 bytes per synapse instead of 6, the stream that bounds delivery.
 *   Rows are random in a large array, so each row's first lines miss the caches; one at a time, those misses
 *   cost more than the adds (15 vs 5.5 ns per synapse at 100,000 neurons). All three delivery kernels therefore
 *   take rows in batches of PREFETCH_ROWS (forRowsInBatches): first one word of every cache line of the batch's
 *   rows is loaded (independent loads, so the misses overlap; the words are summed into a scratch word at
 *   byte 4), then the batch is delivered from cache. Same adds, same order.
 * - `deliverShift(rowStart, cellOf, w, list, count, sum, touched, cells, cellRing, ring, shift) → events`: weight
 *   exponents < 0: sums w per (delay, target) cell first (listing cells that leave 0, up to `cells`), then adds
 *   each nonzero `sum >> shift` (flooring) to ring + 4·cellRing[cell] and clears the cell; if the list filled
 *   up every cell is folded. Exactly the order of the CPU oracle (src/backends/cpu/projection.ts).
 */
import { I32, V128, ModuleBuilder, type FunctionBuilder } from '../../util/wasm-asm.ts';
import { ACTIVATION_LIMIT, DECAY_BITS, STATE_LIMIT, U_WRAP, V_MAX, V_MIN } from '../../loihi/constants.ts';

/** The exports of the kernel module. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  neurons(
    u: number,
    v: number,
    ref: number,
    bias: number,
    ringA: number,
    ringB: number,
    start: number,
    end: number,
    ku: number,
    kv: number,
    vth: number,
    t: number,
    tref: number,
    list: number,
    count: number,
    stop: number,
  ): number;
  deliver(rowStart: number, off: number, w: number, shift: number, list: number, count: number, ring: number): number;
  deliverPacked(rowStart: number, packed: number, shift: number, list: number, count: number, ring: number): number;
  deliverShift(
    rowStart: number,
    cellOf: number,
    w: number,
    list: number,
    count: number,
    sum: number,
    touched: number,
    cells: number,
    cellRing: number,
    ring: number,
    shift: number,
  ): number;
}

/** Packed synapse words: `off << PACK_WEIGHT_BITS | (w + PACK_WEIGHT_BIAS)` with off < 2^(32 - PACK_WEIGHT_BITS). */
export const PACK_WEIGHT_BITS = 9;
export const PACK_WEIGHT_BIAS = 256;
const PACK_WEIGHT_MASK = (1 << PACK_WEIGHT_BITS) - 1;
/** Rows whose cache lines the delivery kernels touch before delivering them (16-64 measured alike). */
const PREFETCH_ROWS = 32;
/** Byte address of a scratch word the kernels write (the engine leaves bytes 0-15 to the kernels). */
const SCRATCH = 4;
/** Largest ring offset a packed word holds. */
export const PACK_MAX_OFFSET = 2 ** (32 - PACK_WEIGHT_BITS) - 1;

/** trunc0(x · k) lane-wise for |x| <= 2^23, 0 <= k <= 4096 (x, k: v128 locals; mask4095: splat 4095). */
function mulTrunc(f: FunctionBuilder, x: number, k: number, mask4095: number): void {
  // m = (|x| >> 12) * k + (((|x| & 4095) * k) >> 12), then the sign of x: (m ^ s) - s with s = x >> 31.
  f.get(x).i32x4Abs().i32(DECAY_BITS).i32x4ShrU().get(k).i32x4Mul();
  f.get(x).i32x4Abs().get(mask4095).v128And().get(k).i32x4Mul().i32(DECAY_BITS).i32x4ShrU();
  f.i32x4Add();
  f.get(x).i32(31).i32x4ShrS().v128Xor();
  f.get(x).i32(31).i32x4ShrS().i32x4Sub();
}

/**
 * The row loop of the delivery kernels: for k in [0, count), `row(k)` delivers row list[k] of the CSR at
 * `rowStart`. Rows are taken in batches of PREFETCH_ROWS: first one word of every cache line of the batch's rows
 * is loaded in each of `arrays` (byte address, log2 of the element size), summed into `sink` (independent loads,
 * so the misses overlap), then the batch is delivered from cache.
 */
function forRowsInBatches(
  f: FunctionBuilder,
  rowStart: number,
  list: number,
  count: number,
  arrays: Array<[number, number]>,
  sink: number,
  row: (k: number) => void,
): void {
  const k = f.local(I32);
  const q = f.local(I32);
  const kEnd = f.local(I32);
  const p = f.local(I32);
  const a = f.local(I32);
  const b = f.local(I32);
  f.block(() => {
    f.loop(() => {
      f.get(k).get(count).geU().brIf(1);
      // kEnd = min(k + PREFETCH_ROWS, count)
      f.get(k).i32(PREFETCH_ROWS).add().tee(kEnd).get(count).get(kEnd).get(count).ltU().select().set(kEnd);
      f.get(k).set(q);
      f.block(() => {
        f.loop(() => {
          f.get(q).get(kEnd).geU().brIf(1);
          f.get(rowStart).get(list).get(q).i32(2).shl().add().load32().i32(2).shl().add().set(p);
          for (const [base, log2] of arrays) {
            f.get(p).load32().i32(log2).shl().get(base).add().i32(~63).and().set(a);
            f.get(p).load32(4).i32(log2).shl().get(base).add().set(b);
            f.block(() => {
              f.loop(() => {
                f.get(a).get(b).geU().brIf(1);
                f.get(sink).get(a).load32().add().set(sink);
                f.get(a).i32(64).add().set(a);
                f.br(0);
              });
            });
          }
          f.get(q).i32(1).add().set(q);
          f.br(0);
        });
      });
      f.block(() => {
        f.loop(() => {
          f.get(k).get(kEnd).geU().brIf(1);
          row(k);
          f.get(k).i32(1).add().set(k);
          f.br(0);
        });
      });
      f.br(0);
    });
  });
}

/** Builds the kernel module with `pages` pages (64 KiB) of memory. */
export function buildKernelModule(pages: number): Uint8Array {
  const m = new ModuleBuilder(pages);
  const i32s = (n: number): Array<typeof I32> => Array.from({ length: n }, () => I32);

  m.func('neurons', i32s(16), [I32], (f) => {
    const [u, v, ref, bias, ringA, ringB, start, end, ku, kv, vth, t, tref, list, count, stop] = Array.from({ length: 16 }, (_, i) => i) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const i = f.local(I32);
    const mask = f.local(I32);
    const vec = () => f.local(V128);
    const [A, U, X, V, VN, ACT, SPK, REF] = [vec(), vec(), vec(), vec(), vec(), vec(), vec(), vec()];
    const [KU, KV, M4095, LIM, U23, W24, NEG23, VMIN, VMAX, VTH, T, TREF, ZERO] = [
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
      vec(),
    ];
    const splat = (local: number, value: () => void) => {
      value();
      f.i32x4Splat().set(local);
    };
    splat(KU, () => f.get(ku));
    splat(KV, () => f.get(kv));
    splat(M4095, () => f.i32((1 << DECAY_BITS) - 1));
    splat(LIM, () => f.i32(ACTIVATION_LIMIT));
    splat(U23, () => f.i32(STATE_LIMIT));
    splat(W24, () => f.i32(U_WRAP));
    splat(NEG23, () => f.i32(-STATE_LIMIT));
    splat(VMIN, () => f.i32(V_MIN));
    splat(VMAX, () => f.i32(V_MAX));
    splat(VTH, () => f.get(vth));
    splat(T, () => f.get(t));
    splat(TREF, () => f.get(tref));
    splat(ZERO, () => f.i32(0));
    f.get(start).set(i);
    f.block(() => {
      f.loop(() => {
        f.get(i).get(end).geU().brIf(1);
        // A(t) from both ring rows.
        f.get(ringA).get(i).add().v128Load();
        f.get(ringB).get(i).add().v128Load();
        f.i32x4Add().set(A);
        f.get(u).get(i).add().v128Load().set(U);
        // Outside the 32-bit domain: hand these lanes to the caller.
        f.get(A).i32x4Abs().get(LIM).i32x4GtU();
        f.get(U).i32x4Abs().get(U23).i32x4GtU();
        f.v128Or().v128AnyTrue();
        f.ifThen(() => {
          f.get(stop).get(i).store32();
          f.get(count).ret();
        });
        f.get(ringA).get(i).add().get(ZERO).v128Store();
        f.get(ringB).get(i).add().get(ZERO).v128Store();
        // u' = wrap24(trunc0(u * ku) + (A << 6)).
        mulTrunc(f, U, KU, M4095);
        f.get(A).i32(6).i32x4Shl().i32x4Add().set(X);
        f.get(X).get(X).get(U23).i32x4GtS().get(W24).v128And().i32x4Sub().set(X);
        f.get(X).get(X).get(NEG23).i32x4LeS().get(W24).v128And().i32x4Add().set(X);
        f.get(u).get(i).add().get(X).v128Store();
        // v' = clip24(trunc0(v * kv) + u' + BIAS) where ref < t.
        f.get(ref).get(i).add().v128Load().set(REF);
        f.get(T).get(REF).i32x4GtS().set(ACT);
        f.get(v).get(i).add().v128Load().set(V);
        mulTrunc(f, V, KV, M4095);
        f.get(X).i32x4Add();
        f.get(bias).get(i).add().v128Load().i32x4Add();
        f.get(VMIN).i32x4MaxS().get(VMAX).i32x4MinS().set(VN);
        f.get(VN).get(VTH).i32x4GtS().get(ACT).v128And().set(SPK);
        // v = active ? (spike ? 0 : v') : v.
        f.get(v).get(i).add();
        f.get(VN).get(V).get(ACT).v128Bitselect().get(SPK).v128AndNot();
        f.v128Store();
        // ref = tref in spiking lanes (ref is left as it is, unwritten, when no lane spikes: 98 % of vectors).
        f.get(SPK).i32x4Bitmask().tee(mask);
        f.ifThen(() => {
          f.get(ref).get(i).add();
          f.get(TREF).get(REF).get(SPK).v128Bitselect();
          f.v128Store();
        });
        f.block(() => {
          f.loop(() => {
            f.get(mask).eqz().brIf(1);
            // list[count++] = i / 4 + ctz(mask)
            f.get(list).get(count).i32(2).shl().add();
            f.get(i).i32(2).shrU().get(mask).ctz().add();
            f.store32();
            f.get(count).i32(1).add().set(count);
            f.get(mask).get(mask).i32(1).sub().and().set(mask);
            f.br(0);
          });
        });
        f.get(i).i32(16).add().set(i);
        f.br(0);
      });
    });
    f.get(stop).get(end).store32();
    f.get(count);
  });

  m.func('deliver', i32s(7), [I32], (f) => {
    const [rowStart, off, w, shift, list, count, ring] = [0, 1, 2, 3, 4, 5, 6];
    const j = f.local(I32);
    const e = f.local(I32);
    const events = f.local(I32);
    const p = f.local(I32);
    const addr = f.local(I32);
    const sink = f.local(I32);
    forRowsInBatches(
      f,
      rowStart,
      list,
      count,
      [
        [off, 2],
        [w, 1],
      ],
      sink,
      (k) => {
        f.get(rowStart).get(list).get(k).i32(2).shl().add().load32().i32(2).shl().add().set(p);
        f.get(p).load32().set(j);
        f.get(p).load32(4).set(e);
        f.get(events).get(e).add().get(j).sub().set(events);
        f.block(() => {
          f.loop(() => {
            f.get(j).get(e).geU().brIf(1);
            f.get(ring).get(off).get(j).i32(2).shl().add().load32().i32(2).shl().add().tee(addr);
            f.get(addr).load32();
            f.get(w).get(j).i32(1).shl().add().load16s().get(shift).shl();
            f.add().store32();
            f.get(j).i32(1).add().set(j);
            f.br(0);
          });
        });
      },
    );
    // The touched words go to the scratch word, so the touching loads are not dead code.
    f.i32(SCRATCH).get(sink).store32();
    f.get(events);
  });

  m.func('deliverPacked', i32s(6), [I32], (f) => {
    const [rowStart, packed, shift, list, count, ring] = [0, 1, 2, 3, 4, 5];
    const j = f.local(I32);
    const e = f.local(I32);
    const events = f.local(I32);
    const p = f.local(I32);
    const x = f.local(I32);
    const addr = f.local(I32);
    const sink = f.local(I32);
    forRowsInBatches(f, rowStart, list, count, [[packed, 2]], sink, (k) => {
      f.get(rowStart).get(list).get(k).i32(2).shl().add().load32().i32(2).shl().add().set(p);
      f.get(p).load32().set(j);
      f.get(p).load32(4).set(e);
      f.get(events).get(e).add().get(j).sub().set(events);
      // Byte addresses of the row's words.
      f.get(j).i32(2).shl().get(packed).add().set(j);
      f.get(e).i32(2).shl().get(packed).add().set(e);
      f.block(() => {
        f.loop(() => {
          f.get(j).get(e).geU().brIf(1);
          f.get(j).load32().set(x);
          // ring + 4·(x >> 9)  ==  ring + ((x >> 7) & ~3)
          f.get(ring)
            .get(x)
            .i32(PACK_WEIGHT_BITS - 2)
            .shrU()
            .i32(~3)
            .and()
            .add()
            .tee(addr);
          f.get(addr).load32();
          f.get(x).i32(PACK_WEIGHT_MASK).and().i32(PACK_WEIGHT_BIAS).sub().get(shift).shl();
          f.add().store32();
          f.get(j).i32(4).add().set(j);
          f.br(0);
        });
      });
    });
    f.i32(SCRATCH).get(sink).store32();
    f.get(events);
  });

  m.func('deliverShift', i32s(11), [I32], (f) => {
    const [rowStart, cellOf, w, list, count, sum, touched, cells, cellRing, ring, shift] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const k = f.local(I32);
    const sink = f.local(I32);
    const j = f.local(I32);
    const e = f.local(I32);
    const events = f.local(I32);
    const p = f.local(I32);
    const cell = f.local(I32);
    const before = f.local(I32);
    const n = f.local(I32);
    const g = f.local(I32);
    const addr = f.local(I32);
    forRowsInBatches(
      f,
      rowStart,
      list,
      count,
      [
        [cellOf, 2],
        [w, 1],
      ],
      sink,
      (at) => {
        f.get(rowStart).get(list).get(at).i32(2).shl().add().load32().i32(2).shl().add().set(p);
        f.get(p).load32().set(j);
        f.get(p).load32(4).set(e);
        f.get(events).get(e).add().get(j).sub().set(events);
        f.block(() => {
          f.loop(() => {
            f.get(j).get(e).geU().brIf(1);
            f.get(cellOf).get(j).i32(2).shl().add().load32().set(cell);
            f.get(sum).get(cell).i32(2).shl().add().tee(addr).load32().set(before);
            // A cell is listed when its sum leaves 0 (while the list has room).
            f.get(before).eqz().get(n).get(cells).ltU().and();
            f.ifThen(() => {
              f.get(touched).get(n).i32(2).shl().add().get(cell).store32();
              f.get(n).i32(1).add().set(n);
            });
            f.get(addr).get(before).get(w).get(j).i32(1).shl().add().load16s().add().store32();
            f.get(j).i32(1).add().set(j);
            f.br(0);
          });
        });
      },
    );
    f.i32(SCRATCH).get(sink).store32();
    // Fold: ring[cellRing[cell]] += sum[cell] >> shift for each nonzero listed cell (every cell if the list is full).
    const fold = () => {
      f.get(sum).get(cell).i32(2).shl().add().load32().tee(g);
      f.ifThen(() => {
        f.get(ring).get(cellRing).get(cell).i32(2).shl().add().load32().i32(2).shl().add().tee(addr);
        f.get(addr).load32().get(g).get(shift).shrS().add().store32();
        f.get(sum).get(cell).i32(2).shl().add().i32(0).store32();
      });
    };
    f.i32(0).set(k);
    f.get(n).get(cells).ltU();
    f.ifThen(() => {
      f.block(() => {
        f.loop(() => {
          f.get(k).get(n).geU().brIf(1);
          f.get(touched).get(k).i32(2).shl().add().load32().set(cell);
          fold();
          f.get(k).i32(1).add().set(k);
          f.br(0);
        });
      });
    });
    f.get(n).get(cells).geU();
    f.ifThen(() => {
      f.block(() => {
        f.loop(() => {
          f.get(k).get(cells).geU().brIf(1);
          f.get(k).set(cell);
          fold();
          f.get(k).i32(1).add().set(k);
          f.br(0);
        });
      });
    });
    f.get(events);
  });

  return m.bytes();
}

/** Compiles and instantiates the kernel module with at least `bytes` bytes of memory. */
export function instantiateKernels(bytes: number): KernelExports {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  const module = new WebAssembly.Module(buildKernelModule(pages) as BufferSource);
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}
