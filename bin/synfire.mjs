#!/usr/bin/env node
// Entry point of the `synfire` CLI. In a development checkout (src/ present) it runs the TypeScript sources through
// tsx, so edits take effect without a build and a stale dist/ is never used. An installed package ships no src/,
// only the compiled dist/ (`npm run build`, run by prepack), which plain Node runs without tsx.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import(new URL('../dist/cli/main.js', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
