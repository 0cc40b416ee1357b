/**
 * A tiny WebAssembly binary writer: just what the nBP CPU kernels and the wasm backend need (i32 and 128-bit
 * SIMD integer instructions, structured control flow, one exported memory). It saves a toolchain: the kernels are written as
 * TypeScript calls that emit bytes, and the module is compiled at run time. Opcodes: WebAssembly core spec 2.0
 * (binary format, §5.4) and the fixed-width SIMD proposal (prefix 0xfd).
 */

/** The i32 value type. */
export const I32 = 0x7f;
/** The v128 value type. */
export const V128 = 0x7b;
/** A value type. */
type ValType = typeof I32 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** SIMD opcodes used by the kernels (all behind the 0xfd prefix). */
const SIMD = {
  load: 0x00,
  store: 0x0b,
  i16x8Splat: 0x10,
  i32x4Splat: 0x11,
  i32x4GtS: 0x3b,
  v128And: 0x4e,
  v128AnyTrue: 0x53,
  i16x8Bitmask: 0x84,
  i16x8Add: 0x8e,
  i16x8MinS: 0x96,
  i16x8MaxS: 0x98,
  i32x4Bitmask: 0xa4,
  i32x4ExtendLowI16x8S: 0xa7,
  i32x4ExtendHighI16x8S: 0xa8,
  i32x4Add: 0xae,
  // Used by the generic network engine (src/backends/wasm).
  i32x4LeS: 0x3d,
  i32x4GtU: 0x3c,
  v128Not: 0x4d,
  v128AndNot: 0x4f,
  v128Or: 0x50,
  v128Xor: 0x51,
  v128Bitselect: 0x52,
  i32x4Abs: 0xa0,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4ShrU: 0xad,
  i32x4Sub: 0xb1,
  i32x4Mul: 0xb5,
  i32x4MinS: 0xb6,
  i32x4MaxS: 0xb8,
} as const;

/** Emits one function body; locals are numbered after the parameters. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(
    readonly params: ValType[],
    readonly results: ValType[],
  ) {}

  /** Declares a local and returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(op: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(op), ...imm);
  }
  private mem(align: number, offset: number): number[] {
    return [...uleb(align), ...uleb(offset)];
  }

  get(i: number): this {
    return this.op(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.op(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.op(0x22, ...uleb(i));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  shl(): this {
    return this.op(0x74);
  }
  shrU(): this {
    return this.op(0x76);
  }
  and(): this {
    return this.op(0x71);
  }
  or(): this {
    return this.op(0x72);
  }
  eqz(): this {
    return this.op(0x45);
  }
  ltU(): this {
    return this.op(0x49);
  }
  gtS(): this {
    return this.op(0x4a);
  }
  ctz(): this {
    return this.op(0x68);
  }
  select(): this {
    return this.op(0x1b);
  }
  drop(): this {
    return this.op(0x1a);
  }
  /** i32.load (offset in bytes, 4-byte aligned). */
  load32(offset = 0): this {
    return this.op(0x28, ...this.mem(2, offset));
  }
  store32(offset = 0): this {
    return this.op(0x36, ...this.mem(2, offset));
  }
  load16u(offset = 0): this {
    return this.op(0x2f, ...this.mem(1, offset));
  }
  store16(offset = 0): this {
    return this.op(0x3b, ...this.mem(1, offset));
  }

  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  ifThen(body: () => void): this {
    this.op(0x04, 0x40);
    body();
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c, ...uleb(depth));
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...uleb(depth));
  }

  v128Load(offset = 0): this {
    return this.simd(SIMD.load, ...this.mem(4, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(SIMD.store, ...this.mem(4, offset));
  }
  i16x8Splat(): this {
    return this.simd(SIMD.i16x8Splat);
  }
  i32x4Splat(): this {
    return this.simd(SIMD.i32x4Splat);
  }
  i16x8Add(): this {
    return this.simd(SIMD.i16x8Add);
  }
  i16x8MinS(): this {
    return this.simd(SIMD.i16x8MinS);
  }
  i16x8MaxS(): this {
    return this.simd(SIMD.i16x8MaxS);
  }
  i16x8Bitmask(): this {
    return this.simd(SIMD.i16x8Bitmask);
  }
  i32x4Add(): this {
    return this.simd(SIMD.i32x4Add);
  }
  i32x4GtS(): this {
    return this.simd(SIMD.i32x4GtS);
  }
  i32x4Bitmask(): this {
    return this.simd(SIMD.i32x4Bitmask);
  }
  v128And(): this {
    return this.simd(SIMD.v128And);
  }
  v128AnyTrue(): this {
    return this.simd(SIMD.v128AnyTrue);
  }
  i32x4ExtendLow(): this {
    return this.simd(SIMD.i32x4ExtendLowI16x8S);
  }
  i32x4ExtendHigh(): this {
    return this.simd(SIMD.i32x4ExtendHighI16x8S);
  }

  // Scalar and SIMD instructions of the generic network engine (src/backends/wasm/kernels.ts).
  shrS(): this {
    return this.op(0x75);
  }
  ret(): this {
    return this.op(0x0f);
  }
  divU(): this {
    return this.op(0x6e);
  }
  ne(): this {
    return this.op(0x47);
  }
  geU(): this {
    return this.op(0x4f);
  }
  load16s(offset = 0): this {
    return this.op(0x2e, ...this.mem(1, offset));
  }
  i32x4LeS(): this {
    return this.simd(SIMD.i32x4LeS);
  }
  i32x4GtU(): this {
    return this.simd(SIMD.i32x4GtU);
  }
  v128Not(): this {
    return this.simd(SIMD.v128Not);
  }
  v128AndNot(): this {
    return this.simd(SIMD.v128AndNot);
  }
  v128Or(): this {
    return this.simd(SIMD.v128Or);
  }
  v128Xor(): this {
    return this.simd(SIMD.v128Xor);
  }
  v128Bitselect(): this {
    return this.simd(SIMD.v128Bitselect);
  }
  i32x4Abs(): this {
    return this.simd(SIMD.i32x4Abs);
  }
  /** Lane-wise shifts by the i32 on top of the stack. */
  i32x4Shl(): this {
    return this.simd(SIMD.i32x4Shl);
  }
  i32x4ShrS(): this {
    return this.simd(SIMD.i32x4ShrS);
  }
  i32x4ShrU(): this {
    return this.simd(SIMD.i32x4ShrU);
  }
  i32x4Sub(): this {
    return this.simd(SIMD.i32x4Sub);
  }
  i32x4Mul(): this {
    return this.simd(SIMD.i32x4Mul);
  }
  i32x4MinS(): this {
    return this.simd(SIMD.i32x4MinS);
  }
  i32x4MaxS(): this {
    return this.simd(SIMD.i32x4MaxS);
  }

  /** Serialized body (locals + code + end). */
  body(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      groups.push([...uleb(j - i), this.locals[i]!]);
      i = j;
    }
    const bytes = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(bytes.length), ...bytes];
  }
}

/** A module of exported functions over one exported memory named "memory". */
export class ModuleBuilder {
  private readonly funcs: Array<{ name: string; fn: FunctionBuilder }> = [];

  constructor(private readonly memoryPages: number) {}

  /** Adds an exported function; `build` emits its body. */
  func(name: string, params: ValType[], results: ValType[], build: (f: FunctionBuilder) => void): void {
    const fn = new FunctionBuilder(params, results);
    build(fn);
    this.funcs.push({ name, fn });
  }

  /** The binary module. */
  bytes(): Uint8Array {
    const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
    const types = this.funcs.map(({ fn }) => [0x60, ...vec(fn.params.map((t) => [t])), ...vec(fn.results.map((t) => [t]))]);
    const out = [
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, vec(types)),
      ...section(3, vec(this.funcs.map((_, i) => uleb(i)))),
      ...section(5, vec([[0x00, ...uleb(this.memoryPages)]])),
      ...section(7, vec([[...str('memory'), 0x02, 0x00], ...this.funcs.map(({ name }, i) => [...str(name), 0x00, ...uleb(i)])])),
      ...section(10, vec(this.funcs.map(({ fn }) => fn.body()))),
    ];
    return new Uint8Array(out);
  }
}
