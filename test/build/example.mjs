// The README's library example ("Using synfire as a library"), runnable with plain Node from an installed package:
//   npm install synfire-0.1.0.tgz && node example.mjs
// The CPU backend simulates a small network; the CPU fused trainer trains two replicas on worker threads for a few
// MNIST samples and evaluates them. Prints one JSON line (test/build/pack.test.ts compares it with the sources).
import { createHash } from 'node:crypto';
import { createCpuBackend, createCpuFusedTrainer, epochOrder, glorotInit, loadDataset } from 'synfire';

// 100 spike generators drive 50 memoryless LIF compartments through sparse excitatory synapses (docs/library.md).
const n = 50;
const m = 100;
const network = {
  groups: [{ name: 'hidden', size: n, du: 4095, dv: 4096, vth: 300, biasMant: new Array(n).fill(0), biasExp: 0, refractory: 0 }],
  sources: [
    {
      name: 'input',
      size: m,
      spikes: Array.from({ length: 20 * m }, (_, k) => [Math.floor(k / m), k % m]).filter(([t, i]) => (i * 7 + t * 13) % 5 === 0),
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

// nBP: two replicas, 40 training samples each (different orders), evaluated on the first 200 test samples.
const train = loadDataset('mnist', 'train');
const full = loadDataset('mnist', 'test');
const k = 200;
const test = { ...full, n: k, x: full.x.subarray(0, k * full.nIn), labels: full.labels.subarray(0, k) };
const shape = { nIn: 400, nHid: 400, nOut: 10 };
const trainer = await createCpuFusedTrainer(
  { shape, semantics: 'loihi', train, initial: [glorotInit(shape, 1), glorotInit(shape, 2)] },
  { threads: 2 },
);
await trainer.train([epochOrder(train.n, 1, 0).subarray(0, 40), epochOrder(train.n, 2, 0).subarray(0, 40)]);
const metrics = await trainer.evaluate(test);
const hash = createHash('sha256');
for (const r of [0, 1]) {
  const { W1, W2 } = await trainer.getWeights(r);
  hash.update(new Uint8Array(W1.buffer, W1.byteOffset, W1.byteLength)).update(new Uint8Array(W2.buffer, W2.byteOffset, W2.byteLength));
}
const threads = trainer.threads;
trainer.dispose();
console.log(JSON.stringify({ spikes: rec.spikes, threads, metrics, weights: hash.digest('hex') }));
