/**
 * Headless Chromium with WebGPU (SwiftShader without a GPU), launched so that it is always cleaned up: on success,
 * on failure, on a timeout, and when this process exits or is interrupted. Recipe: shared/docs/webgpu-setup.md.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Debian's Chromium wrapper (it execs /usr/lib/chromium/chromium, so the pid is the browser's). */
export const CHROMIUM_PATH = process.env.SYNFIRE_CHROMIUM ?? '/usr/bin/chromium';

/** The flags that matter: --no-sandbox (root), --enable-unsafe-webgpu (else requestAdapter() is null); the rest keep a closed network quiet. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Options of {@link withChromium}. */
export interface ChromiumOptions {
  /** Hard limit for the whole session, ms: past it the browser is killed and the call rejects. */
  timeoutMs: number;
  /** Forward the page's console to stderr (default true). */
  console?: boolean;
  /** Viewport of new pages. */
  viewport?: { width: number; height: number };
}

/** Thrown when a session ran past its time limit (the browser has been killed). */
export class HarnessTimeoutError extends Error {
  override name = 'HarnessTimeoutError';
}

/** Kills the browser's process group (Puppeteer spawns it detached, as a group leader), then its main process. */
function killBrowser(browser: Browser | undefined): void {
  const pid = browser?.process()?.pid;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Launches Chromium, hands a fresh page to `work`, and always tears down: closes (or kills) the browser and removes
 * its profile directory, whether `work` resolves, throws, or runs past `timeoutMs`.
 */
export async function withChromium<T>(options: ChromiumOptions, work: (page: Page, browser: Browser) => Promise<T>): Promise<T> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with 'apt-get install chromium' (or run scripts/install.sh), or set SYNFIRE_CHROMIUM`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'synfire-chromium-'));
  let browser: Browser | undefined;
  let finished = false;
  const cleanupSync = () => {
    killBrowser(browser);
    rmSync(profile, { recursive: true, force: true });
  };
  // If this process exits or is interrupted while the browser runs, take the browser down with it.
  const onExit = () => cleanupSync();
  const onSignal = (signal: NodeJS.Signals) => {
    cleanupSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (finished) return;
      killBrowser(browser);
      reject(new HarnessTimeoutError(`headless Chromium ran past ${Math.round(options.timeoutMs / 1000)} s and was killed`));
    }, options.timeoutMs);
  });
  try {
    const session = (async () => {
      browser = await puppeteer.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        userDataDir: profile,
        args: CHROMIUM_ARGS,
        protocolTimeout: options.timeoutMs,
        defaultViewport: options.viewport ?? { width: 1200, height: 900 },
        timeout: Math.min(options.timeoutMs, 60_000),
      });
      // The launch may complete after a timeout already tore the session down.
      if (finished) {
        cleanupSync();
        throw new HarnessTimeoutError('Chromium started after the session had timed out');
      }
      const page = await browser.newPage();
      if (options.console ?? true) {
        page.on('console', (msg) => process.stderr.write(`[page] ${msg.text()}\n`));
        page.on('pageerror', (err) => process.stderr.write(`[page error] ${err instanceof Error ? err.message : String(err)}\n`));
      }
      return work(page, browser);
    })();
    // A rejected session after a timeout must not surface as an unhandled rejection.
    session.catch(() => {});
    return await Promise.race([session, timeout]);
  } finally {
    finished = true;
    clearTimeout(timer);
    if (browser) {
      const closing = browser.close().catch(() => {});
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    cleanupSync();
    process.removeListener('exit', onExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
