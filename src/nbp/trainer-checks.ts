/**
 * The argument checks of the FusedTrainer contract (./types.ts), written once for every engine (fused CPU, WGSL,
 * circuit) so that they refuse the same calls with the same messages.
 */
import type { EncodedDataset } from './types.ts';

/**
 * The orders of `train(orders)`: one per replica, all the same length, every entry an index into `train`.
 * Returns the common length.
 */
export function checkOrders(orders: ReadonlyArray<ArrayLike<number>>, replicas: number, train: EncodedDataset): number {
  if (orders.length !== replicas) throw new Error(`train: ${orders.length} orders for ${replicas} replicas`);
  const len = orders[0]!.length;
  const n = train.n;
  orders.forEach((o, r) => {
    if (o.length !== len) throw new Error(`train: replica ${r} has ${o.length} samples, replica 0 has ${len} (all must be equal)`);
    for (let i = 0; i < o.length; i++) {
      const s = o[i]!;
      if (!(Number.isInteger(s) && s >= 0 && s < n))
        throw new Error(`train: replica ${r} order[${i}] = ${s} is outside the training set (0..${n - 1})`);
    }
  });
  return len;
}

/** A replica argument of `op` (getWeights, setWeights, ...): an integer in 0..replicas-1. */
export function checkReplicaIndex(op: string, replica: number, replicas: number): void {
  if (!(Number.isInteger(replica) && replica >= 0 && replica < replicas)) throw new Error(`${op}: replica ${replica} is outside 0..${replicas - 1}`);
}
