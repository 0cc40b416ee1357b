/** Worker-thread entry of the CPU fused trainer (Node): serves ReplicaHost requests from the parent. */
import { serveRequests } from '../modules.ts';
import { ReplicaHost, type HostRequest } from './cpu-host.ts';

const host = new ReplicaHost();
await serveRequests<HostRequest>((req) => host.handle(req), 'cpu-worker.ts');
