import { createWebgpuFusedTrainer } from '../../src/nbp/webgpu/trainer.ts';
import { loadDataset } from '../../src/data/load.ts';
import { glorotInit } from '../../src/nbp/init.ts';
import { cloneWeights, trainSampleReference } from '../../src/nbp/algorithm.ts';
import { evaluateReference } from '../../src/nbp/metrics.ts';
import type { EncodedDataset, Semantics } from '../../src/nbp/types.ts';

const sub = (d: EncodedDataset, n: number): EncodedDataset => ({ name: d.name, n, nIn: d.nIn, x: d.x.subarray(0, n * d.nIn), labels: d.labels.subarray(0, n) });
let t = performance.now();
const train = sub(loadDataset('mnist', 'train'), 2000);
const test = sub(loadDataset('mnist', 'test'), 500);
console.log('load', performance.now() - t);
const shape = { nIn: 400, nHid: 400, nOut: 10 };
for (const semantics of ['loihi', 'numpy'] as Semantics[]) {
  const init = [glorotInit(shape, 1), glorotInit(shape, 2)];
  t = performance.now();
  const g = await createWebgpuFusedTrainer({ shape, semantics, train, initial: init }, undefined, { samplesPerDispatch: 100 });
  console.log('create', performance.now() - t);
  const L = 300;
  const orders = [Uint32Array.from({ length: L }, (_, i) => i), Uint32Array.from({ length: L }, (_, i) => (i * 7 + 3) % train.n)];
  t = performance.now();
  await g.train(orders);
  const dt = performance.now() - t;
  console.log(semantics, 'train', dt, 'ms', (L * 2 / dt * 1000).toFixed(0), 'replica-samples/s');
  for (let r = 0; r < 2; r++) {
    const w = cloneWeights(init[r]!);
    for (const s of orders[r]!) trainSampleReference(semantics, shape, w, train.x.subarray(s * 400, s * 400 + 400), train.labels[s]!);
    const gw = await g.getWeights(r);
    for (const k of ['W1', 'W2', 'P', 'M'] as const) {
      let diff = 0; for (let i = 0; i < w[k].length; i++) if (w[k][i] !== gw[k][i]) diff++;
      console.log(r, k, 'diffs', diff);
    }
  }
  t = performance.now();
  const m = await g.evaluate(test);
  const de = performance.now() - t;
  console.log('eval', de, 'ms', JSON.stringify(m[0]), JSON.stringify(evaluateReference(shape, await g.getWeights(0), test)));
  console.log(g.stats());
  g.dispose();
}
