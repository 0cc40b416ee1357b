/**
 * Live nBP training in the page: the fused trainer (WebGPU on navigator.gpu, or the CPU engine in-thread), an
 * accuracy/MSE curve updated every half epoch, and a circuit raster of one training sample with the current
 * weights. Options come from the form or the URL query (?train=600&test=200&epochs=1&autostart=1), so a test can
 * drive it; `window.synfireLive` exposes start/stop and `body[data-evaluations]` counts finished evaluations.
 */
import { acquireGpu, type GpuContext } from '../../src/backends/webgpu/device.ts';
import { fetchDataset } from '../../src/data/fetch.ts';
import type { DatasetName } from '../../src/data/preprocess.ts';
import type { EncodedDataset, FusedTrainer, NbpShape } from '../../src/nbp/types.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import { epochOrder, replicaSeed } from '../../src/nbp/prng.ts';
import { recordRaster } from '../../src/nbp/circuit/raster.ts';
import { estimateTrainingSample } from '../../src/bench/energy-nbp.ts';
import { accuracyChart, mseChart } from '../../src/report/charts.ts';
import { parseRaster, type MetricsRow } from '../../src/report/data.ts';
import { drawLineChart, drawRaster } from '../../src/report/plots.ts';
import { fmtNum } from '../../src/report/tables.ts';

/** What a live run trains. */
export interface LiveOptions {
  dataset: DatasetName;
  backend: 'webgpu' | 'cpu';
  replicas: number;
  /** Training samples per epoch (the first N of the training set). */
  train: number;
  /** Test samples evaluated every half epoch (the first N of the test set). */
  test: number;
  epochs: number;
  seed: number;
  /** Training-set index of the sample shown in the raster. */
  sample: number;
}

declare global {
  interface Window {
    synfireLive: { start(options?: Partial<LiveOptions>): Promise<MetricsRow[]>; stop(): void; rows: MetricsRow[] };
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const form = $<HTMLFormElement>('controls');
let stopRequested = false;
let gpu: Promise<GpuContext> | undefined;

/** The first `n` samples of a dataset (the page trains and tests on prefixes to stay interactive). */
function head(d: EncodedDataset, n: number): EncodedDataset {
  const take = Math.min(n, d.n);
  return { ...d, name: `${d.name}[0:${take}]`, n: take, x: d.x.subarray(0, take * d.nIn), labels: d.labels.subarray(0, take) };
}

function readForm(): LiveOptions {
  const f = new FormData(form);
  const num = (k: string) => Number(f.get(k));
  return {
    dataset: f.get('dataset') as DatasetName,
    backend: f.get('backend') as 'webgpu' | 'cpu',
    replicas: num('replicas'),
    train: num('train'),
    test: num('test'),
    epochs: num('epochs'),
    seed: num('seed'),
    sample: num('sample'),
  };
}

function writeForm(o: Partial<LiveOptions>): void {
  for (const [k, v] of Object.entries(o)) {
    const el = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | null;
    if (el && v !== undefined) el.value = String(v);
  }
}

async function createTrainer(o: LiveOptions, shape: NbpShape, train: EncodedDataset): Promise<FusedTrainer> {
  const initial = Array.from({ length: o.replicas }, (_, r) => glorotInit(shape, replicaSeed(o.seed, r)));
  const opts = { shape, semantics: 'loihi' as const, train, initial };
  if (o.backend === 'cpu') {
    const { createCpuFusedTrainer } = await import('../../src/nbp/fused-cpu.ts');
    return createCpuFusedTrainer(opts, { threads: 0 });
  }
  const { createWebgpuFusedTrainer } = await import('../../src/nbp/webgpu/trainer.ts');
  return createWebgpuFusedTrainer(opts, await (gpu ??= acquireGpu({ gpu: navigator.gpu })));
}

function draw(rows: MetricsRow[]): void {
  drawLineChart($<HTMLCanvasElement>('live-accuracy'), accuracyChart(rows, 'Test accuracy (live)'));
  drawLineChart($<HTMLCanvasElement>('live-mse'), mseChart(rows, 'Test MSE (live)'));
}

/** Trains with the given options, drawing as it goes; resolves with every evaluation. */
async function start(partial: Partial<LiveOptions> = {}): Promise<MetricsRow[]> {
  writeForm(partial);
  const o = readForm();
  stopRequested = false;
  const rows: MetricsRow[] = (window.synfireLive.rows = []);
  document.body.dataset.state = 'running';
  document.body.dataset.evaluations = '0';
  $<HTMLButtonElement>('start').disabled = true;
  $<HTMLButtonElement>('stop').disabled = false;
  let trainer: FusedTrainer | undefined;
  try {
    status.textContent = `loading ${o.dataset}…`;
    const base = `/data/${o.dataset}/`;
    const [train, test] = await Promise.all([fetchDataset(o.dataset, 'train', base), fetchDataset(o.dataset, 'test', base)]).then(
      ([a, b]) => [head(a, o.train), head(b, o.test)] as const,
    );
    const shape: NbpShape = { nIn: train.nIn, nHid: 400, nOut: 10 };
    if (o.sample >= train.n) throw new Error(`raster sample ${o.sample} is outside the ${train.n} training samples`);
    trainer = await createTrainer(o, shape, train);
    draw(rows);
    const half = Math.ceil(train.n / 2);
    let samples = 0;
    for (let epoch = 0; epoch < o.epochs && !stopRequested; epoch++) {
      const orders = Array.from({ length: o.replicas }, (_, r) => epochOrder(train.n, replicaSeed(o.seed, r), epoch));
      for (let h = 0; h < 2 && !stopRequested; h++) {
        const t0 = performance.now();
        await trainer.train(orders.map((order) => order.subarray(h * half, Math.min(train.n, (h + 1) * half))));
        const trained = Math.min(train.n, (h + 1) * half) - h * half;
        const rate = trained / ((performance.now() - t0) / 1000);
        samples += trained;
        const metrics = await trainer.evaluate(test);
        metrics.forEach((m, replica) => rows.push({ replica, epoch: epoch + (h + 1) / 2, samples, ...m, train_samples_per_s: rate }));
        draw(rows);
        status.textContent =
          `${trainer.backend}: ${samples} samples per replica, ${fmtNum(rate)} samples/s per replica; ` +
          `acc (spikes) ${metrics.map((m) => (m.acc_spikes * 100).toFixed(1) + ' %').join(', ')}`;
        const raster = await recordRaster({ shape, weights: await trainer.getWeights(0), data: train, sample: o.sample, backend: 'cpu' });
        const spec = parseRaster(raster);
        drawRaster($<HTMLCanvasElement>('live-raster'), {
          ...spec,
          title: `Circuit raster, training sample ${o.sample} (label ${raster.label}), replica 0 after ${samples} samples`,
        });
        const e = estimateTrainingSample(shape, [{ label: raster.label, populations: raster.populations }]);
        $('energy').textContent =
          `This sample on Loihi (estimate from synfire's event counts, docs/energy.md): ${fmtNum(e.energyJ.total[0] * 1e3)}–${fmtNum(e.energyJ.total[1] * 1e3)} mJ, ` +
          `${fmtNum(e.timeS.withOverhead[0] * 1e3)}–${fmtNum(e.timeS.withOverhead[1] * 1e3)} ms; the paper measured 0.59 mJ and 1.5 ms.`;
        document.body.dataset.evaluations = String(rows.length / o.replicas);
      }
    }
    document.body.dataset.state = 'done';
    status.textContent += stopRequested ? ' (stopped)' : ' (done)';
    return rows;
  } catch (err) {
    document.body.dataset.state = 'error';
    status.textContent = `failed: ${err instanceof Error ? err.message : String(err)}`;
    throw err;
  } finally {
    trainer?.dispose();
    $<HTMLButtonElement>('start').disabled = false;
    $<HTMLButtonElement>('stop').disabled = true;
  }
}

window.synfireLive = { start, stop: () => void (stopRequested = true), rows: [] };
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  start().catch((err: unknown) => console.error(err));
});
$('stop').addEventListener('click', () => window.synfireLive.stop());

const query = new URLSearchParams(location.search);
const fromQuery: Partial<LiveOptions> = {};
for (const key of ['dataset', 'backend', 'replicas', 'train', 'test', 'epochs', 'seed', 'sample'] as const) {
  const v = query.get(key);
  if (v !== null) (fromQuery as Record<string, string>)[key] = v;
}
writeForm(fromQuery);
draw([]);
if (query.get('autostart') === '1') start().catch((err: unknown) => console.error(err));
