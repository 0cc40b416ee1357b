/**
 * The GPU kit's check (scripts/gpu-check.ts, docs/gpu-kit.md) at small sizes on SwiftShader, so that the kit
 * cannot rot between the sessions that have a GPU: every stage function, the target checks, the whole run's
 * JSON, the refusal of a fallback adapter, and the esbuild bundle the kit carries, run from outside the repository.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/backends/webgpu/device.ts';
import type { BenchEnv, BenchResult } from '../../src/bench/types.ts';
import {
  acquireCheckGpu,
  adapterStage,
  checkTargets,
  circuitStage,
  coreStage,
  fuzzStage,
  loadMnist,
  nbpStage,
  TARGETS,
  targetLine,
  tracesStage,
  type CoreRecord,
  type NbpRecord,
  type NbpRow,
} from '../../scripts/gpu-check-stages.ts';
import { FORMAT, runGpuCheck, summaryLines, type GpuCheckReport } from '../../scripts/gpu-check.ts';
import { ROOT, TRACES_DIR } from '../paths.ts';

const exec = promisify(execFile);
let ctx: GpuContext;
let env: BenchEnv;
const far = () => performance.now() + 600_000;

beforeAll(async () => {
  ctx = await acquireCheckGpu();
  env = { environment: 'node', gpu: async () => ctx, version: 'test', commit: null, log: () => {} };
});
afterAll(() => ctx?.destroy());

describe('gpu:check stages (quick sizes, SwiftShader)', () => {
  it('adapter: identity, limits, and timestamps read raw (Dawn quantization disabled)', async () => {
    const a = await adapterStage(ctx);
    expect(a.status).toBe('ok');
    expect(a.isFallbackAdapter).toBe(true);
    expect(a.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(a.dawnFlags).toContain('disable-dawn-features=timestamp_quantization');
    expect(a.timestampQuery).toBe(ctx.hasTimestamps);
    if (a.timestampQuery) {
      expect(a.timestampProbe!.stamps).toBe(32);
      expect(a.timestampProbe!.quantized).toBe(false);
    }
  });

  it('traces: every golden trace matches on WebGPU; a passed deadline skips them all', async () => {
    const names = readdirSync(TRACES_DIR).filter((n) => n.endsWith('.json') && !n.endsWith('.result.json'));
    const r = await tracesStage(ctx, TRACES_DIR, far());
    expect(r.results.filter((x) => !x.ok)).toEqual([]);
    expect([r.status, r.matched, r.total]).toEqual(['ok', names.length, names.length]);
    const late = await tracesStage(ctx, TRACES_DIR, performance.now() - 1);
    expect([late.status, late.results.length, late.skipped?.length]).toEqual(['partial', 0, names.length]);
  });

  it('fuzz: seeded random networks equal the CPU oracle in each of the three modes', async () => {
    const r = await fuzzStage(ctx, { cases: 3, minSteps: 10, maxSteps: 30, seed: 7 }, far());
    expect(r.failures).toEqual([]);
    expect([r.status, r.cases, r.passed]).toEqual(['ok', 3, 3]);
    expect(r.steps).toBeGreaterThanOrEqual(30);
  });

  it('core: bench core rows per size, with the CPU where asked (same spikes, speed ratio)', async () => {
    const seen: number[] = [];
    const r = await coreStage(env, { sizes: [300, 600], cpuMax: 300, steps: 20 }, far(), (x) => seen.push(x.results.length));
    expect(r.status).toBe('ok');
    expect(seen).toEqual([2, 3]);
    expect(r.results.map((x) => `${x.sizes.neurons} ${x.backend}`)).toEqual(['300 cpu', '300 webgpu', '600 webgpu']);
    for (const x of r.results) expect(x.synapticEventsPerS).toBeGreaterThan(0);
    expect(r.results[1]!.extra!.speedRatio).toBeGreaterThan(0);
  });

  it('nbp and circuit: fused training per replica and summed, inference, circuit µs per step', async () => {
    const data = loadMnist();
    const rows: number[] = [];
    const r = await nbpStage(ctx, data, { replicas: [1, 3], trainSeconds: 0.05, probeSamples: 8, maxSamples: 20, inferSamples: 50 }, far(), (x) =>
      rows.push(x.rows.length),
    );
    expect(r.status).toBe('ok');
    expect(rows).toEqual([1, 2]);
    for (const row of r.rows) {
      expect(row.error).toBeUndefined();
      expect(row.samples).toBeGreaterThanOrEqual(1);
      expect(row.samples).toBeLessThanOrEqual(20);
      expect(row.trainSummed).toBeCloseTo(row.trainPerReplica * row.replicas, 6);
      expect(row.inferSamples).toBe(50);
      expect(row.inferSummed).toBeCloseTo(row.inferPerReplica! * row.replicas, 6);
    }
    const c = await circuitStage(env, data.train, true, { 'circuit-samples': '1', 'circuit-eval': '8', 'circuit-per-run': '2' });
    expect(c.results.map((x) => `${x.benchmark} ${x.backend}`)).toEqual(['nbp-circuit-train webgpu', 'nbp-circuit-infer webgpu']);
    expect(c.results[0]!.usPerStep).toBeGreaterThan(0);
  });
});

describe('gpu:check targets', () => {
  const row = (replicas: number, perReplica: number): NbpRow => ({
    replicas,
    samples: 100,
    trainSeconds: 1,
    trainPerReplica: perReplica,
    trainSummed: perReplica * replicas,
    probePerReplica: perReplica,
    inferSamples: 10,
    inferPerReplica: null,
    inferSummed: null,
    createMs: 0,
  });
  const coreRow = (neurons: number, events: number): BenchResult => ({
    benchmark: 'core',
    sizes: { neurons },
    backend: 'webgpu',
    environment: 'node',
    adapter: 'x',
    synapticEventsPerS: events,
    version: 't',
    commit: null,
  });
  const nbp = (rows: NbpRow[]): NbpRecord => ({
    status: 'ok',
    ms: 0,
    dataset: 'm',
    shape: { nIn: 400, nHid: 400, nOut: 10 },
    semantics: 'loihi',
    rows,
  });
  const core = (results: BenchResult[]): CoreRecord => ({ status: 'ok', ms: 0, results });

  it('passes at the targets, misses below them or when a figure is missing', () => {
    const ok = checkTargets({
      nbp: nbp([row(1, TARGETS.nbpTrainPerReplica), row(32, 40_000)]),
      core: core([coreRow(4000, 1e9), coreRow(1_000_000, TARGETS.coreEventsPerS1M)]),
      circuit: { status: 'ok', ms: 0, results: [{ ...coreRow(0, 0), benchmark: 'nbp-circuit-train', usPerStep: 125 }] },
    });
    expect(ok.map((t) => t.pass)).toEqual([true, true, true, true]);
    expect(ok[1]!.detail).toBe('32 replicas');
    const miss = checkTargets({ nbp: nbp([row(1, 49_999), row(2, 40_000)]), core: core([coreRow(100_000, 9e9)]) });
    expect(miss.map((t) => t.pass)).toEqual([false, false, false, false]);
    expect(miss[2]!.value).toBeNull();
    expect(miss[3]!.value).toBeNull();
    expect(targetLine(miss[0]!, false)).toMatch(/^MISS nbp fused training.*\[fallback adapter: not GPU figures\]$/);
    expect(targetLine(ok[0]!, true)).toMatch(/^PASS /);
  });

  it('a JSON written while stages run (placeholders with no figures yet) still yields targets and a summary', () => {
    const running = { status: 'running', ms: 0 } as const;
    const stages = { traces: running, fuzz: running, circuit: running, nbp: running, core: running } as unknown as GpuCheckReport['stages'];
    expect(checkTargets(stages).map((t) => t.pass)).toEqual([false, false, false, false]);
    const report = { stages, targets: checkTargets(stages), gpuFigures: true } as GpuCheckReport;
    const lines = summaryLines(report);
    expect(lines.slice(0, 5)).toEqual(['traces', 'fuzz', 'circuit', 'nbp', 'core'].map((n) => `${n} [running]: cut short`));
    expect(lines.slice(5).every((l) => l.startsWith('MISS '))).toBe(true);
  });
});

describe('gpu:check run', () => {
  it('refuses a fallback adapter without --allow-fallback, and says so in the JSON', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gpu-check-'));
    const { report, code } = await runGpuCheck({
      outDir: out,
      quick: true,
      allowFallback: false,
      tracesDir: TRACES_DIR,
      budgetS: 60,
      stages: ['traces'],
      log: () => {},
    });
    expect([code, report.state, report.gpuFigures]).toEqual([2, 'refused', false]);
    const json = JSON.parse(readFileSync(join(out, 'gpu-check.json'), 'utf8')) as GpuCheckReport;
    expect([json.format, json.state, json.stages]).toEqual([FORMAT, 'refused', {}]);
  });

  it('the bundle the kit carries runs every stage from outside the repository (esbuild, plain node, --quick)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpu-kit-'));
    await exec(join(ROOT, 'node_modules/.bin/esbuild'), [
      join(ROOT, 'scripts/gpu-check.ts'),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${join(dir, 'gpu-check.mjs')}`,
      '--external:webgpu',
      '--log-level=warning',
      "--banner:js=import { createRequire as __synfireRequire } from 'node:module'; const require = __synfireRequire(import.meta.url);",
    ]);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const out = join(dir, 'out');
    const { stdout } = await exec(process.execPath, [join(dir, 'gpu-check.mjs'), out, '--quick', '--allow-fallback', '--traces', TRACES_DIR], {
      cwd: dir,
    });
    const json = JSON.parse(readFileSync(join(out, 'gpu-check.json'), 'utf8')) as GpuCheckReport;
    expect([json.state, json.gpuFigures]).toEqual(['done', false]);
    expect(Object.entries(json.stages).map(([name, s]) => `${name} ${s.status}`)).toEqual([
      'traces ok',
      'fuzz ok',
      'circuit ok',
      'nbp ok',
      'core ok',
    ]);
    expect(json.stages.nbp!.rows.map((r) => r.replicas)).toEqual([1, 2]);
    expect(json.targets).toHaveLength(4);
    expect(stdout).toMatch(/^traces \[ok\]: (\d+)\/\1 match$/m);
    expect(readFileSync(join(out, 'gpu-check.txt'), 'utf8')).toContain('MISS core, synaptic events/s at 1M neurons');
  });
});
