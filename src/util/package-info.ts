/**
 * The package version and the git commit of the checkout, as run records, reports and benchmark results note them.
 * Node only (node:fs, node:child_process): the browser build never imports it (a page is told both by its runner).
 * The package root is found relative to this module, so it is the same from the sources (src/util/) and from the
 * build (dist/util/).
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../', import.meta.url);

/** The version in package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }).version;
}

/** The short git commit of the checkout holding `dir` (default: the package root), or null outside a git checkout. */
export function gitCommit(dir: string = fileURLToPath(ROOT)): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
