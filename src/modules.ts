/**
 * The package's own module files at run time, from source and from the build. Under tsx or vitest the modules are
 * the .ts sources; in an installed package (or after `npm run build`) they are dist/*.js. Code that needs a module
 * as a file (a worker thread's entry, a page to bundle) names it without extension, relative to its own
 * import.meta.url, and gets the file of the same kind as itself:
 *
 *   const entry = siblingModule('./cpu-worker', import.meta.url);   // ./cpu-worker.ts or ./cpu-worker.js
 *   const worker = await startWorker(entry);                          // never `new Worker(code, { eval: true })`
 *
 * Environment-neutral: node:* modules are imported dynamically, only when a worker is started.
 */
import type { Worker, WorkerOptions } from 'node:worker_threads';

/** The module `stem` (relative, no extension) beside `base` (the caller's import.meta.url), with base's extension. */
export function siblingModule(stem: string, base: string): URL {
  const ext = new URL(base).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(stem + ext, base);
}

/**
 * Starts a worker thread (Node) running the module at `entry`. A .js entry is loaded directly. A .ts entry (source
 * under tsx/vitest) goes through ./worker-tsx.mjs, which registers tsx in the worker first: Node 20 applies no loader
 * hooks (neither the parent's nor `--import tsx`) to a worker's entry module.
 */
export async function startWorker(entry: URL, options: WorkerOptions = {}): Promise<Worker> {
  const { Worker } = await import('node:worker_threads');
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const bootstrap = new URL('./worker-tsx.mjs', import.meta.url);
  return new Worker(bootstrap, { ...options, argv: [entry.href, ...(options.argv ?? [])] });
}

/** A worker thread served by `serveRequests`: numbered requests, each answered once with a result or an error. */
export interface RequestWorker<Req> {
  /** Posts `req`; resolves with the worker's result, rejects with its error (or the worker's death, or disposal). */
  request(req: Req): Promise<unknown>;
  /** Terminates the worker; later requests reject with `disposed`. */
  close(disposed: string): Promise<void>;
}

/**
 * Starts the module at `entry` (see startWorker) and speaks the request protocol of `serveRequests` to it. When the
 * worker fails or exits, every pending request and every later one rejects with the first such error; `name` names
 * the worker in the exit message.
 */
export async function startRequestWorker<Req>(entry: URL, name: string): Promise<RequestWorker<Req>> {
  const worker = await startWorker(entry);
  let seq = 0;
  let dead: Error | null = null;
  const pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  const failAll = (err: Error) => {
    dead ??= err;
    for (const p of pending.values()) p.fail(err);
    pending.clear();
  };
  worker.on('message', (msg: { seq: number; ok: boolean; result?: unknown; error?: string }) => {
    const p = pending.get(msg.seq);
    if (!p) return;
    pending.delete(msg.seq);
    if (msg.ok) p.ok(msg.result);
    else p.fail(new Error(msg.error));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`${name} exited (code ${code})`)));
  return {
    request(req) {
      if (dead) return Promise.reject(dead);
      const id = seq++;
      return new Promise((ok, fail) => {
        pending.set(id, { ok, fail });
        worker.postMessage({ seq: id, req });
      });
    },
    async close(disposed) {
      dead ??= new Error(disposed);
      await worker.terminate();
    },
  };
}

/** The worker side of startRequestWorker: answers each request with `handle(req)` or the error it throws. `file` names the entry in the error raised outside a worker thread. */
export async function serveRequests<Req>(handle: (req: Req) => unknown, file: string): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  const port = parentPort;
  if (!port) throw new Error(`${file} must run in a worker thread`);
  port.on('message', (msg: { seq: number; req: Req }) => {
    try {
      port.postMessage({ seq: msg.seq, ok: true, result: handle(msg.req) });
    } catch (err) {
      port.postMessage({ seq: msg.seq, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
