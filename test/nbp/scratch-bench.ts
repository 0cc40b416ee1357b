import { createWebgpuFusedTrainer } from '../../src/nbp/webgpu/trainer.ts';
import { loadDataset } from '../../src/data/load.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import type { EncodedDataset, Semantics } from '../../src/nbp/types.ts';
import { acquireGpu } from '../../src/backends/webgpu/device.ts';
const sub = (d: EncodedDataset, n: number): EncodedDataset => ({ name: d.name, n, nIn: d.nIn, x: d.x.subarray(0, n * d.nIn), labels: d.labels.subarray(0, n) });
const train = sub(loadDataset('mnist', 'train'), 5000);
const test = sub(loadDataset('mnist', 'test'), 1000);
const shape = { nIn: 400, nHid: 400, nOut: 10 };
const ctx = await acquireGpu();
const R = Number(process.env.R ?? 2);
for (const wg of (process.env.WGS ?? '256').split(',').map(Number)) {
  const semantics = (process.env.SEM ?? 'loihi') as Semantics;
  const init = Array.from({ length: R }, (_, r) => glorotInit(shape, r + 1));
  const g = await createWebgpuFusedTrainer({ shape, semantics, train, initial: init }, ctx, { workgroupSize: wg, samplesPerDispatch: 1000 });
  const L = Number(process.env.L ?? 400);
  const orders = init.map((_, r) => Uint32Array.from({ length: L }, (_, i) => (i * (2 * r + 1) + r) % train.n));
  await g.train(orders.map((o) => o.subarray(0, 10)));
  let t = performance.now();
  await g.train(orders);
  const dt = performance.now() - t;
  t = performance.now();
  await g.evaluate(test);
  const de = performance.now() - t;
  console.log(`wg ${wg} R ${R}: train ${(L / dt * 1000).toFixed(0)} samples/s/replica (${(L * R / dt * 1000).toFixed(0)} total); eval ${(test.n * R / de * 1000).toFixed(0)} replica-samples/s`);
  g.dispose();
}
ctx.destroy();
