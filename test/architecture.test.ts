/**
 * The folder layering of src/ (issue 9): a module may import its own folder, folders of lower layers and the root
 * utility modules, never a folder above it (or at its level) and never the package entry points. Imports are read
 * from the source text (static `from '...'` and dynamic `import('...')` with a literal path).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** Layer of each top-level folder of src/: lower layers never import higher ones. */
const LAYERS: Readonly<Record<string, number>> = {
  util: 0,
  loihi: 1,
  network: 2,
  data: 3,
  backends: 3,
  gating: 4,
  trace: 4,
  nir: 5,
  nbp: 5,
  bench: 6,
  report: 7,
  app: 8,
  cli: 9,
};
/** Root modules everything may use, and the entry points nothing in src/ may import. */
const ROOT_UTILITIES = new Set(['modules.ts', 'wgsl-preprocessor.d.ts']);
const ENTRY_POINTS = new Set(['index.ts', 'browser.ts']);
/** Known upward imports still to be removed ("importer -> specifier"); none today. */
const KNOWN_EXCEPTIONS = new Set<string>();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.gen.ts') ? [path] : [];
  });
}

/** Relative import specifiers of a module's text. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** The top-level folder of a path under src/ ('' for a root module). */
const topFolder = (path: string): string => {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0]! : '';
};

describe('src/ folder layering', () => {
  const files = sourceFiles(SRC);

  it('every top-level folder has a layer', () => {
    const folders = readdirSync(SRC).filter((f) => statSync(join(SRC, f)).isDirectory());
    expect(
      folders.filter((f) => !(f in LAYERS)),
      'add new folders to LAYERS in test/architecture.test.ts',
    ).toEqual([]);
  });

  it('no module imports a folder above its own, or an entry point', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = topFolder(file);
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(SRC + sep)) continue; // package.json and the like
        const to = topFolder(target);
        const where = `${relative(SRC, file)} imports ${spec}`;
        if (to === '') {
          const name = relative(SRC, target);
          if (ENTRY_POINTS.has(name) && !ENTRY_POINTS.has(relative(SRC, file))) violations.push(`${where}: an entry point`);
          else if (!ENTRY_POINTS.has(name) && !ROOT_UTILITIES.has(name) && from !== '')
            violations.push(`${where}: a root module that is not a shared utility`);
          continue;
        }
        if (from === '' || from === to) continue;
        const a = LAYERS[from];
        const b = LAYERS[to];
        if (a === undefined || b === undefined) continue; // reported by the test above
        if (b >= a && !KNOWN_EXCEPTIONS.has(`${relative(SRC, file)} -> ${spec}`))
          violations.push(`${where}: ${to}/ (layer ${b}) is not below ${from}/ (layer ${a})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('src/nbp/ (the model and its engines) imports no node:* module statically, except the CPU worker entry', () => {
    // Node-only application code (files, locks, progress bars) lives in src/app/; a node:* module that an engine
    // needs only when it runs in Node is imported dynamically (await import('node:os')), which a page never reaches.
    const allowed = new Set([join('nbp', 'cpu-worker.ts')]);
    const offenders: string[] = [];
    for (const file of files) {
      const name = relative(SRC, file);
      if (topFolder(file) !== 'nbp' || allowed.has(name)) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s+)['"](node:[^'"]+)['"]/g))
        offenders.push(`${name} imports ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
