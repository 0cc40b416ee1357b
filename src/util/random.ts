/**
 * The project's pseudo-random generators, in one place (every other file takes its random numbers from here):
 *
 * - {@link Xoshiro128}: xoshiro128** (Blackman & Vigna) seeded from a tuple of u32 words; the documented streams
 *   of nBP runs (src/nbp/prng.ts names them) use it, so any implementation can regenerate them.
 * - {@link mulberry32}: a small one-word generator for synthetic data (benchmarks, random test networks), where
 *   only determinism per seed matters.
 */

/** MurmurHash3 fmix32. */
export function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** xoshiro128** generator. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the generator from a tuple of u32 words (see the module comment). */
  constructor(words: readonly number[]) {
    let h = 0x6a09e667;
    for (const w of words) h = (fmix32((h ^ w) >>> 0) + 0x9e3779b9) >>> 0;
    const s = [0, 1, 2, 3].map((i) => fmix32((h + Math.imul(i + 1, 0x9e3779b9)) >>> 0));
    if (s.every((v) => v === 0)) throw new Error('xoshiro128: all-zero state');
    [this.s0, this.s1, this.s2, this.s3] = s as [number, number, number, number];
  }

  /** A generator with an explicit state (for checking against published test vectors). */
  static fromState(state: readonly [number, number, number, number]): Xoshiro128 {
    const g = new Xoshiro128([]);
    [g.s0, g.s1, g.s2, g.s3] = state.map((v) => v | 0) as [number, number, number, number];
    return g;
  }

  /** Next 32-bit output as an unsigned number. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A standard normal value (Box–Muller, cosine branch). */
  normal(): number {
    const u1 = (this.nextU32() + 1) / 4294967296;
    const u2 = this.nextU32() / 4294967296;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** A uniform integer in [0, m), m ≤ 2³². */
  below(m: number): number {
    const limit = m * Math.floor(4294967296 / m);
    for (;;) {
      const u = this.nextU32();
      if (u < limit) return u % m;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** mulberry32: a deterministic stream of u32 values from a one-word seed. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (x ^ (x >>> 14)) >>> 0;
  };
}

/** A deterministic uniform stream in [0, 1): mulberry32's u32 / 2³². */
export function uniformStream(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

/** A deterministic stream of integers in [min, max] (inclusive): floor of a {@link uniformStream} value. */
export function intStream(seed: number): (min: number, max: number) => number {
  const u = uniformStream(seed);
  return (min, max) => min + Math.floor(u() * (max - min + 1));
}
