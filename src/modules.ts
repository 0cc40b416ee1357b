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
