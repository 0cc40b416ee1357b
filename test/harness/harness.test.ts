import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../../harness/server.ts';
import { withChromium, HarnessTimeoutError } from '../../harness/chromium.ts';
import { bundleForBrowser } from '../../src/report/bundle.ts';
import { nodeBenchEnv } from '../../src/bench/env-node.ts';
import probe from './fixtures/probe-bench.ts';
import { runBrowserBench } from '../../harness/run-bench.ts';
import type { BenchResult } from '../../src/bench/types.ts';

const fixtures = join(import.meta.dirname, 'fixtures');

/** Whether a process is still alive (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return !alive(pid);
}

describe('static server', () => {
  it('serves assets and named directories on 127.0.0.1 only, and nothing outside them', async () => {
    const server = await startServer({
      assets: new Map([['/index.html', { body: '<p>hi</p>', type: 'text/html' }]]),
      directories: { '/fx/': fixtures },
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${server.url}/`)).text()).toBe('<p>hi</p>');
      expect(await (await fetch(`${server.url}/fx/bad-page.ts`)).text()).toContain('node:fs');
      expect((await fetch(`${server.url}/missing`)).status).toBe(404);
      expect((await fetch(`${server.url}/fx/..%2F..%2F..%2Fpackage.json`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('browser bundle', () => {
  it('refuses a top-level node:* import and names the importing file', async () => {
    await expect(bundleForBrowser(join(fixtures, 'bad-page.ts'), { format: 'esm' })).rejects.toThrow(/bad-page\.ts imports 'node:fs'/);
  });
});

describe('the same definition in Node and in headless Chromium', () => {
  it('gives results of the same shape and the same computed values', async () => {
    const env = await nodeBenchEnv();
    let nodeResults: BenchResult[];
    try {
      nodeResults = await probe.run({ quick: true }, env);
    } finally {
      env.release();
    }
    const script = await bundleForBrowser(join(fixtures, 'probe-page.ts'), { format: 'esm' });
    const server = await startServer({
      assets: new Map([
        ['/index.html', { body: '<!doctype html><script type="module" src="/probe.js"></script>', type: 'text/html' }],
        ['/probe.js', { body: script, type: 'text/javascript' }],
      ]),
    });
    let browserResults: BenchResult[];
    try {
      browserResults = await withChromium({ timeoutMs: 120_000 }, async (page) => {
        await page.goto(`${server.url}/`, { waitUntil: 'load' });
        await page.waitForFunction(() => typeof window.runProbe === 'function');
        return page.evaluate(() => window.runProbe(true));
      });
    } finally {
      await server.close();
    }
    expect(nodeResults.map((r) => [r.backend, r.environment])).toEqual([
      ['cpu', 'node'],
      ['webgpu', 'node'],
    ]);
    expect(browserResults.map((r) => [r.backend, r.environment])).toEqual([
      ['cpu', 'browser'],
      ['webgpu', 'browser'],
    ]);
    for (let i = 0; i < 2; i++) {
      expect(Object.keys(browserResults[i]!).sort()).toEqual(Object.keys(nodeResults[i]!).sort());
      expect(browserResults[i]!.extra).toEqual(nodeResults[i]!.extra);
    }
    const gpu = browserResults[1]!;
    expect(gpu.adapter).toMatch(/swiftshader/i);
    // Chromium's SwiftShader adapter offers timestamp-query (webgpu-setup.md), so GPU time is measured, not null.
    expect(typeof gpu.gpuMsPerStep).toBe('number');
    expect(gpu.compileMs).toBeGreaterThan(0);
  });
});

describe('bench:browser', () => {
  it("runs the project's core benchmark in Chromium and records every field the CLI records", async () => {
    const results = await runBrowserBench({
      entries: [{ name: 'core', quick: true, params: { sizes: '200', steps: '20', warmup: '5' } }],
      timeoutMs: 180_000,
    });
    expect(results.map((r) => [r.benchmark, r.backend, r.environment, r.sizes.neurons])).toEqual([
      ['core', 'cpu', 'browser', 200],
      ['core', 'wasm', 'browser', 200],
      ['core', 'webgpu', 'browser', 200],
    ]);
    // The wasm engine runs in the page too (in the page's thread), checked spike by spike against the oracle.
    expect(results[1]!.extra?.speedRatio).toBeGreaterThan(0);
    const gpu = results[2]!;
    for (const key of [
      'neuronStepsPerS',
      'synapticEventsPerS',
      'usPerStep',
      'dispatchesPerStep',
      'submitsPerStep',
      'gpuMsPerStep',
      'compileMs',
      'bytesPerSynapse',
    ] as const) {
      expect(typeof gpu[key], key).toBe('number');
    }
    expect(gpu.adapter).toMatch(/swiftshader/);
    expect(gpu.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(gpu.commit).toMatch(/^[0-9a-f]{7,}$/);
  });
});

describe('browser cleanup', () => {
  it('kills the browser and removes its profile when the work runs past the timeout', async () => {
    let pid = 0;
    let profile = '';
    const started = Date.now();
    await expect(
      withChromium({ timeoutMs: 4_000, console: false }, async (_page, browser) => {
        pid = browser.process()!.pid!;
        profile = (browser.process()!.spawnargs.find((a) => a.startsWith('--user-data-dir=')) ?? '').slice('--user-data-dir='.length);
        await new Promise(() => {});
      }),
    ).rejects.toBeInstanceOf(HarnessTimeoutError);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(pid).toBeGreaterThan(0);
    expect(await waitGone(pid)).toBe(true);
    expect(profile).not.toBe('');
    expect(existsSync(profile)).toBe(false);
  });

  it('closes the browser when the work throws', async () => {
    let pid = 0;
    await expect(
      withChromium({ timeoutMs: 60_000, console: false }, async (_page, browser) => {
        pid = browser.process()!.pid!;
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await waitGone(pid)).toBe(true);
  });
});
