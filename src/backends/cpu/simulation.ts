/**
 * The CPU reference simulation (the oracle): Loihi-exact integer semantics over typed arrays.
 * Each step t, per replica: compartments integrate A(t) and spike (loihi-cuba.md steps 1-6); source spikes
 * listed at t fire; all spikes of t are delivered into the delay ring with the weights before LEARN(t)
 * (step 7, arrival at t+1+d); then LEARN(t) updates plastic synapses (nbp-circuit.md §2, spike-then-learn).
 */
import { validateNetwork } from '../../network/validate.ts';
import type { Network } from '../../network/types.ts';
import { RANGES } from '../../loihi/constants.ts';
import { checkInjectedSpikes, checkReplica, checkReplicaCount, checkRunSteps, checkWriteWeights, projectionNamed, unknownSource } from '../checks.ts';
import type { ReplicaRecording, Simulation, SimulationOptions, SimulationStats } from '../types.ts';
import { layoutNetwork, type NetworkLayout } from './layout.ts';
import { updateGroup, type CompartmentState } from './neurons.ts';
import { CpuProjection } from './projection.ts';
import { resolveRecording, Recorder } from './recording.ts';

/** Scheduled source spikes: step → indices, per source. */
type Schedule = Map<number, number[]>[];

/** Everything one replica owns. */
interface ReplicaState extends CompartmentState {
  /** Delay ring of inputs: `slots` rows of one value per compartment; row t % slots holds A(t). */
  ring: Int32Array;
  /** 1 for every neuron (compartments, then source neurons) that spiked in the current step. */
  fired: Uint8Array;
  /** Per population: local indices that spiked in the current step, and how many. */
  spiking: Int32Array[];
  spikeCount: Int32Array;
  /** Spikes injected for this replica only. */
  schedule: Schedule;
  recorder: Recorder;
}

function addToSchedule(schedule: Map<number, number[]>, step: number, index: number): void {
  const list = schedule.get(step);
  if (list) list.push(index);
  else schedule.set(step, [index]);
}

/** A network running on the CPU backend. */
export class CpuSimulation implements Simulation {
  readonly backend = 'cpu' as const;
  readonly replicas: number;
  private step = 0;
  private readonly layout: NetworkLayout;
  private readonly projections: CpuProjection[];
  private readonly projectionByName: Map<string, CpuProjection>;
  /** Rows of the delay ring: the largest delay + 1 (a spike of step t lands in rows t+1 .. t+1+maxDelay). */
  private readonly slots: number;
  private readonly state: ReplicaState[];
  /** Spikes of the description and spikes injected for all replicas. */
  private readonly sharedSchedule: Schedule;
  private synapticEvents = 0;
  private disposed = false;
  private readonly slotBase: Int32Array;

  constructor(network: Network, options: SimulationOptions = {}) {
    validateNetwork(network);
    const replicas = checkReplicaCount(options.replicas);
    this.replicas = replicas;
    const layout = layoutNetwork(network);
    this.layout = layout;
    const recording = resolveRecording(options.recording, layout);
    const populationOf = (name: string): number => (layout.groupByName.get(name) ?? layout.sourceByName.get(name))!.population;
    this.projections = network.projections.map((p) => {
      const pre = populationOf(p.from);
      const post = layout.groupByName.get(p.to)!;
      const reward = p.learning?.reward;
      return new CpuProjection(
        p,
        {
          preFlagOffset: layout.flagOffset[pre]!,
          preSize: layout.populationSize[pre]!,
          prePopulation: pre,
          postOffset: post.offset,
          postSize: post.size,
          rewardPopulation: reward === undefined ? -1 : layout.sourceByName.get(reward)!.population,
        },
        replicas,
      );
    });
    this.projectionByName = new Map(this.projections.map((p) => [p.name, p]));
    this.slots = Math.max(0, ...this.projections.map((p) => p.maxDelay)) + 1;
    this.slotBase = new Int32Array(RANGES.delay.max + 1);
    this.sharedSchedule = network.sources.map((s) => {
      const schedule = new Map<number, number[]>();
      for (const [step, index] of s.spikes ?? []) addToSchedule(schedule, step, index);
      return schedule;
    });
    this.state = Array.from({ length: replicas }, () => ({
      u: layout.uInit.slice(),
      v: layout.vInit.slice(),
      refUntil: new Int32Array(layout.compartments).fill(-1),
      ring: new Int32Array(this.slots * layout.compartments),
      fired: new Uint8Array(layout.flagLength),
      spiking: Array.from(layout.populationSize, (size) => new Int32Array(size)),
      spikeCount: new Int32Array(layout.populations),
      schedule: network.sources.map(() => new Map<number, number[]>()),
      recorder: new Recorder(recording),
    }));
  }

  get currentStep(): number {
    return this.step;
  }

  injectSpikes(source: string, spikes: ReadonlyArray<readonly [number, number]>, replica?: number): void {
    this.live('injectSpikes');
    const layout = this.layout.sourceByName.get(source);
    if (!layout) throw unknownSource(source, [...this.layout.sourceByName.keys()]);
    checkReplica(replica, this.replicas, 'injectSpikes');
    const sourceIndex = layout.population - this.layout.groups.length;
    checkInjectedSpikes(source, layout.size, spikes, this.step);
    const schedule = replica === undefined ? this.sharedSchedule[sourceIndex]! : this.state[replica]!.schedule[sourceIndex]!;
    for (const [step, index] of spikes) addToSchedule(schedule, step, index);
  }

  async run(steps: number): Promise<void> {
    this.live('run');
    checkRunSteps(steps);
    // Replicas are independent, so each runs all its steps in turn (better cache use than step-major).
    for (let r = 0; r < this.replicas; r++) {
      for (let t = this.step; t < this.step + steps; t++) this.advance(r, t);
    }
    this.step += steps;
    for (const schedule of [this.sharedSchedule, ...this.state.map((s) => s.schedule)]) {
      for (const perSource of schedule) for (const step of perSource.keys()) if (step < this.step) perSource.delete(step);
    }
  }

  /** One step t of replica r. */
  private advance(r: number, t: number): void {
    const layout = this.layout;
    const st = this.state[r]!;
    const { fired, spiking, spikeCount } = st;
    for (let p = 0; p < layout.populations; p++) {
      const base = layout.flagOffset[p]!;
      const list = spiking[p]!;
      for (let k = spikeCount[p]! - 1; k >= 0; k--) fired[base + list[k]!] = 0;
      spikeCount[p] = 0;
    }
    // Steps 1-6: every compartment integrates A(t) (ring row t % slots) and may spike.
    const inputBase = (t % this.slots) * layout.compartments;
    for (const group of layout.groups) {
      spikeCount[group.population] = updateGroup(group, st, layout.bias, st.ring, inputBase, t, fired, spiking[group.population]!);
    }
    // Source spikes listed at t count as spikes of step t (a repeated entry is still one spike).
    for (const source of layout.sources) {
      const list = spiking[source.population]!;
      let count = 0;
      const sourceIndex = source.population - layout.groups.length;
      for (const indices of [this.sharedSchedule[sourceIndex]!.get(t), st.schedule[sourceIndex]!.get(t)]) {
        if (!indices) continue;
        for (const index of indices) {
          if (fired[source.flagOffset + index]) continue;
          fired[source.flagOffset + index] = 1;
          list[count++] = index;
        }
      }
      spikeCount[source.population] = count;
    }
    // Step 7: spikes of t reach the input of step t+1+d, with the weights from before LEARN(t).
    for (let d = 0; d < this.slots; d++) this.slotBase[d] = ((t + 1 + d) % this.slots) * layout.compartments;
    for (const projection of this.projections) {
      const pre = projection.ends.prePopulation;
      this.synapticEvents += projection.deliver(r, spiking[pre]!, spikeCount[pre]!, st.ring, this.slotBase);
    }
    // LEARN(t): x0, y0 and r1 are this step's spikes; the reward acts in its own step only.
    for (const projection of this.projections) {
      if (!projection.plastic) continue;
      const { prePopulation, rewardPopulation } = projection.ends;
      const r1 = rewardPopulation >= 0 && spikeCount[rewardPopulation]! > 0 ? 1 : 0;
      projection.learn(r, spiking[prePopulation]!, spikeCount[prePopulation]!, fired, r1);
    }
    st.recorder.record(t, st, spiking, spikeCount);
  }

  async readRecording(): Promise<ReplicaRecording[]> {
    this.live('readRecording');
    return this.state.map((st) => st.recorder.read());
  }

  clearRecording(): void {
    this.live('clearRecording');
    for (const st of this.state) st.recorder.clear();
  }

  async readWeights(projection: string, replica = 0): Promise<Int32Array> {
    this.live('readWeights');
    checkReplica(replica, this.replicas, 'readWeights');
    return projectionNamed(this.projectionByName, projection, 'readWeights').readWeights(replica);
  }

  async writeWeights(projection: string, weights: ArrayLike<number>, replica?: number): Promise<void> {
    this.live('writeWeights');
    checkReplica(replica, this.replicas, 'writeWeights');
    const p = projectionNamed(this.projectionByName, projection, 'writeWeights');
    checkWriteWeights(projection, weights, p.descLength);
    p.writeWeights(weights, replica);
  }

  async readState(group: string, replica = 0): Promise<{ u: Int32Array; v: Int32Array }> {
    this.live('readState');
    checkReplica(replica, this.replicas, 'readState');
    const g = this.layout.groupByName.get(group);
    if (!g) throw new RangeError(`readState: no group named '${group}' (groups: ${[...this.layout.groupByName.keys()].join(', ')})`);
    const st = this.state[replica]!;
    return { u: st.u.slice(g.offset, g.offset + g.size), v: st.v.slice(g.offset, g.offset + g.size) };
  }

  stats(): SimulationStats {
    return { steps: this.step, dispatches: 0, submits: 0, readbacks: 0, synapticEvents: this.synapticEvents };
  }

  /** Frees the state; every later call except dispose() throws a clear "disposed" error. */
  dispose(): void {
    this.disposed = true;
    this.state.length = 0;
  }

  private live(method: string): void {
    if (this.disposed) throw new Error(`${method}: this CPU simulation has been disposed; create a new one`);
  }
}
