/**
 * The request protocol between the wasm simulation and its engines (./engine.ts), and the handler that serves
 * it, in a worker thread (./worker.ts) or in the calling thread. Environment-neutral.
 */
import type { Network } from '../../network/types.ts';
import type { RecordingOptions } from '../types.ts';
import { WasmEngine, type FlatRecording, type Partition } from './engine.ts';

/** Requests an engine host serves; replica indices are local to the host. */
export type EngineRequest =
  | { op: 'init'; network: Network; replicas: number; recording: RecordingOptions | undefined; partition?: Partition }
  | { op: 'inject'; source: string; spikes: Array<[number, number]>; replica: number | undefined }
  | { op: 'run'; steps: number }
  | { op: 'readRecording' }
  | { op: 'clearRecording' }
  | { op: 'readWeights'; projection: string; replica: number }
  | { op: 'needsRebuild'; projection: string; raw: ArrayLike<number> }
  | { op: 'nonzeroMask'; projection: string }
  | { op: 'rebuild'; projection: string; keep: Uint8Array }
  | { op: 'writeWeights'; projection: string; raw: ArrayLike<number>; replica: number | undefined }
  | { op: 'readState'; group: string; replica: number };

/** What `run` answers: the host's synaptic events so far. */
export interface RunReply {
  events: number;
}

/** Holds one engine and answers requests (results are structured-cloneable). */
export class EngineHost {
  private engine: WasmEngine | null = null;

  handle(req: EngineRequest): unknown {
    if (req.op === 'init') {
      this.engine = new WasmEngine(req.network, req.replicas, req.recording, req.partition);
      return null;
    }
    const e = this.engine;
    if (!e) throw new Error('wasm engine host: request before init');
    switch (req.op) {
      case 'inject':
        e.inject(req.source, req.spikes, req.replica);
        return null;
      case 'run':
        e.run(req.steps);
        return { events: e.synapticEvents } satisfies RunReply;
      case 'readRecording':
        return e.readRecording() satisfies FlatRecording[];
      case 'clearRecording':
        e.clearRecording();
        return null;
      case 'readWeights':
        return e.readWeights(req.projection, req.replica);
      case 'needsRebuild':
        return e.needsRebuild(req.projection, req.raw);
      case 'nonzeroMask':
        return e.nonzeroMask(req.projection);
      case 'rebuild':
        e.rebuild(req.projection, req.keep);
        return null;
      case 'writeWeights':
        e.writeWeights(req.projection, req.raw, req.replica);
        return null;
      case 'readState':
        return e.readState(req.group, req.replica);
    }
  }
}
