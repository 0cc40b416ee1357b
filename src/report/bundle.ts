/**
 * Turns a TypeScript entry module into one browser script, in memory, with esbuild (a dependency). Used by the
 * report (inlined into the HTML) and by the harness page; nothing generated is written to the repository.
 */
import { build } from 'esbuild';

/** Options of {@link bundleForBrowser}. */
export interface BundleOptions {
  /** 'esm' for `<script type="module" src>`, 'iife' for inlining into a self-contained page. */
  format: 'esm' | 'iife';
  minify?: boolean;
}

/**
 * Bundles `entry` and everything it imports. `webgpu` and `node:*` stay external: device.ts reaches them only through
 * dynamic imports on the Node path. A static top-level import of a node:* module would break the page, so it is an
 * error that names the importing file.
 */
export async function bundleForBrowser(entry: string, options: BundleOptions): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: 'bundle.js',
    format: options.format,
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    legalComments: 'none',
    external: ['webgpu', 'node:*'],
    metafile: true,
    logLevel: 'silent',
  });
  const staticNode: string[] = [];
  for (const [input, info] of Object.entries(result.metafile.inputs)) {
    for (const imp of info.imports) {
      if (imp.external && imp.kind === 'import-statement' && (imp.path.startsWith('node:') || imp.path === 'webgpu')) {
        staticNode.push(`${input} imports '${imp.path}'`);
      }
    }
  }
  if (staticNode.length) {
    throw new Error(`cannot bundle ${entry} for the browser: ${staticNode.join('; ')} at top level (import it dynamically on the Node path only)`);
  }
  const out = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!out) throw new Error(`esbuild produced no script for ${entry}`);
  return out.text;
}
