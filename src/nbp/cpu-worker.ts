/** Worker-thread entry of the CPU fused trainer (Node): serves ReplicaHost requests from the parent. */
import { parentPort } from 'node:worker_threads';
import { ReplicaHost, type HostRequest } from './cpu-host.ts';

const host = new ReplicaHost();
const port = parentPort;
if (!port) throw new Error('cpu-worker.ts must run in a worker thread');
port.on('message', (msg: { seq: number; req: HostRequest }) => {
  try {
    port.postMessage({ seq: msg.seq, ok: true, result: host.handle(msg.req) });
  } catch (err) {
    port.postMessage({ seq: msg.seq, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
