/**
 * Weight initialization as the authors' weight_init.py 'rand_He' mode (a Glorot-normal formula): w ~ N(0, 2/(n_in +
 * n_out)) × 1024, clipped to ±240, then rounded toward zero to an even value (floor(|w|/2)·2·sign(w)). Random
 * numbers come from the documented stream (seed, init, 0) of ./prng.ts: all of W1 row-major, then all of W2.
 */
import type { NbpShape, NbpWeights } from './types.ts';
import { weightsFrom } from './algorithm.ts';
import { PURPOSE, Xoshiro128 } from './prng.ts';

/** The authors' init clip (a bit below 254 so that weights start away from the asymmetric 8-bit limits). */
export const INIT_CLIP = 240;
/** Weights are normalized so that the neuron threshold 1024 is 1.0. */
export const WEIGHT_SCALE = 1024;

function glorotMatrix(rng: Xoshiro128, rows: number, cols: number): Int32Array {
  const std = Math.sqrt(2 / (rows + cols)) * WEIGHT_SCALE;
  const out = new Int32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    let w = rng.normal() * std;
    if (w < -INIT_CLIP) w = -INIT_CLIP;
    if (w > INIT_CLIP) w = INIT_CLIP;
    out[i] = Math.sign(w) * Math.floor(Math.abs(w) / 2) * 2;
  }
  return out;
}

/** Glorot-normal ×1024 integer weights for one replica seed, with P = W2 and M = −W2. */
export function glorotInit(shape: NbpShape, seed: number): NbpWeights {
  const rng = new Xoshiro128([seed >>> 0, PURPOSE.init, 0]);
  const W1 = glorotMatrix(rng, shape.nIn, shape.nHid);
  const W2 = glorotMatrix(rng, shape.nHid, shape.nOut);
  return weightsFrom(W1, W2);
}
