import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMetricsJsonl, parseRaster, weightHistogram } from '../../src/report/data.ts';
import { loadRunDir } from '../../src/report/load.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { reportScript } from '../../src/cli/commands/report.ts';
import { PALETTE } from '../../src/report/plots.ts';
import { withChromium } from '../../harness/chromium.ts';
import { canvasStats } from '../../harness/inspect.ts';
import type { BenchResult } from '../../src/bench/types.ts';

describe('parseMetricsJsonl', () => {
  it('reads one replica per line, replica defaulting to 0', () => {
    const rows = parseMetricsJsonl(
      [
        '{"epoch":0.5,"samples":30000,"acc_spikes":0.9,"acc_membrane":0.92,"acc_exact":0.8,"mse":0.02,"silent":0.01,"train_samples_per_s":1200}',
        '',
        '{"epoch":1,"samples":60000,"replica":2,"acc_spikes":0.91,"acc_membrane":0.93,"acc_exact":0.81,"mse":0.019,"silent":0.0}',
      ].join('\n'),
    );
    expect(rows.map((r) => [r.replica, r.epoch, r.acc_spikes, r.train_samples_per_s])).toEqual([
      [0, 0.5, 0.9, 1200],
      [2, 1, 0.91, null],
    ]);
  });

  it('splits per-replica arrays into rows', () => {
    const rows = parseMetricsJsonl(
      '{"epoch":1,"samples":10,"acc_spikes":[0.5,0.6],"acc_membrane":[0.7,0.8],"acc_exact":[0.1,0.2],"mse":[0.3,0.4],"silent":[0,0.5]}',
    );
    expect(rows.map((r) => [r.replica, r.acc_membrane, r.silent])).toEqual([
      [0, 0.7, 0],
      [1, 0.8, 0.5],
    ]);
  });

  it('names the file, line and field of bad input', () => {
    expect(() => parseMetricsJsonl('{"epoch":1}\n', 'run/metrics.jsonl')).toThrow("run/metrics.jsonl:1: field 'samples' must be a number");
    expect(() => parseMetricsJsonl('\n{oops', 'm.jsonl')).toThrow(/m\.jsonl:2: not JSON/);
  });
});

describe('parseRaster and weightHistogram', () => {
  it('accepts populations as an object, defaulting sizes and steps', () => {
    const r = parseRaster({
      sample: 3,
      label: 7,
      populations: {
        x: {
          spikes: [
            [0, 4],
            [2, 1],
          ],
        },
        o: { size: 10, spikes: [] },
      },
    });
    expect(r.populations.map((p) => [p.name, p.size, p.spikes.length])).toEqual([
      ['x', 5, 2],
      ['o', 10, 0],
    ]);
    expect(r.steps).toBe(12);
    expect(r.title).toContain('sample 3 (label 7)');
    expect(() => parseRaster({ populations: [{ name: 'x', spikes: [[1]] }] }, 'r.json')).toThrow(/r\.json: populations\.x\.spikes\[0\]/);
  });

  it('bins weights and clamps the ends', () => {
    const h = weightHistogram('W1', 0, [-256, -250, 0, 2, 254, 300], -256, 256, 8);
    expect(h.bins.length).toBe(64);
    expect(h.bins[0]).toEqual({ lo: -256, hi: -248, count: 2 });
    expect(h.bins[32]).toEqual({ lo: 0, hi: 8, count: 2 });
    expect(h.bins[63]!.count).toBe(2);
    expect([h.count, h.min, h.max]).toEqual([6, -256, 300]);
  });
});

/** A small synthetic run directory: 3 replicas × 6 half epochs, a 12-step raster, a benchmark file. */
function syntheticRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synfire-report-'));
  const lines: string[] = [];
  for (let replica = 0; replica < 3; replica++) {
    for (let k = 1; k <= 6; k++) {
      lines.push(
        JSON.stringify({
          epoch: k / 2,
          samples: k * 30000,
          replica,
          acc_spikes: 0.8 + 0.02 * k - 0.03 * replica,
          acc_membrane: 0.85 + 0.02 * k - 0.03 * replica,
          acc_exact: 0.7,
          mse: 0.05 / k,
          silent: 0.01,
          train_samples_per_s: 1500,
        }),
      );
    }
  }
  writeFileSync(join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
  const pops: Array<[string, number]> = [
    ['x', 400],
    ['h', 400],
    ['o', 10],
    ['gate', 12],
  ];
  writeFileSync(
    join(dir, 'raster-sample-0.json'),
    JSON.stringify({
      sample: 0,
      label: 5,
      steps: 12,
      phases: Array.from({ length: 12 }, (_, t) => `g${String(t).padStart(2, '0')}`),
      populations: pops.map(([name, size], p) => ({
        name,
        size,
        spikes: Array.from({ length: Math.min(size, 60) }, (_, i) => [(p * 3 + (i % 3)) % 12, (i * 13) % size]),
      })),
    }),
  );
  const bench: BenchResult = {
    benchmark: 'core',
    sizes: { neurons: 4000 },
    backend: 'webgpu',
    environment: 'node',
    adapter: 'google / swiftshader',
    neuronStepsPerS: 1.2e7,
    usPerStep: 330,
    dispatchesPerStep: 3,
    submitsPerStep: 0.01,
    gpuMsPerStep: 0.3,
    compileMs: 40,
    bytesPerSynapse: 6,
    version: '0.1.0',
    commit: 'abc1234',
  };
  writeFileSync(join(dir, 'bench-core.json'), JSON.stringify([bench]));
  return dir;
}

describe('report in headless Chromium', () => {
  let html = '';
  const shots = join(process.cwd(), 'out', 'screenshots');

  beforeAll(async () => {
    const dir = syntheticRun();
    const data = await loadRunDir(dir, {
      version: '0.1.0',
      commit: 'abc1234',
      histograms: async () => ({
        histograms: ['W1', 'W2'].map((m, i) =>
          weightHistogram(
            m,
            0,
            Array.from({ length: 4000 }, (_, k) => ((k * 37 + i * 11) % 200) * 2 - 200),
          ),
        ),
        notes: [],
      }),
    });
    html = renderReportHtml(data, await reportScript());
    mkdirSync(shots, { recursive: true });
    writeFileSync(join(dir, 'report.html'), html);
  });

  it('is self-contained', () => {
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(/);
    expect(html).toContain('id="synfire-report-data"');
  });

  it('renders every plot (elements present, canvases not blank) and takes a screenshot', async () => {
    const shot = join(shots, 'report.png');
    const { stats, tableRows } = await withChromium({ timeoutMs: 90_000, console: false }, async (page) => {
      await page.setContent(html, { waitUntil: 'load' });
      await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
      await page.screenshot({ path: shot, fullPage: true });
      return {
        stats: await canvasStats(page, [PALETTE[0]!, PALETTE[1]!, PALETTE[2]!]),
        tableRows: await page.$$eval('table.bench tbody tr', (rows) => rows.length),
      };
    });
    expect(stats.map((s) => s.id)).toEqual(['chart-accuracy', 'chart-mse', 'chart-raster', 'chart-hist-0', 'chart-hist-1']);
    for (const s of stats) {
      expect(s.width, s.id).toBeGreaterThan(100);
      expect(s.inked, s.id).toBeGreaterThan(0.01);
      expect(s.colours, s.id).toBeGreaterThan(3);
    }
    const byId = Object.fromEntries(stats.map((s) => [s.id, s]));
    // Every replica's line is drawn in its colour; the raster shows its first populations' colours.
    for (const colour of [PALETTE[0]!, PALETTE[1]!, PALETTE[2]!]) {
      expect(byId['chart-accuracy']!.probes[colour], colour).toBeGreaterThan(50);
      expect(byId['chart-raster']!.probes[colour], colour).toBeGreaterThan(50);
    }
    expect(tableRows).toBe(1);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});
