/**
 * The wasm backend's simulation: the Simulation contract over engines (./engine.ts). One replica (or threads = 1)
 * runs in the calling thread; R > 1 replicas are split into contiguous groups, one engine per worker thread
 * (Node), as the nBP CPU engine does, and the groups advance in parallel. On request (partitionMinCompartments)
 * one replica is split by compartments over worker threads instead. Arguments are checked here, with the
 * messages of every backend (../checks.ts), before any engine sees them.
 */
import { validateNetwork } from '../../network/validate.ts';
import type { Network } from '../../network/types.ts';
import { checkInjectedSpikes, checkReplica, checkReplicaCount, checkRunSteps, checkWriteWeights, projectionNamed, unknownSource } from '../checks.ts';
import { layoutNetwork } from '../cpu/layout.ts';
import { resolveRecording } from '../cpu/recording.ts';
import type { ReplicaRecording, Simulation, SimulationOptions, SimulationStats } from '../types.ts';
import { siblingModule, startRequestWorker } from '../../modules.ts';
import { exchangeBytes, partitionBounds, type FlatRecording } from './engine.ts';
import { EngineHost, type EngineRequest, type RunReply } from './host.ts';

/** A host of some replicas: in this thread or in a worker. */
interface EngineHandle {
  /** First replica (global index) and how many this host holds. */
  first: number;
  count: number;
  request(req: EngineRequest): Promise<unknown>;
  close(): void;
}

function inlineHandle(first: number, count: number): EngineHandle {
  const host = new EngineHost();
  return { first, count, request: async (req) => host.handle(req), close: () => {} };
}

async function workerHandle(first: number, count: number): Promise<EngineHandle> {
  const worker = await startRequestWorker<EngineRequest>(siblingModule('./worker', import.meta.url), 'wasm backend worker');
  return { first, count, request: (req) => worker.request(req), close: () => void worker.close('wasm simulation disposed') };
}

/** Worker threads this environment offers (1 where there are none: browsers, or Node without the module). */
export async function availableThreads(): Promise<number> {
  if (typeof process === 'undefined' || !process.versions?.node) return 1;
  const os = await import('node:os');
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

/** Options of the wasm backend. */
export interface WasmBackendOptions {
  /** Most worker threads (default: the machine's parallelism); 1 runs everything in this thread. */
  threads?: number;
  /**
   * Opt-in: a single replica of a network without plastic projections and with at least this many compartments
   * is split by compartments over the threads (each part updates its compartments and delivers onto them; the
   * spikes of every step are exchanged through shared memory, with one barrier per step). Default: never (one
   * replica runs in the calling thread). It pays on idle cores only: on a loaded machine a part that is descheduled
   * stalls every other part at the barrier (bench core at 100,000 neurons, 2 busy cores: 2.0× the oracle split,
   * 3× unsplit).
   */
  partitionMinCompartments?: number;
}

/** Compartments from which one replica is split over threads by default: never (see partitionMinCompartments). */
export const PARTITION_MIN_COMPARTMENTS = Number.POSITIVE_INFINITY;
/** Compartments each part should have at least. */
const PART_MIN_COMPARTMENTS = 4096;

/** A network running on the wasm backend. */
export class WasmSimulation implements Simulation {
  readonly backend = 'wasm' as const;
  readonly replicas: number;
  private step = 0;
  private events: number[];
  /** Requests sent without waiting (injectSpikes, clearRecording); awaited before the next call. */
  private inFlight: Promise<unknown>[] = [];
  private readonly sourceSizes: Map<string, number>;
  private readonly projectionLength: Map<string, number>;
  private readonly groupNames: Set<string>;

  private constructor(
    private readonly handles: EngineHandle[],
    network: Network,
    replicas: number,
    /** Whether the hosts are parts of one replica (by compartments) rather than groups of replicas. */
    private readonly parts: boolean,
  ) {
    this.replicas = replicas;
    this.events = handles.map(() => 0);
    const layout = layoutNetwork(network);
    this.sourceSizes = new Map(network.sources.map((s) => [s.name, s.size]));
    this.groupNames = new Set(network.groups.map((g) => g.name));
    this.projectionLength = new Map(
      network.projections.map((p) => {
        const pre = layout.groupByName.get(p.from)?.size ?? layout.sourceByName.get(p.from)!.size;
        const post = layout.groupByName.get(p.to)!.size;
        return [p.name, p.synapses.kind === 'dense' ? pre * post : p.synapses.pre.length];
      }),
    );
  }

  /** Validates and builds; replicas are spread over min(replicas, threads) hosts. */
  static async create(network: Network, options: SimulationOptions = {}, backendOptions: WasmBackendOptions = {}): Promise<WasmSimulation> {
    validateNetwork(network);
    const replicas = checkReplicaCount(options.replicas);
    resolveRecording(options.recording, layoutNetwork(network));
    const threads = backendOptions.threads ?? (await availableThreads());
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`wasm backend: threads = ${threads} must be an integer >= 1`);
    const compartments = network.groups.reduce((n, g) => n + g.size, 0);
    const partitionMin = backendOptions.partitionMinCompartments ?? PARTITION_MIN_COMPARTMENTS;
    const splittable =
      replicas === 1 &&
      threads > 1 &&
      compartments >= partitionMin &&
      !network.projections.some((p) => p.learning) &&
      typeof SharedArrayBuffer !== 'undefined';
    // Parts of at least PART_MIN_COMPARTMENTS compartments (of 4 when the caller asks to split small networks).
    const perPart = Math.max(4, Math.min(PART_MIN_COMPARTMENTS, partitionMin));
    const parts = splittable ? Math.max(1, Math.min(threads, Math.floor(compartments / perPart))) : 1;
    const hosts = parts > 1 ? parts : replicas === 1 ? 1 : Math.min(replicas, threads);
    const handles: EngineHandle[] = [];
    try {
      if (parts > 1) {
        const bounds = partitionBounds(network, parts);
        const exchange = new SharedArrayBuffer(exchangeBytes(network, parts));
        for (let h = 0; h < parts; h++) handles.push(await workerHandle(0, 1));
        await Promise.all(
          handles.map((h, index) =>
            h.request({ op: 'init', network, replicas: 1, recording: options.recording, partition: { index, count: parts, bounds, exchange } }),
          ),
        );
      } else {
        for (let h = 0; h < hosts; h++) {
          const first = Math.floor((h * replicas) / hosts);
          const count = Math.floor(((h + 1) * replicas) / hosts) - first;
          handles.push(hosts === 1 ? inlineHandle(first, count) : await workerHandle(first, count));
        }
        await Promise.all(handles.map((h) => h.request({ op: 'init', network, replicas: h.count, recording: options.recording })));
      }
    } catch (err) {
      for (const h of handles) h.close();
      throw err;
    }
    return new WasmSimulation(handles, network, replicas, parts > 1);
  }

  get currentStep(): number {
    return this.step;
  }

  /** The host holding a global replica, and the replica's local index there (not used with parts). */
  private locate(replica: number): { handle: EngineHandle; local: number } {
    const handle = this.handles.find((h) => replica >= h.first && replica < h.first + h.count)!;
    return { handle, local: replica - handle.first };
  }

  private send(handle: EngineHandle, req: EngineRequest): void {
    const p = handle.request(req);
    p.catch(() => {});
    this.inFlight.push(p);
  }

  private async settle(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.all(pending);
  }

  injectSpikes(source: string, spikes: ReadonlyArray<readonly [number, number]>, replica?: number): void {
    const size = this.sourceSizes.get(source);
    if (size === undefined) throw unknownSource(source, [...this.sourceSizes.keys()]);
    checkReplica(replica, this.replicas, 'injectSpikes');
    checkInjectedSpikes(source, size, spikes, this.step);
    const copy = spikes.map(([s, i]): [number, number] => [s, i]);
    if (replica === undefined) for (const h of this.handles) this.send(h, { op: 'inject', source, spikes: copy, replica: undefined });
    else if (this.parts) for (const h of this.handles) this.send(h, { op: 'inject', source, spikes: copy, replica: 0 });
    else {
      const { handle, local } = this.locate(replica);
      this.send(handle, { op: 'inject', source, spikes: copy, replica: local });
    }
  }

  async run(steps: number): Promise<void> {
    checkRunSteps(steps);
    await this.settle();
    const replies = (await Promise.all(this.handles.map((h) => h.request({ op: 'run', steps })))) as RunReply[];
    this.events = replies.map((r) => r.events);
    this.step += steps;
  }

  async readRecording(): Promise<ReplicaRecording[]> {
    await this.settle();
    const parts = (await Promise.all(this.handles.map((h) => h.request({ op: 'readRecording' })))) as FlatRecording[][];
    // Parts of one replica: the first part records the spikes; u and v rows are the parts' ranges in order.
    const flats = this.parts ? [mergeParts(parts.map((p) => p[0]!))] : parts.flat();
    return flats.map((flat) => {
      const spikes: ReplicaRecording['spikes'] = {};
      for (const [name, data] of Object.entries(flat.spikes)) {
        const pairs: Array<[number, number]> = new Array(data.length >> 1);
        for (let k = 0; k < data.length; k += 2) pairs[k >> 1] = [data[k]!, data[k + 1]!];
        spikes[name] = pairs;
      }
      return { spikes, u: flat.u, v: flat.v };
    });
  }

  clearRecording(): void {
    for (const h of this.handles) this.send(h, { op: 'clearRecording' });
  }

  private checkProjection(projection: string, method: string): number {
    return projectionNamed(this.projectionLength, projection, method);
  }

  async readWeights(projection: string, replica = 0): Promise<Int32Array> {
    checkReplica(replica, this.replicas, 'readWeights');
    this.checkProjection(projection, 'readWeights');
    await this.settle();
    if (this.parts) {
      // Each part holds the synapses onto its compartments (zeros elsewhere): the sum is the whole projection.
      const all = (await Promise.all(this.handles.map((h) => h.request({ op: 'readWeights', projection, replica: 0 })))) as Int32Array[];
      const out = all[0]!;
      for (const w of all.slice(1)) for (let i = 0; i < out.length; i++) out[i]! += w[i]!;
      return out;
    }
    const { handle, local } = this.locate(replica);
    return (await handle.request({ op: 'readWeights', projection, replica: local })) as Int32Array;
  }

  async writeWeights(projection: string, weights: ArrayLike<number>, replica?: number): Promise<void> {
    checkReplica(replica, this.replicas, 'writeWeights');
    const length = this.checkProjection(projection, 'writeWeights');
    checkWriteWeights(projection, weights, length);
    await this.settle();
    const raw = Array.from(weights);
    // A dense non-plastic projection that gains a nonzero entry gets a new structure on every host, with the
    // oracle's keep rule over all replicas: nonzero stored weights anywhere, or nonzero in `weights`.
    const needs = (await Promise.all(this.handles.map((h) => h.request({ op: 'needsRebuild', projection, raw })))) as boolean[];
    if (needs.some(Boolean)) {
      const masks = (await Promise.all(this.handles.map((h) => h.request({ op: 'nonzeroMask', projection })))) as Uint8Array[];
      const keep = new Uint8Array(length);
      for (let i = 0; i < length; i++) if (raw[i] !== 0 || masks.some((m) => m[i])) keep[i] = 1;
      await Promise.all(this.handles.map((h) => h.request({ op: 'rebuild', projection, keep })));
    }
    if (replica === undefined || this.parts) {
      await Promise.all(this.handles.map((h) => h.request({ op: 'writeWeights', projection, raw, replica: undefined })));
    } else {
      const { handle, local } = this.locate(replica);
      await handle.request({ op: 'writeWeights', projection, raw, replica: local });
    }
  }

  async readState(group: string, replica = 0): Promise<{ u: Int32Array; v: Int32Array }> {
    checkReplica(replica, this.replicas, 'readState');
    if (!this.groupNames.has(group)) throw new RangeError(`readState: no group named '${group}' (groups: ${[...this.groupNames].join(', ')})`);
    await this.settle();
    if (this.parts) {
      const all = (await Promise.all(this.handles.map((h) => h.request({ op: 'readState', group, replica: 0 })))) as Array<{
        u: Int32Array;
        v: Int32Array;
      }>;
      return { u: concat(all.map((s) => s.u)), v: concat(all.map((s) => s.v)) };
    }
    const { handle, local } = this.locate(replica);
    return (await handle.request({ op: 'readState', group, replica: local })) as { u: Int32Array; v: Int32Array };
  }

  stats(): SimulationStats {
    return { steps: this.step, dispatches: 0, submits: 0, readbacks: 0, synapticEvents: this.events.reduce((a, b) => a + b, 0) };
  }

  /** How the work is spread: worker threads in use (0: the calling thread) and whether they split one replica. */
  layout(): { threads: number; split: 'replicas' | 'compartments' | 'none' } {
    if (this.handles.length === 1) return { threads: 0, split: 'none' };
    return { threads: this.handles.length, split: this.parts ? 'compartments' : 'replicas' };
  }

  dispose(): void {
    for (const h of this.handles) h.close();
    this.handles.length = 0;
  }
}

function concat(parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One replica's recording from its parts: spikes of the first part, u and v rows joined part by part. */
function mergeParts(parts: FlatRecording[]): FlatRecording {
  const first = parts[0]!;
  const out: FlatRecording = { spikes: first.spikes, u: {}, v: {} };
  for (const key of ['u', 'v'] as const) {
    for (const group of Object.keys(first[key])) {
      out[key][group] = first[key][group]!.map((_, row) => concat(parts.map((p) => p[key][group]![row]!)));
    }
  }
  return out;
}
