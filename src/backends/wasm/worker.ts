/** Worker-thread entry of the wasm backend (Node): serves EngineHost requests for one group of replicas. */
import { parentPort } from 'node:worker_threads';
import { EngineHost, type EngineRequest } from './host.ts';

const host = new EngineHost();
const port = parentPort;
if (!port) throw new Error('src/backends/wasm/worker.ts must run in a worker thread');
port.on('message', (msg: { seq: number; req: EngineRequest }) => {
  try {
    port.postMessage({ seq: msg.seq, ok: true, result: host.handle(msg.req) });
  } catch (err) {
    port.postMessage({ seq: msg.seq, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
