import { createWebgpuFusedTrainer } from '../../src/nbp/webgpu/trainer.ts';
import { loadDataset } from '../../src/data/load.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import type { EncodedDataset } from '../../src/nbp/types.ts';
import { acquireGpu } from '../../src/backends/webgpu/device.ts';
const sub = (d: EncodedDataset, n: number): EncodedDataset => ({ name: d.name, n, nIn: d.nIn, x: d.x.subarray(0, n * d.nIn), labels: d.labels.subarray(0, n) });
const test = sub(loadDataset('mnist', 'test'), Number(process.env.N ?? 1000));
const shape = { nIn: 400, nHid: 400, nOut: 10 };
const ctx = await acquireGpu();
const R = Number(process.env.R ?? 1);
for (const wg of (process.env.WGS ?? '256').split(',').map(Number)) {
  const init = Array.from({ length: R }, (_, r) => glorotInit(shape, r + 1));
  const g = await createWebgpuFusedTrainer({ shape, semantics: 'loihi', train: test, initial: init }, ctx, { workgroupSize: wg, samplesPerBlock: Number(process.env.SPB ?? 64) });
  const L = Number(process.env.L ?? 200);
  const orders = init.map((_, r) => Uint32Array.from({ length: L }, (_, i) => (i * (2 * r + 1) + r) % test.n));
  await g.evaluate(test);
  let best = Infinity, bestT = Infinity, cpuE = Infinity, cpuT = Infinity;
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  for (let k = 0; k < 3; k++) {
    let t = performance.now(); let c = cpu(); await g.evaluate(test); best = Math.min(best, performance.now() - t); cpuE = Math.min(cpuE, cpu() - c);
    t = performance.now(); c = cpu(); await g.train(orders); bestT = Math.min(bestT, performance.now() - t); cpuT = Math.min(cpuT, cpu() - c);
  }
  console.log(`wg ${wg} R ${R}: eval ${(test.n * R / best * 1000).toFixed(0)} replica-samples/s (${(cpuE * 1000 / (test.n * R)).toFixed(0)} cpu-us/sample); train ${(L * R / bestT * 1000).toFixed(0)} replica-samples/s (${(cpuT * 1000 / (L * R)).toFixed(0)} cpu-us/sample)`);
  g.dispose();
}
ctx.destroy();
