/**
 * GPU buffers and bind groups of one simulation: made once (the recording buffer is remade only when it must
 * grow), laid out as the kernels' headers describe.
 */
import type { Network } from '../../network/types.ts';
import type { GpuLayout } from './layout.ts';
import { PARAM_FIELDS } from './kernels/params.ts';
import type { SimKernels } from './kernels/set.ts';
import { CONTROL_HEADER } from './kernels/tables.ts';

/** Throws, naming the buffer, when it exceeds what the device can bind. */
function checkSize(device: GPUDevice, label: string, bytes: number): void {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  if (bytes > limit) {
    throw new RangeError(
      `WebGPU buffer '${label}' needs ${bytes} bytes, more than this device binds (${limit}); use fewer replicas, neurons or synapses`,
    );
  }
}

/** The buffers of a simulation. */
export class SimBuffers {
  readonly params: GPUBuffer;
  /** The layout's static tables, then the out-degrees [R][Npre] (existing synapses, for event counts). */
  readonly tables: GPUBuffer;
  /** Word offset of the out-degrees in `tables`. */
  readonly degreeOff: number;
  /** [R][N][3]: u, v, ref_until. */
  readonly state: GPUBuffer;
  /** Delay ring [R][D][N], then weight_exp < 0 scratch [R][S]. */
  readonly acc: GPUBuffer;
  /** Synapse words [R][wTotal]. */
  readonly weights: GPUBuffer;
  readonly control: GPUBuffer;
  readonly indirect: GPUBuffer;
  readonly chunk: GPUBuffer;
  rec: GPUBuffer;
  readonly clocks: [GPUBuffer, GPUBuffer];
  /** Clock bind groups by step parity: step t reads clocks[t & 1] and writes the other. */
  readonly clockGroups: [GPUBindGroup, GPUBindGroup];
  stepGroup!: GPUBindGroup;
  readonly deliverGroup: GPUBindGroup;
  readonly learnGroup: GPUBindGroup;

  /** Spike-bit words per replica. */
  readonly bitsWords: number;
  readonly bitsOff: number;
  readonly listOff: number;
  /** Words of the chunk buffer (K state-record indices, then K*R*srcWords source bits). */
  readonly chunkWords: number;
  /** Words of recorded u/v rows (all stateSteps); spike rows follow. */
  readonly stateWords: number;
  /** Spike rows the recording buffer holds. */
  private spikeRows = 0;
  /** Spike rows to zero before the next pass (after clearRecording). */
  private clearRows = 0;
  private readonly all: GPUBuffer[] = [];

  constructor(
    private readonly kernels: SimKernels,
    private readonly layout: GpuLayout,
    private readonly replicas: number,
    stepsPerSubmit: number,
  ) {
    // GPUBufferUsage exists only once a device has been acquired (Node sets the globals then), so read it here.
    const { STORAGE, COPY_DST, COPY_SRC } = GPUBufferUsage;
    const R = replicas;
    const L = layout;
    this.bitsWords = Math.ceil(L.Npre / 32);
    this.bitsOff = CONTROL_HEADER;
    this.listOff = this.bitsOff + 2 * R * this.bitsWords;
    const sourceWords = Math.ceil(L.sourceNeurons / 32);
    this.chunkWords = stepsPerSubmit * (1 + R * sourceWords);
    this.stateWords = L.recording.stateSteps.length * R * L.recording.stateN * 2;

    this.degreeOff = L.tables.length;
    // Sizes are checked against the device's limits before any buffer exists.
    const bytes = {
      params: PARAM_FIELDS.length * 4,
      tables: (L.tables.length + R * L.Npre) * 4,
      state: R * L.N * 12,
      acc: (R * L.ringSize * L.N + R * L.scratchSize) * 4,
      weights: R * L.wTotal * 4,
      control: (this.listOff + 2 * R * L.Npre) * 4,
      chunk: this.chunkWords * 4,
      rec: this.stateWords * 4,
    };
    for (const [label, size] of Object.entries(bytes)) checkSize(kernels.device, label, size);
    this.params = this.buffer('params', bytes.params, GPUBufferUsage.UNIFORM | COPY_DST);
    this.tables = this.buffer('tables', bytes.tables, STORAGE | COPY_DST);
    this.state = this.buffer('state', bytes.state, STORAGE | COPY_DST | COPY_SRC);
    this.acc = this.buffer('acc', bytes.acc, STORAGE);
    this.weights = this.buffer('weights', bytes.weights, STORAGE | COPY_DST | COPY_SRC);
    this.control = this.buffer('control', bytes.control, STORAGE | COPY_SRC);
    this.indirect = this.buffer('indirect', 32, STORAGE | GPUBufferUsage.INDIRECT | COPY_DST);
    this.chunk = this.buffer('chunk', bytes.chunk, STORAGE | COPY_DST);
    this.rec = this.buffer('rec', bytes.rec, STORAGE | COPY_SRC | COPY_DST);
    this.clocks = [this.buffer('clock0', 4, STORAGE), this.buffer('clock1', 4, STORAGE)];

    const { device } = kernels;
    const group = (label: string, layout: GPUBindGroupLayout, buffers: GPUBuffer[]): GPUBindGroup =>
      device.createBindGroup({ label, layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    this.clockGroups = [
      group('clock even', kernels.clockLayout, [this.clocks[0], this.clocks[1]]),
      group('clock odd', kernels.clockLayout, [this.clocks[1], this.clocks[0]]),
    ];
    this.deliverGroup = group('deliver', kernels.deliverLayout, [this.params, this.tables, this.weights, this.acc, this.control]);
    this.learnGroup = group('learn', kernels.learnLayout, [this.params, this.tables, this.weights, this.control]);
    this.makeStepGroup();
  }

  private buffer(label: string, bytes: number, usage: number): GPUBuffer {
    // Zero-sized bindings are invalid; 16 bytes keeps every buffer bindable and uniform-sized.
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const buffer = this.kernels.device.createBuffer({ label, size, usage });
    this.all.push(buffer);
    return buffer;
  }

  private makeStepGroup(): void {
    const buffers = [this.params, this.tables, this.state, this.acc, this.control, this.indirect, this.chunk, this.rec];
    this.stepGroup = this.kernels.device.createBindGroup({
      label: 'cuba_step',
      layout: this.kernels.stepLayout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** Uploads tables, initial state and weights, and the indirect arguments (new buffers are zero). */
  upload(network: Network, weights: Int32Array<ArrayBuffer>, indirectInit: Uint32Array<ArrayBuffer>): void {
    const { queue } = this.kernels.device;
    const L = this.layout;
    queue.writeBuffer(this.tables, 0, L.tables);
    const state = new Int32Array(Math.max(4, L.N * 3));
    network.groups.forEach((g, gi) => {
      const base = L.groups[gi]!.start;
      for (let i = 0; i < g.size; i++) {
        state[3 * (base + i)] = g.uInit?.[i] ?? 0;
        state[3 * (base + i) + 1] = g.vInit?.[i] ?? 0;
        state[3 * (base + i) + 2] = -1;
      }
    });
    for (let r = 0; r < this.replicas; r++) {
      if (L.N > 0) queue.writeBuffer(this.state, r * L.N * 12, state, 0, L.N * 3);
      if (L.wTotal > 0) queue.writeBuffer(this.weights, r * L.wTotal * 4, weights, 0, L.wTotal);
    }
    queue.writeBuffer(this.indirect, 0, indirectInit);
  }

  /** Writes out-degrees of one replica for neurons start .. start + values.length - 1. */
  writeDegrees(replica: number, start: number, values: Int32Array<ArrayBuffer>): void {
    const at = (this.degreeOff + replica * this.layout.Npre + start) * 4;
    if (values.length > 0) this.kernels.device.queue.writeBuffer(this.tables, at, values);
  }

  /** Makes room for `rows` spike rows, copying the recorded ones into a larger buffer when needed. */
  ensureSpikeRows(rows: number): void {
    if (rows <= this.spikeRows) return;
    const rowWords = this.replicas * this.layout.recording.recWords;
    const next = Math.max(rows, 2 * this.spikeRows, 64);
    const old = this.rec;
    const bytes = (this.stateWords + next * rowWords) * 4;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    checkSize(this.kernels.device, 'rec (recorded spikes: clearRecording bounds it)', size);
    const rec = this.kernels.device.createBuffer({ label: 'rec', size, usage });
    const encoder = this.kernels.device.createCommandEncoder({ label: 'grow rec' });
    encoder.copyBufferToBuffer(old, 0, rec, 0, Math.min(old.size, (this.stateWords + this.spikeRows * rowWords) * 4));
    this.kernels.device.queue.submit([encoder.finish()]);
    old.destroy();
    this.all[this.all.indexOf(old)] = rec;
    this.rec = rec;
    this.spikeRows = next;
    this.makeStepGroup();
  }

  /** Zeroes the first `rows` spike rows before the next pass (recording restarts at row 0). */
  clearSpikeRows(rows: number): void {
    this.clearRows = Math.max(this.clearRows, Math.min(rows, this.spikeRows));
  }

  /** Encodes pending clears (call before the compute pass). */
  encodePendingClears(encoder: GPUCommandEncoder): void {
    if (this.clearRows === 0) return;
    const rowWords = this.replicas * this.layout.recording.recWords;
    encoder.clearBuffer(this.rec, this.stateWords * 4, this.clearRows * rowWords * 4);
    this.clearRows = 0;
  }

  /** Releases every buffer. */
  destroy(): void {
    for (const buffer of this.all) buffer.destroy();
  }
}
