/**
 * The request protocol between the CPU fused trainer and its worker threads, and the handler that serves it
 * (also usable in-thread). Environment-neutral: the worker entry (./cpu-worker.ts) only wires it to a port.
 */
import type { ActiveLists } from '../data/preprocess.ts';
import type { NbpShape, NbpWeights, Semantics } from './types.ts';
import { CpuReplicaEngine } from './cpu-engine.ts';
import { addCounts, emptyCounts, type MetricCounts } from './metrics.ts';
import { remedyStrategy, type RemedySpec } from './remedies.ts';

/** What a host's training engines need for opt-in remedies (./remedies.ts); absent = faithful. */
export type HostRemedy = RemedySpec;

/** One evaluation job: a replica held by this host (id) or explicit weights, on samples [start, end). */
export interface EvalJob {
  id?: number;
  weights?: NbpWeights;
  start: number;
  end: number;
}

/** Requests a host serves. Typed arrays in lists/labels should sit on SharedArrayBuffers (no copies). */
export type HostRequest =
  | { op: 'init'; shape: NbpShape; semantics: Semantics; lists: ActiveLists; labels: Uint8Array; remedy?: HostRemedy }
  | { op: 'add'; id: number; weights: NbpWeights }
  | { op: 'train'; orders: Array<{ id: number; order: Uint32Array }> }
  | { op: 'data'; key: number; lists: ActiveLists; labels: Uint8Array }
  | { op: 'eval'; key: number; jobs: EvalJob[] }
  | { op: 'get'; id: number }
  | { op: 'set'; id: number; weights: NbpWeights }
  | { op: 'stats' };

/** Training counters of a host's replicas. */
export interface HostStats {
  trained: number;
  updated: number;
}

/** Holds replicas and datasets and answers requests. */
export class ReplicaHost {
  private shape: NbpShape | null = null;
  private semantics: Semantics = 'loihi';
  private remedy: HostRemedy | undefined;
  private train: { lists: ActiveLists; labels: Uint8Array } | null = null;
  private readonly engines = new Map<number, CpuReplicaEngine>();
  private readonly datasets = new Map<number, { lists: ActiveLists; labels: Uint8Array }>();
  private scratch: CpuReplicaEngine | null = null;

  /** Serves one request; the result is structured-cloneable. */
  handle(req: HostRequest): unknown {
    switch (req.op) {
      case 'init':
        this.shape = req.shape;
        this.semantics = req.semantics;
        this.remedy = req.remedy;
        this.train = { lists: req.lists, labels: req.labels };
        return null;
      case 'add': {
        const e = new CpuReplicaEngine(this.need(), this.semantics, this.remedy ? remedyStrategy(this.remedy) : undefined);
        e.setWeights(req.weights);
        this.engines.set(req.id, e);
        return null;
      }
      case 'train': {
        const t = this.train;
        if (!t) throw new Error('host: train before init');
        for (const { id, order } of req.orders) this.engine(id).train(order, t.lists, t.labels);
        return null;
      }
      case 'data':
        this.datasets.set(req.key, { lists: req.lists, labels: req.labels });
        return null;
      case 'eval': {
        const d = this.datasets.get(req.key);
        if (!d) throw new Error(`host: unknown dataset ${req.key}`);
        return req.jobs.map((job): MetricCounts => {
          let e: CpuReplicaEngine;
          if (job.weights) {
            e = this.scratch ??= new CpuReplicaEngine(this.need(), this.semantics);
            e.setWeights(job.weights);
          } else e = this.engine(job.id ?? -1);
          return job.end > job.start ? e.evaluate(d.lists, d.labels, job.start, job.end) : emptyCounts(this.need().nOut);
        });
      }
      case 'get':
        return this.engine(req.id).getWeights();
      case 'set':
        this.engine(req.id).setWeights(req.weights);
        return null;
      case 'stats': {
        let s: HostStats = { trained: 0, updated: 0 };
        for (const e of this.engines.values()) s = { trained: s.trained + e.trained, updated: s.updated + e.updated };
        return s;
      }
    }
  }

  private need(): NbpShape {
    if (!this.shape) throw new Error('host: not initialised');
    return this.shape;
  }

  private engine(id: number): CpuReplicaEngine {
    const e = this.engines.get(id);
    if (!e) throw new Error(`host: no replica ${id}`);
    return e;
  }
}

/** Sums per-job tallies into one tally per replica. */
export function sumByReplica(nOut: number, replicas: number, parts: Array<{ replica: number; counts: MetricCounts }>): MetricCounts[] {
  const out = Array.from({ length: replicas }, () => emptyCounts(nOut));
  for (const p of parts) out[p.replica] = addCounts(out[p.replica]!, p.counts);
  return out;
}
