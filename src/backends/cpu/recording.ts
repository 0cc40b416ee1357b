/** What the CPU backend records per replica: spikes of chosen groups every step, u and v at chosen steps. */
import type { RecordingOptions, ReplicaRecording } from '../types.ts';
import type { CompartmentState } from './neurons.ts';
import type { GroupLayout, NetworkLayout } from './layout.ts';

/** Recording options checked and resolved to group layouts. */
export interface ResolvedRecording {
  spikeGroups: GroupLayout[];
  stateGroups: GroupLayout[];
  stateSteps: number[];
}

/** Checks recording options against the network (group names, strictly increasing steps). */
export function resolveRecording(options: RecordingOptions | undefined, layout: NetworkLayout): ResolvedRecording {
  const resolve = (field: string, names: string[] | 'all' | undefined): GroupLayout[] => {
    if (names === undefined) return [];
    if (names === 'all') return layout.groups;
    return names.map((name, i) => {
      const group = layout.groupByName.get(name);
      if (!group) throw new RangeError(`recording.${field}[${i}] = '${name}' names no group (groups: ${[...layout.groupByName.keys()].join(', ')})`);
      return group;
    });
  };
  const stateSteps = options?.stateSteps ?? [];
  stateSteps.forEach((step, i) => {
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`recording.stateSteps[${i}] = ${step} must be an integer >= 0`);
    if (i > 0 && step <= stateSteps[i - 1]!) {
      throw new RangeError(`recording.stateSteps[${i}] = ${step} must be greater than stateSteps[${i - 1}] = ${stateSteps[i - 1]}`);
    }
  });
  return { spikeGroups: resolve('spikes', options?.spikes), stateGroups: resolve('state', options?.state), stateSteps: [...stateSteps] };
}

/** Accumulates one replica's recording. */
export class Recorder {
  /** Per recorded group: flat (step, index) pairs in step order, then index order. */
  private spikes: number[][];
  private u: Int32Array[][];
  private v: Int32Array[][];
  /** Index of the next entry of stateSteps to record. */
  private nextState = 0;

  constructor(private readonly options: ResolvedRecording) {
    this.spikes = options.spikeGroups.map(() => []);
    this.u = options.stateGroups.map(() => []);
    this.v = options.stateGroups.map(() => []);
  }

  /** Records step t: the spikes of each recorded group (local indices, increasing) and, at a state step, u and v. */
  record(t: number, state: CompartmentState, spiking: Int32Array[], spikeCount: Int32Array): void {
    const { spikeGroups, stateGroups, stateSteps } = this.options;
    for (let g = 0; g < spikeGroups.length; g++) {
      const population = spikeGroups[g]!.population;
      const list = spiking[population]!;
      const out = this.spikes[g]!;
      for (let k = 0; k < spikeCount[population]!; k++) out.push(t, list[k]!);
    }
    while (this.nextState < stateSteps.length && stateSteps[this.nextState]! < t) this.nextState++;
    if (stateSteps[this.nextState] !== t) return;
    this.nextState++;
    stateGroups.forEach((group, g) => {
      this.u[g]!.push(state.u.slice(group.offset, group.offset + group.size));
      this.v[g]!.push(state.v.slice(group.offset, group.offset + group.size));
    });
  }

  /** The recording so far. */
  read(): ReplicaRecording {
    const out: ReplicaRecording = { spikes: {}, u: {}, v: {} };
    this.options.spikeGroups.forEach((group, g) => {
      const flat = this.spikes[g]!;
      const pairs: Array<[number, number]> = [];
      for (let k = 0; k < flat.length; k += 2) pairs.push([flat[k]!, flat[k + 1]!]);
      out.spikes[group.name] = pairs;
    });
    this.options.stateGroups.forEach((group, g) => {
      out.u[group.name] = this.u[g]!.map((row) => row.slice());
      out.v[group.name] = this.v[g]!.map((row) => row.slice());
    });
    return out;
  }

  /** Drops what has been recorded (the position in stateSteps is kept). */
  clear(): void {
    for (const list of this.spikes) list.length = 0;
    for (const rows of [...this.u, ...this.v]) rows.length = 0;
  }
}
