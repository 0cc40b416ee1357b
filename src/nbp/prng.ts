/**
 * The documented random streams of synfire's nBP runs, so any implementation can regenerate them:
 *
 * - Generator: xoshiro128** (Blackman & Vigna), 32-bit outputs (src/util/random.ts).
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
import { Xoshiro128 } from '../util/random.ts';

export { fmix32, Xoshiro128 } from '../util/random.ts';

/** Stream purposes (the second word of a stream's name). */
export const PURPOSE = { init: 1, shuffle: 2 } as const;

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
