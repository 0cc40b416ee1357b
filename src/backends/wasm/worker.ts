/** Worker-thread entry of the wasm backend (Node): serves EngineHost requests for one group of replicas. */
import { serveRequests } from '../../modules.ts';
import { EngineHost, type EngineRequest } from './host.ts';

const host = new EngineHost();
await serveRequests<EngineRequest>((req) => host.handle(req), 'src/backends/wasm/worker.ts');
