/**
 * Decoding of what cuba_step.wgsl records: spike bit rows [step][replica][recWords] and u/v rows
 * [state step][replica][stateN][2], into the backend contract's per-replica recordings.
 */
import type { ReplicaRecording } from '../types.ts';
import type { RecordingLayout } from './layout.ts';

/**
 * Turns spike rows (row 0 = step `firstStep`) and u/v rows into recordings, one per replica.
 * Spikes come out sorted by step, then index, as bits are scanned in that order.
 */
export function decodeRecording(
  rec: RecordingLayout,
  replicas: number,
  spikeWords: Uint32Array,
  spikeRows: number,
  firstStep: number,
  stateWords: Int32Array,
  stateRows: number,
): ReplicaRecording[] {
  const out: ReplicaRecording[] = Array.from({ length: replicas }, () => ({ spikes: {}, u: {}, v: {} }));
  for (let r = 0; r < replicas; r++) {
    const recording = out[r]!;
    rec.spikeGroups.forEach((group, g) => {
      const offset = rec.spikeOffsets[g]!;
      const pairs: Array<[number, number]> = [];
      for (let row = 0; row < spikeRows; row++) {
        const base = (row * replicas + r) * rec.recWords;
        for (let w = offset >>> 5; w < Math.ceil((offset + group.size) / 32); w++) {
          let bits = spikeWords[base + w]!;
          while (bits !== 0) {
            const bit = 31 - Math.clz32(bits & -bits);
            bits &= bits - 1;
            const index = w * 32 + bit - offset;
            if (index >= 0 && index < group.size) pairs.push([firstStep + row, index]);
          }
        }
      }
      recording.spikes[group.name] = pairs;
    });
    rec.stateGroups.forEach((group, g) => {
      const offset = rec.stateOffsets[g]!;
      const u: Int32Array[] = [];
      const v: Int32Array[] = [];
      for (let row = 0; row < stateRows; row++) {
        const base = 2 * ((row * replicas + r) * rec.stateN + offset);
        const us = new Int32Array(group.size);
        const vs = new Int32Array(group.size);
        for (let i = 0; i < group.size; i++) {
          us[i] = stateWords[base + 2 * i]!;
          vs[i] = stateWords[base + 2 * i + 1]!;
        }
        u.push(us);
        v.push(vs);
      }
      recording.u[group.name] = u;
      recording.v[group.name] = v;
    });
  }
  return out;
}
