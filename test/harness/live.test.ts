import { describe, expect, it } from 'vitest';
import { statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { harnessAssets, dataDirectories } from '../../harness/assets.ts';
import { startServer } from '../../harness/server.ts';
import { withChromium } from '../../harness/chromium.ts';
import { canvasStats } from '../../harness/inspect.ts';
import { PALETTE } from '../../src/report/plots.ts';
import type { MetricsRow } from '../../src/report/data.ts';
import { loadDataset } from '../../src/data/load.ts';
import { createCpuFusedTrainer } from '../../src/nbp/fused-cpu.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import { epochOrder, replicaSeed } from '../../src/nbp/prng.ts';
import type { EncodedDataset } from '../../src/nbp/types.ts';

const TRAIN = 400;
const TEST = 200;

function head(d: EncodedDataset, n: number): EncodedDataset {
  return { ...d, n, x: d.x.subarray(0, n * d.nIn), labels: d.labels.subarray(0, n) };
}

/** The same half-epoch schedule as the live page, on the CPU engine in Node. */
async function nodeReference(): Promise<Array<Pick<MetricsRow, 'acc_spikes' | 'acc_membrane' | 'mse'>>> {
  const train = head(loadDataset('mnist', 'train'), TRAIN);
  const test = head(loadDataset('mnist', 'test'), TEST);
  const shape = { nIn: 400, nHid: 400, nOut: 10 };
  const trainer = await createCpuFusedTrainer(
    { shape, semantics: 'loihi', train, initial: [0, 1].map((r) => glorotInit(shape, replicaSeed(1, r))) },
    { threads: 0 },
  );
  const orders = [0, 1].map((r) => epochOrder(TRAIN, replicaSeed(1, r), 0));
  const out = [];
  for (let h = 0; h < 2; h++) {
    await trainer.train(orders.map((o) => o.subarray((h * TRAIN) / 2, ((h + 1) * TRAIN) / 2)));
    out.push(...(await trainer.evaluate(test)).map((m) => ({ acc_spikes: m.acc_spikes, acc_membrane: m.acc_membrane, mse: m.mse })));
  }
  trainer.dispose();
  return out;
}

describe('live training page in headless Chromium', () => {
  it('trains on navigator.gpu, draws the curves and the raster, and matches the CPU engine exactly', async () => {
    const server = await startServer({ assets: await harnessAssets(['live']), directories: dataDirectories() });
    const shots = join(process.cwd(), 'out', 'screenshots');
    mkdirSync(shots, { recursive: true });
    const shot = join(shots, 'live.png');
    let result: { rows: MetricsRow[]; stats: Awaited<ReturnType<typeof canvasStats>>; status: string };
    try {
      result = await withChromium({ timeoutMs: 240_000, console: false }, async (page) => {
        await page.goto(`${server.url}/live.html?backend=webgpu&replicas=2&train=${TRAIN}&test=${TEST}&epochs=1&seed=1&sample=0&autostart=1`);
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), { timeout: 220_000, polling: 250 });
        await page.screenshot({ path: shot, fullPage: true });
        return {
          rows: await page.evaluate(() => window.synfireLive.rows),
          stats: await canvasStats(page, [PALETTE[0]!, PALETTE[1]!]),
          status: await page.$eval('#status', (e) => e.textContent ?? ''),
        };
      });
    } finally {
      await server.close();
    }
    expect(result.status).toMatch(/^webgpu: 400 samples per replica/);
    expect(result.rows.map((r) => [r.replica, r.epoch, r.samples])).toEqual([
      [0, 0.5, 200],
      [1, 0.5, 200],
      [0, 1, 400],
      [1, 1, 400],
    ]);
    // The fused WGSL trainer is bit-exact with the CPU engine, so the page's metrics equal Node's.
    expect(result.rows.map((r) => ({ acc_spikes: r.acc_spikes, acc_membrane: r.acc_membrane, mse: r.mse }))).toEqual(await nodeReference());
    expect(result.stats.map((s) => s.id)).toEqual(['live-accuracy', 'live-mse', 'live-raster']);
    for (const s of result.stats) {
      expect(s.inked, s.id).toBeGreaterThan(0.02);
      expect(s.colours, s.id).toBeGreaterThan(10);
    }
    const acc = result.stats[0]!;
    expect(acc.probes[PALETTE[0]!]).toBeGreaterThan(50);
    expect(acc.probes[PALETTE[1]!]).toBeGreaterThan(50);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});
