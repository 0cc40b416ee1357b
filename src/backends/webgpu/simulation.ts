/**
 * A network running on the WebGPU backend. Per step: cuba_step (neurons, source spikes, spike list), deliver
 * (indirect, one workgroup per spike; event-driven learning) and, when a rule needs it, learn. Many steps share
 * one compute pass and one submit; the step clock lives on the GPU (two clock bind groups alternate by step
 * parity), per-submit data (source spikes, state-record steps, params) is written before each submit, and
 * nothing is read back until asked (plus one 8-byte event counter per `run`).
 */
import type { Network } from '../../network/types.ts';
import { validateNetwork } from '../../network/validate.ts';
import { checkReplica, checkReplicaCount, checkRunSteps, checkWriteWeights, projectionNamed } from '../checks.ts';
import type { ReplicaRecording, Simulation, SimulationOptions, SimulationStats } from '../types.ts';
import type { GpuTimer } from './gpu-timer.ts';
import { layoutNetwork, type GpuLayout, type StrategyChoice } from './layout.ts';
import { initialWeights, packWeights, synapsesPerPre, unpackWeights } from './synapse-words.ts';
import { SourceSchedule } from './schedule.ts';
import { decodeRecording } from './recording.ts';
import { packSimParams, PARAM_FIELDS, type ParamName } from './kernels/params.ts';
import { stepGrid } from './kernels/step.ts';
import { learnGrid } from './kernels/learn.ts';
import { INDIRECT_INIT, indirectOffset } from './kernels/deliver.ts';
import type { SimKernels, SimPipelines } from './kernels/set.ts';
import { SimBuffers } from './buffers.ts';
import { readBuffers, type ReadbackRegion } from './readback.ts';

/** WebGPU-specific options (beyond the shared SimulationOptions). */
export interface WebgpuSimOptions {
  /** Synapse strategy for every projection or by projection name (default: chosen by shape). */
  strategy?: StrategyChoice;
  /** Brackets each submit's compute pass with timestamp queries (benchmarks). */
  timer?: GpuTimer;
  /**
   * Threads that deliver one spike: a power of two up to the workgroup size (default: from the mean number of
   * outgoing synapses per neuron, see {@link autoSpikeLanes}).
   */
  spikeLanes?: number;
}

/**
 * Threads per spike. On a GPU, rows are walked in about two strides by adjacent threads (coalesced reads of the
 * row), within one workgroup. A software adapter (SwiftShader) pays per workgroup and runs 4-wide SIMD on CPU
 * cores, so one thread per spike is fastest there (measured: about 4x faster delivery than 64 threads per spike
 * at 20,000 neurons with 80 synapses each).
 */
export function autoSpikeLanes(meanRow: number, workgroupSize: number, software: boolean): number {
  if (software) return 1;
  let lanes = 1;
  while (lanes * 2 <= workgroupSize && lanes * 4 <= meanRow) lanes *= 2;
  return lanes;
}

/** Default steps per queue submit. */
export const DEFAULT_STEPS_PER_SUBMIT = 64;

/** A network on a WebGPU device. */
export class WebgpuSimulation implements Simulation {
  readonly backend = 'webgpu' as const;
  private step = 0;
  private readonly schedule: SourceSchedule;
  private readonly stepsPerSubmit: number;
  private readonly counters = { dispatches: 0, submits: 0, readbacks: 0, synapticEvents: 0 };
  /** Step of spike-recording row 0 (moves on clearRecording). */
  private recBase = 0;
  /** First entry of stateSteps that readRecording returns (moves on clearRecording). */
  private stateFrom = 0;
  private readonly chunkData: Int32Array<ArrayBuffer>;
  /** Per projection and replica: existing synapses per pre neuron (writeWeights changes dense ones). */
  private readonly rowSynapses = new Map<string, Int32Array[]>();
  /** Per replica: existing outgoing synapses per neuron (sum over projections), mirrored in `tables`. */
  private readonly degrees: Int32Array<ArrayBuffer>[];
  private disposed = false;

  private constructor(
    private readonly kernels: SimKernels,
    private readonly pipelines: SimPipelines,
    private readonly layout: GpuLayout,
    readonly replicas: number,
    private readonly buffers: SimBuffers,
    private readonly timer: GpuTimer | undefined,
    stepsPerSubmit: number,
    private readonly spikeLanes: number,
  ) {
    this.stepsPerSubmit = stepsPerSubmit;
    this.schedule = new SourceSchedule(layout.sources, layout.N, replicas);
    this.chunkData = new Int32Array(buffers.chunkWords);
    this.degrees = Array.from({ length: replicas }, () => new Int32Array(layout.Npre));
    for (const p of layout.projections) {
      const counts = synapsesPerPre(p, p.description.synapses.weights);
      this.rowSynapses.set(
        p.name,
        Array.from({ length: replicas }, () => counts),
      );
      for (const degree of this.degrees) for (let j = 0; j < counts.length; j++) degree[p.pre.start + j]! += counts[j]!;
    }
    this.degrees.forEach((degree, r) => buffers.writeDegrees(r, 0, degree));
  }

  /** Validates the network, lays it out, compiles the kernels and uploads everything. */
  static async create(
    kernels: SimKernels,
    network: Network,
    options: SimulationOptions = {},
    gpuOptions: WebgpuSimOptions = {},
  ): Promise<WebgpuSimulation> {
    validateNetwork(network);
    const replicas = checkReplicaCount(options.replicas);
    const stepsPerSubmit = options.stepsPerSubmit ?? DEFAULT_STEPS_PER_SUBMIT;
    if (!Number.isInteger(stepsPerSubmit) || stepsPerSubmit < 1) throw new RangeError(`stepsPerSubmit = ${stepsPerSubmit} must be an integer >= 1`);
    const layout = layoutNetwork(network, options.recording, gpuOptions.strategy);
    const pipelines = await kernels.pipelines({
      record: layout.recording.recWords > 0 || layout.recording.stateN > 0,
      deliver: layout.hasSynapses,
      eventLearning: layout.hasEventLearning,
      fullLearning: layout.learnItems > 0,
    });
    const wg = kernels.workgroupSize;
    const withSynapses = layout.projections.reduce((n, p) => n + p.pre.size, 0);
    const lanes = gpuOptions.spikeLanes ?? autoSpikeLanes(withSynapses ? layout.storedSynapses / withSynapses : 1, wg, kernels.software);
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > wg || (lanes & (lanes - 1)) !== 0) {
      throw new RangeError(`spikeLanes = ${lanes} must be a power of two from 1 to the workgroup size ${wg}`);
    }
    const buffers = new SimBuffers(kernels, layout, replicas, stepsPerSubmit);
    buffers.upload(network, initialWeights(layout), INDIRECT_INIT);
    const sim = new WebgpuSimulation(kernels, pipelines, layout, replicas, buffers, gpuOptions.timer, stepsPerSubmit, lanes);
    network.sources.forEach((s) => sim.schedule.add(layout.byName.get(s.name)!, s.spikes ?? []));
    return sim;
  }

  get currentStep(): number {
    return this.step;
  }

  injectSpikes(source: string, spikes: ReadonlyArray<readonly [number, number]>, replica?: number): void {
    checkReplica(replica, this.replicas, 'injectSpikes');
    this.schedule.add(this.schedule.check(source, spikes, this.step), spikes, replica);
  }

  async run(steps: number): Promise<void> {
    checkRunSteps(steps);
    if (steps === 0) return;
    const { device } = this.kernels;
    const b = this.buffers;
    const rec = this.layout.recording;
    if (rec.recWords > 0) b.ensureSpikeRows(this.step + steps - this.recBase);
    const [gx, gy] = stepGrid(this.replicas, this.layout.Npre, this.kernels.workgroupSize);
    const [lx, ly] = learnGrid(this.replicas, this.layout.learnItems, this.kernels.workgroupSize);
    const { step: stepPipe, deliver, learn } = this.pipelines;
    let stateNext = rec.stateSteps.findIndex((s) => s >= this.step);
    if (stateNext < 0) stateNext = rec.stateSteps.length;
    for (let done = 0; done < steps; ) {
      const k = Math.min(this.stepsPerSubmit, steps - done);
      const t0 = this.step;
      device.queue.writeBuffer(b.params, 0, this.params(t0));
      // Per-submit data: the u/v row of each step (or -1), then the source bits of each step.
      const chunk = this.chunkData;
      for (let i = 0; i < k; i++) {
        chunk[i] = stateNext < rec.stateSteps.length && rec.stateSteps[stateNext] === t0 + i ? stateNext++ : -1;
      }
      if (this.schedule.words > 0) this.schedule.fill(t0, k, new Uint32Array(chunk.buffer, this.stepsPerSubmit * 4));
      device.queue.writeBuffer(b.chunk, 0, chunk);
      const encoder = device.createCommandEncoder({ label: `steps ${t0}..${t0 + k - 1}` });
      b.encodePendingClears(encoder);
      const timestampWrites = this.timer?.passTimestamps();
      const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
      for (let i = 0; i < k; i++) {
        const parity = (t0 + i) & 1;
        pass.setPipeline(stepPipe);
        pass.setBindGroup(0, b.stepGroup);
        pass.setBindGroup(1, b.clockGroups[parity]!);
        pass.dispatchWorkgroups(gx, gy);
        this.counters.dispatches++;
        if (deliver) {
          pass.setPipeline(deliver);
          pass.setBindGroup(0, b.deliverGroup);
          pass.dispatchWorkgroupsIndirect(b.indirect, indirectOffset(parity));
          this.counters.dispatches++;
        }
        if (learn) {
          pass.setPipeline(learn);
          pass.setBindGroup(0, b.learnGroup);
          pass.dispatchWorkgroups(lx, ly);
          this.counters.dispatches++;
        }
      }
      pass.end();
      this.timer?.resolve(encoder);
      device.queue.submit([encoder.finish()]);
      this.counters.submits++;
      this.step += k;
      done += k;
    }
    this.schedule.drop(this.step);
    // Waits for the GPU (so `run` means done) and refreshes the synaptic event count in the same readback.
    const [events] = await this.readback([{ buffer: b.control, offset: 8, size: 8 }]);
    const words = new Uint32Array(events!.buffer);
    this.counters.synapticEvents = words[0]! + words[1]! * 2 ** 32;
  }

  private params(chunkStart: number): Int32Array<ArrayBuffer> {
    const L = this.layout;
    const b = this.buffers;
    const values: Record<ParamName, number> = {
      R: this.replicas,
      N: L.N,
      Npre: L.Npre,
      ringSize: L.ringSize,
      ringMask: L.ringSize - 1,
      scratchOff: this.replicas * L.ringSize * L.N,
      scratchSize: L.scratchSize,
      wTotal: L.wTotal,
      bitsWords: b.bitsWords,
      bitsOff: b.bitsOff,
      listOff: b.listOff,
      srcWords: this.schedule.words,
      chunkStart,
      chunkBitsOff: this.stepsPerSubmit,
      recBase: this.recBase,
      recSpikeOff: b.stateWords,
      recWords: L.recording.recWords,
      stateN: L.recording.stateN,
      ...L.offsets,
      learnSegs: L.learnSegs,
      learnItems: L.learnItems,
      degreeOff: b.degreeOff,
      spikeLanes: this.spikeLanes,
      spikesPerGroup: this.kernels.workgroupSize / this.spikeLanes,
    };
    if (Object.keys(values).length !== PARAM_FIELDS.length) throw new Error('params: field list and values disagree');
    return new Int32Array(packSimParams(values));
  }

  async readRecording(): Promise<ReplicaRecording[]> {
    const rec = this.layout.recording;
    const b = this.buffers;
    const spikeRows = rec.recWords > 0 ? this.step - this.recBase : 0;
    let stateTo = rec.stateSteps.findIndex((s) => s >= this.step);
    if (stateTo < 0) stateTo = rec.stateSteps.length;
    const stateRows = Math.max(0, stateTo - this.stateFrom);
    const rowWords = this.replicas * rec.stateN * 2;
    const [spikes, state] = await this.readback([
      { buffer: b.rec, offset: b.stateWords * 4, size: spikeRows * this.replicas * rec.recWords * 4 },
      { buffer: b.rec, offset: this.stateFrom * rowWords * 4, size: stateRows * rowWords * 4 },
    ]);
    return decodeRecording(rec, this.replicas, new Uint32Array(spikes!.buffer), spikeRows, this.recBase, state!, stateRows);
  }

  clearRecording(): void {
    const rec = this.layout.recording;
    if (rec.recWords > 0) this.buffers.clearSpikeRows(this.step - this.recBase);
    this.recBase = this.step;
    const next = rec.stateSteps.findIndex((s) => s >= this.step);
    this.stateFrom = next < 0 ? rec.stateSteps.length : next;
  }

  async readWeights(projection: string, replica = 0): Promise<Int32Array> {
    checkReplica(replica, this.replicas, 'readWeights');
    const p = projectionNamed(this.layout.projectionByName, projection, 'readWeights');
    const offset = (replica * this.layout.wTotal + p.wBase) * 4;
    const [words] = await this.readback([{ buffer: this.buffers.weights, offset, size: p.stored.length * 4 }]);
    return unpackWeights(p, words!);
  }

  async writeWeights(projection: string, weights: ArrayLike<number>, replica?: number): Promise<void> {
    checkReplica(replica, this.replicas, 'writeWeights');
    const p = projectionNamed(this.layout.projectionByName, projection, 'writeWeights');
    checkWriteWeights(projection, weights, p.descLength);
    const words = new Int32Array(p.stored.length);
    words.set(p.stored.delay);
    packWeights(p, weights, words);
    const targets = replica === undefined ? Array.from({ length: this.replicas }, (_, r) => r) : [replica];
    const counts = synapsesPerPre(p, weights);
    for (const r of targets) {
      this.kernels.device.queue.writeBuffer(this.buffers.weights, (r * this.layout.wTotal + p.wBase) * 4, words);
      // Dense non-plastic projections gain or lose synapses with their nonzero entries: update the out-degrees.
      const old = this.rowSynapses.get(p.name)![r]!;
      const degree = this.degrees[r]!;
      for (let j = 0; j < counts.length; j++) degree[p.pre.start + j]! += counts[j]! - old[j]!;
      this.rowSynapses.get(p.name)![r] = counts;
      this.buffers.writeDegrees(r, p.pre.start, degree.slice(p.pre.start, p.pre.start + p.pre.size));
    }
  }

  async readState(group: string, replica = 0): Promise<{ u: Int32Array; v: Int32Array }> {
    checkReplica(replica, this.replicas, 'readState');
    const g = this.layout.byName.get(group);
    if (!g || g.isSource) throw new RangeError(`readState: no group named '${group}' (groups: ${this.layout.groups.map((x) => x.name).join(', ')})`);
    const [words] = await this.readback([{ buffer: this.buffers.state, offset: (replica * this.layout.N + g.start) * 12, size: g.size * 12 }]);
    const u = new Int32Array(g.size);
    const v = new Int32Array(g.size);
    for (let i = 0; i < g.size; i++) {
      u[i] = words![3 * i]!;
      v[i] = words![3 * i + 1]!;
    }
    return { u, v };
  }

  stats(): SimulationStats {
    return { steps: this.step, ...this.counters };
  }

  /** Bytes of GPU memory per stored synapse (weights of all replicas plus CSR indices). */
  bytesPerSynapse(): number {
    const { perReplica, shared } = this.layout.synapseBytes;
    return this.layout.storedSynapses ? (perReplica * this.replicas + shared) / this.layout.storedSynapses : 0;
  }

  /** The strategy chosen for each projection. */
  strategies(): Record<string, string> {
    return Object.fromEntries(this.layout.projections.map((p) => [p.name, p.strategy]));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.buffers.destroy();
  }

  /** Reads buffer ranges back as Int32Arrays (one staging buffer, one map: one readback). */
  private async readback(ranges: ReadbackRegion[]): Promise<Int32Array[]> {
    this.counters.readbacks++;
    const parts = await readBuffers(this.kernels.device, ranges);
    return parts.map((part) => new Int32Array(part));
  }
}
