/**
 * The documented random streams of synfire's nBP runs, so any implementation can regenerate them:
 *
 * - Generator: xoshiro128** (Blackman & Vigna), 32-bit outputs.
 * - Seeding: a stream is named by a tuple of u32 words (seed, purpose, epoch). h = 0x6a09e667; for each word w:
 *   h = fmix32(h ^ w) + 0x9e3779b9 (mod 2³²). The state is s[i] = fmix32(h + (i+1)·0x9e3779b9), i = 0..3
 *   (fmix32 = MurmurHash3's 32-bit finalizer). An all-zero state is impossible in practice and rejected.
 * - Uniform (0,1]: (u32 + 1)/2³². Uniform [0,1): u32/2³².
 * - Normal: Box–Muller, one value per two outputs: sqrt(−2·ln(u1))·cos(2π·u2), u1 from (0,1], u2 from [0,1).
 * - Integer in [0, m): rejection sampling; draw u32 until u < m·floor(2³²/m), return u mod m.
 * - Shuffle: Fisher–Yates from the identity; for i = n−1 down to 1, swap i with an integer in [0, i].
 *
 * Replica r of a run with --seed S uses seed S + r (mod 2³²), so replica r equals a 1-replica run with seed S + r.
 */

/** Stream purposes (the second word of a stream's name). */
export const PURPOSE = { init: 1, shuffle: 2 } as const;

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

/** The seed of replica r of a run seeded S. */
export function replicaSeed(seed: number, replica: number): number {
  return (seed + replica) >>> 0;
}

/** The presentation order of one epoch: a Fisher–Yates shuffle of 0..n−1 from the stream (seed, shuffle, epoch). */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  const rng = new Xoshiro128([seed >>> 0, PURPOSE.shuffle, epoch >>> 0]);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
