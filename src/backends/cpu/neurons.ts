/**
 * The compartment update of one group for one step, loihi-cuba.md "One timestep t" steps 1 to 6, over flat
 * typed arrays. Each line calls the rule of src/loihi/neuron.ts that it implements.
 */
import { updateCurrent, updateVoltage } from '../../loihi/neuron.ts';
import type { GroupLayout } from './layout.ts';

/** Per-replica compartment state, flat over all groups. */
export interface CompartmentState {
  /** Current, 24 bits: (-2^23, 2^23]. */
  u: Int32Array;
  /** Voltage, 24 bits: [-(2^23-1), 2^23-1]. */
  v: Int32Array;
  /** Last refractory step (-1 initially): active at step t iff refUntil < t. */
  refUntil: Int32Array;
}

/**
 * Updates every compartment of `group` at step t with the input A(t) read (and cleared) from `input` at
 * `inputBase + compartment`. Spiking compartments are flagged in `fired` and their local indices appended to
 * `spiking` in increasing order; returns how many spiked.
 */
export function updateGroup(
  group: GroupLayout,
  state: CompartmentState,
  bias: Int32Array,
  input: Int32Array,
  inputBase: number,
  t: number,
  fired: Uint8Array,
  spiking: Int32Array,
): number {
  const { u, v, refUntil } = state;
  const { offset, size, du, dv, vthEff, refractory } = group;
  let count = 0;
  for (let i = 0; i < size; i++) {
    const c = offset + i;
    // 1. A(t): everything that arrives at this step, then the ring slot is free for step t + slots.
    const a = input[inputBase + c]!;
    input[inputBase + c] = 0;
    // 2. The current integrates every step, refractory or not.
    const uNew = updateCurrent(u[c]!, du, a);
    u[c] = uNew;
    // 3. A refractory compartment holds v (= 0 after its reset) and cannot spike.
    if (refUntil[c]! >= t) continue;
    const vNew = updateVoltage(v[c]!, dv, uNew, bias[c]!);
    // 4./5. Spike on v' > VTH (strict): reset v, block steps t+1 .. t+refractory.
    if (vNew > vthEff) {
      v[c] = 0;
      refUntil[c] = t + refractory;
      fired[c] = 1;
      spiking[count++] = i;
    } else {
      v[c] = vNew;
    }
  }
  return count;
}
