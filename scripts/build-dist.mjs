#!/usr/bin/env node
// `npm run build` (after the shader freshness check): compiles src/ to a clean dist/ with tsconfig.build.json
// (ESM JavaScript, .d.ts, source maps with the sources inlined), then checks what plain Node needs from it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('build: tsc -p tsconfig.build.json failed (errors above)');
  process.exit(1);
}

const problems = [];
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
// The entry points, and every module loaded as a file at run time: siblingModule('./x', import.meta.url) in a source
// (src/modules.ts: worker entries, the report page) needs the compiled ./x.js beside the compiled caller.
for (const f of ['index.js', 'index.d.ts', 'browser.js', 'browser.d.ts', 'cli/main.js']) {
  if (!existsSync(join(dist, f))) problems.push(`dist/${f} is missing`);
}
const src = join(root, 'src');
const sibling = /^(?!\s*(?:\*|\/\/)).*siblingModule\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/gm;
for (const file of walk(src).filter((f) => f.endsWith('.ts'))) {
  for (const m of readFileSync(file, 'utf8').matchAll(sibling)) {
    const target = join(dist, relative(src, dirname(file)), `${m[1]}.js`);
    if (!existsSync(target)) problems.push(`${relative(root, file)} loads '${m[1]}', but ${relative(root, target)} is missing`);
  }
}
// A relative import that still names a .ts file would fail in plain Node (comment lines are skipped).
const tsImport = /^(?!\s*(?:\*|\/\/)).*(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]*\.ts)['"]/gm;
for (const file of walk(dist).filter((f) => f.endsWith('.js'))) {
  for (const m of readFileSync(file, 'utf8').matchAll(tsImport)) problems.push(`${relative(root, file)} imports '${m[1]}'`);
}
if (problems.length) {
  console.error(`build: dist/ is not usable from plain Node:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`build: dist/ written (${walk(dist).length} files)`);
