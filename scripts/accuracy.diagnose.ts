/**
 * Diagnostics behind docs/accuracy.md (not a test): for each run directory, from its checkpoint and metrics.jsonl,
 *   - per output class: how often it fires on the test set, how often its potential a2 is > 0, its accuracy;
 *     a class that never fires and has a2 <= 0 on (nearly) every sample is "dead" (no d2p can ever be set for it);
 *   - the half-epoch swing: mean and largest |Δ acc_spikes| between consecutive evaluations over the last 20 epochs.
 *
 *   npx tsx scripts/accuracy.diagnose.ts RUN_DIR...
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint } from '../src/app/checkpoint.ts';
import { loadDataset } from '../src/data/load.ts';
import { inferReference } from '../src/nbp/algorithm.ts';
import type { DatasetName } from '../src/data/preprocess.ts';

for (const dir of process.argv.slice(2)) {
  const ckpt = readCheckpoint(dir);
  const { shape, dataset } = ckpt.config;
  const test = loadDataset(dataset as DatasetName, 'test');
  console.log(`\n== ${dir} (${dataset}, ${ckpt.progress.samples} samples per replica, remedies ${JSON.stringify(ckpt.config.remedies)})`);
  for (const rep of ckpt.replicas) {
    const fires = new Array<number>(shape.nOut).fill(0);
    const positive = new Array<number>(shape.nOut).fill(0);
    const correct = new Array<number>(shape.nOut).fill(0);
    const count = new Array<number>(shape.nOut).fill(0);
    for (let s = 0; s < test.n; s++) {
      const f = inferReference(shape, rep.weights.W1, rep.weights.W2, test.x.subarray(s * shape.nIn, (s + 1) * shape.nIn));
      const y = test.labels[s]!;
      count[y]!++;
      let best = 0;
      for (let k = 0; k < shape.nOut; k++) {
        if (f.o[k]) fires[k]!++;
        if (f.a2[k]! > 0) positive[k]!++;
        if (f.o[k]! > f.o[best]!) best = k;
      }
      if (best === y) correct[y]!++;
    }
    const dead = fires.map((v, k) => (v === 0 ? k : -1)).filter((k) => k >= 0);
    console.log(
      `replica ${rep.replica} (seed ${rep.seed}): dead classes [${dead.join(', ')}]; per class fires% / a2>0% / acc%: ` +
        fires
          .map(
            (v, k) =>
              `${k}:${((100 * v) / test.n).toFixed(1)}/${((100 * positive[k]!) / test.n).toFixed(1)}/${((100 * correct[k]!) / count[k]!).toFixed(0)}`,
          )
          .join(' '),
    );
  }
  const rows = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { replica: number; epoch: number; acc_spikes: number; acc_membrane: number });
  const maxEpoch = Math.max(...rows.map((r) => r.epoch));
  for (const r of [...new Set(rows.map((x) => x.replica))]) {
    const seq = rows.filter((x) => x.replica === r && x.epoch > maxEpoch - 20).sort((a, b) => a.epoch - b.epoch);
    const d = seq.slice(1).map((x, i) => Math.abs(x.acc_spikes - seq[i]!.acc_spikes));
    const dm = seq.slice(1).map((x, i) => Math.abs(x.acc_membrane - seq[i]!.acc_membrane));
    const mean = (a: number[]) => a.reduce((p, q) => p + q, 0) / Math.max(1, a.length);
    console.log(
      `replica ${r}: last 20 epochs, |Δ| between half epochs: spikes mean ${(100 * mean(d)).toFixed(2)} max ${(100 * Math.max(0, ...d)).toFixed(2)}; membrane mean ${(100 * mean(dm)).toFixed(2)} max ${(100 * Math.max(0, ...dm)).toFixed(2)} (points)`,
    );
  }
}
