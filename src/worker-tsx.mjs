// Development-only bootstrap of a worker thread whose entry is a TypeScript source (see startWorker in ./modules.ts):
// registers tsx in this thread, then imports the entry given as the first worker argument. The built package never
// uses it (its workers are dist/*.js). Plain JavaScript so that Node loads it without any loader.
import { argv } from 'node:process';
import { register } from 'tsx/esm/api';

const entry = argv[2];
if (!entry) throw new Error('worker-tsx.mjs: no entry module (startWorker passes it as the first worker argument)');
argv.splice(2, 1);
register();
await import(entry);
