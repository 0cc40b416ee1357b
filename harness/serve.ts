/**
 * `npm run harness`: serves the harness pages on http://127.0.0.1:PORT for a person's own browser (a WebGPU-capable
 * one, e.g. Chromium with --enable-unsafe-webgpu): /bench.html runs the benchmarks, /live.html trains live.
 */
import { parseArgs } from 'node:util';
import { harnessAssets, dataDirectories } from './assets.ts';
import { startServer } from './server.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { port: { type: 'string', default: '8080' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`harness: --port must be 0..65535, got '${values.port}'`);
  process.exit(2);
}
const server = await startServer({ assets: await harnessAssets(), directories: dataDirectories(), port });
console.log(`synfire harness on ${server.url}/  (bench: ${server.url}/bench.html, live training: ${server.url}/live.html); Ctrl-C stops it`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
