/**
 * The published package: `npm pack` (prepack runs `npm run build`) on a copy of the working tree, the tarball
 * installed into an empty project, and the README library example (./example.mjs), the CLI and a browser bundle run
 * from it with plain Node: no tsx, no sources. The example's numbers must equal the sources' (in-thread here, on
 * worker threads there). Needs npm and its cache (or the registry) for the tarball's dependencies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createCpuBackend, createCpuFusedTrainer, epochOrder, glorotInit, loadDataset, type Network } from '../../src/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** What `npm pack` needs of the working tree (package.json "files" plus the build's inputs). */
const TREE = ['package.json', 'README.md', 'bin', 'src', 'scripts', 'shaders', 'tsconfig.json', 'tsconfig.build.json'];

/**
 * Child environment: without what the test runner and a surrounding `npm test` set for their own process (the package
 * being run, its prefix, NODE_OPTIONS), so children are plain node/npm; user npm settings (registry, cache) stay.
 */
const RUNNER_VARS =
  /^(?:npm_lifecycle_|npm_package_|npm_command$|npm_execpath$|npm_node_execpath$|npm_config_local_prefix$|npm_config_call$|NODE_OPTIONS$|VITEST)/;
function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!RUNNER_VARS.test(k)) e[k] = v;
  return e;
}

function sh(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

let tmp = '';
let proj = '';
let tarball = '';
let packed: { filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> };

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'synfire-pack-'));
  // A copy, so that concurrent runs and the checkout's own dist/ never see each other's build.
  const repo = join(tmp, 'repo');
  mkdirSync(repo);
  for (const p of TREE) cpSync(join(ROOT, p), join(repo, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'), 'dir');
  const out = sh('npm', ['pack', '--json', '--pack-destination', tmp], repo);
  const json = out.slice(out.search(/^\[/m)); // prepack's build output comes first
  [packed] = JSON.parse(json) as [typeof packed];
  tarball = join(tmp, packed.filename);
  proj = join(tmp, 'proj');
  mkdirSync(proj);
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'synfire-consumer', private: true, type: 'module' }));
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], proj);
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships dist/ (JS, .d.ts, maps) and the CLI, not the sources, and installs without tsx', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of [
      'bin/synfire.mjs',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/browser.js',
      'dist/browser.d.ts',
      'dist/nbp/cpu-worker.js',
      'dist/cli/main.js',
      'dist/report/page.js',
      'dist/index.js.map',
    ]) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|harness|scripts)\//.test(f))).toEqual([]);
    expect(existsSync(join(proj, 'node_modules/synfire/dist/index.js'))).toBe(true);
    expect(existsSync(join(proj, 'node_modules/tsx')), 'tsx is a development dependency only').toBe(false);
  });

  it('runs the README library example with plain node, with the same results as the sources', async () => {
    cpSync(join(ROOT, 'test/build/example.mjs'), join(proj, 'example.mjs'));
    const got = JSON.parse(sh(process.execPath, ['example.mjs'], proj)) as Record<string, unknown>;
    expect(got.threads).toBe(2); // the CPU trainer's worker threads ran dist/nbp/cpu-worker.js

    // The same computation from the sources, in this thread.
    const n = 50;
    const m = 100;
    const network: Network = {
      groups: [{ name: 'hidden', size: n, du: 4095, dv: 4096, vth: 300, biasMant: new Array(n).fill(0), biasExp: 0, refractory: 0 }],
      sources: [
        {
          name: 'input',
          size: m,
          spikes: Array.from({ length: 20 * m }, (_, k) => [Math.floor(k / m), k % m] as [number, number]).filter(
            ([t, i]) => (i * 7 + t * 13) % 5 === 0,
          ),
        },
      ],
      projections: [
        {
          name: 'in->hidden',
          from: 'input',
          to: 'hidden',
          weightExp: 0,
          numWeightBits: 8,
          signMode: 'excitatory',
          synapses: { kind: 'dense', weights: Array.from({ length: n * m }, (_, k) => ((k * 7919) % 13 === 0 ? 200 : 0)), delays: 0 },
        },
      ],
    };
    const sim = await createCpuBackend().create(network, { recording: { spikes: ['hidden'] } });
    await sim.run(20);
    const [rec] = await sim.readRecording();
    sim.dispose();
    const train = loadDataset('mnist', 'train');
    const full = loadDataset('mnist', 'test');
    const test = { ...full, n: 200, x: full.x.subarray(0, 200 * full.nIn), labels: full.labels.subarray(0, 200) };
    const shape = { nIn: 400, nHid: 400, nOut: 10 };
    const trainer = await createCpuFusedTrainer(
      { shape, semantics: 'loihi', train, initial: [glorotInit(shape, 1), glorotInit(shape, 2)] },
      { threads: 0 },
    );
    await trainer.train([epochOrder(train.n, 1, 0).subarray(0, 40), epochOrder(train.n, 2, 0).subarray(0, 40)]);
    const metrics = await trainer.evaluate(test);
    const hash = createHash('sha256');
    for (const r of [0, 1]) {
      const { W1, W2 } = await trainer.getWeights(r);
      hash.update(new Uint8Array(W1.buffer, W1.byteOffset, W1.byteLength)).update(new Uint8Array(W2.buffer, W2.byteOffset, W2.byteLength));
    }
    trainer.dispose();
    expect(JSON.parse(JSON.stringify(rec!.spikes))).toEqual(got.spikes);
    expect(metrics).toEqual(got.metrics);
    expect(got.weights).toBe(hash.digest('hex'));
  });

  it('runs `npx synfire` from the installed package: --help, train and report', () => {
    expect(sh('npx', ['--no', '--', 'synfire', '--help'], proj)).toMatch(/^usage: synfire <command>/);
    sh(
      'npx',
      [
        '--no',
        '--',
        'synfire',
        'train',
        '--dataset',
        'mnist',
        '--epochs',
        '1',
        '--samples',
        '20',
        '--seed',
        '1',
        '--backend',
        'cpu',
        '--threads',
        '1',
        '--out',
        'run',
      ],
      proj,
    );
    expect(readFileSync(join(proj, 'run/metrics.jsonl'), 'utf8').trim().split('\n').length).toBeGreaterThan(0);
    sh('npx', ['--no', '--', 'synfire', 'report', 'run'], proj); // bundles dist/report/page.js with esbuild
    expect(readFileSync(join(proj, 'run/report.html'), 'utf8')).toContain('<script>');
  });

  it('type-checks a strict TypeScript consumer against the published .d.ts (no skipLibCheck)', () => {
    const file = join(proj, 'consumer.ts');
    writeFileSync(
      file,
      [
        "import { acquireGpu, createCpuBackend, createCpuFusedTrainer, glorotInit, loadDataset, type Network, type NbpMetrics } from 'synfire';",
        'const network: Network = { groups: [], sources: [], projections: [] };',
        'export const sim = createCpuBackend().create(network, {});',
        'const shape = { nIn: 400, nHid: 400, nOut: 10 };',
        "export const trainer = createCpuFusedTrainer({ shape, semantics: 'loihi', train: loadDataset('mnist', 'train'), initial: [glorotInit(shape, 1)] });",
        'export const device: Promise<GPUDevice> = acquireGpu().then((ctx) => ctx.device);',
        'export const m: NbpMetrics[] = [];',
        '',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    sh(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'consumer.ts'],
      proj,
    );
  });

  it("bundles for a browser through the package's browser condition (no Node-only modules)", async () => {
    const page = join(proj, 'page.mjs');
    writeFileSync(page, "import { createWebgpuFusedTrainer, fetchDataset } from 'synfire';\nconsole.log(createWebgpuFusedTrainer, fetchDataset);\n");
    const result = await build({
      entryPoints: [page],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['webgpu', 'node:*'],
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: proj,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('node_modules/synfire/dist/browser.js');
    expect(inputs.filter((f) => f.endsWith('dist/index.js') || f.endsWith('dist/data/load.js'))).toEqual([]);
  });
});
