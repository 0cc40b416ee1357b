/** Builds the harness page's assets in memory: HTML, the shared style, and the bundled page scripts. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { bundleForBrowser } from '../src/report/bundle.ts';
import { REPORT_CSS } from '../src/report/html.ts';
import type { Asset } from './server.ts';
import { FASHION_DIR, mnistDataDir } from '../src/data/load.ts';
import { gitCommit, packageVersion } from '../src/util/package-info.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = join(here, '..');

/** Version and commit, as the CLI records them (the same helpers). */
export function versionInfo(): { version: string; commit: string | null } {
  return { version: packageVersion(), commit: gitCommit() };
}

/** Pages the harness serves; each `<name>.html` loads `/<name>.js` bundled from harness/page/<name>.ts. */
export const PAGES = ['bench', 'live'] as const;

/** Bundles the page scripts (at run time, into memory) and collects the assets the server serves. */
export async function harnessAssets(pages: ReadonlyArray<(typeof PAGES)[number]> = PAGES): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  const html = 'text/html; charset=utf-8';
  for (const name of pages) {
    const script = await bundleForBrowser(join(here, 'page', `${name}.ts`), { format: 'esm' });
    assets.set(`/${name}.js`, { body: script, type: 'text/javascript; charset=utf-8' });
    assets.set(`/${name}.html`, { body: readFileSync(join(here, 'page', `${name}.html`), 'utf8'), type: html });
  }
  if (pages.includes('bench')) assets.set('/index.html', assets.get('/bench.html')!);
  assets.set('/style.css', { body: REPORT_CSS, type: 'text/css' });
  assets.set('/config.json', { body: JSON.stringify(versionInfo()), type: 'application/json' });
  return assets;
}

/** Dataset directories the live page fetches IDX files from (/data/<dataset>/<file>[.gz]). */
export function dataDirectories(): Record<string, string> {
  return { '/data/mnist/': mnistDataDir(), '/data/fashion/': FASHION_DIR };
}
