/**
 * The harness page's benchmark entry: runs suite entries on navigator.gpu through the same definitions as the CLI.
 * The Puppeteer runner calls `window.synfireBench(entries)`; a person can press Run.
 */
import { browserBenchEnv } from '../../src/bench/env-browser.ts';
import { runSuite } from '../../src/bench/suite.ts';
import type { SuiteEntry } from '../../src/bench/compare.ts';
import type { BenchResult } from '../../src/bench/types.ts';
import { benchTableHtml } from '../../src/report/tables.ts';

/** What the runner serves as /config.json (the page cannot read package.json or git). */
export interface PageConfig {
  version: string;
  commit: string | null;
}

declare global {
  interface Window {
    synfireBench(entries: SuiteEntry[]): Promise<BenchResult[]>;
  }
}

const status = document.getElementById('status')!;
const configPromise: Promise<PageConfig> = fetch('/config.json')
  .then((r) => r.json() as Promise<PageConfig>)
  .catch(() => ({ version: 'unknown', commit: null }));

async function synfireBench(entries: SuiteEntry[]): Promise<BenchResult[]> {
  const config = await configPromise;
  const env = browserBenchEnv({
    version: config.version,
    commit: config.commit,
    log: (m) => {
      status.textContent = m;
      console.log(m);
    },
  });
  try {
    const results = await runSuite(entries, env);
    document.getElementById('results')!.innerHTML = benchTableHtml(results);
    status.textContent = `done: ${results.length} result(s)`;
    return results;
  } catch (err) {
    status.textContent = `failed: ${err instanceof Error ? err.message : String(err)}`;
    throw err;
  } finally {
    env.release();
  }
}

window.synfireBench = synfireBench;

document.getElementById('run')!.addEventListener('click', () => {
  const quick = (document.getElementById('quick') as HTMLInputElement).checked;
  const entries = ['core', 'nbp']
    .filter((name) => (document.getElementById(`bench-${name}`) as HTMLInputElement).checked)
    .map((name) => ({ name, quick }));
  synfireBench(entries).catch(() => {});
});
