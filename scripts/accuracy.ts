/**
 * The accuracy runs behind the README table (not a test: a 60-epoch run takes minutes per configuration).
 *
 *   npx tsx scripts/accuracy.ts [--epochs 60] [--replicas 3] [--seed 1] [--datasets mnist,fashion]
 *                               [--semantics loihi,numpy] [--out runs/accuracy] [--backend cpu]
 *
 * Each configuration is `synfire train ... --resume` into OUT/<dataset>-<semantics> (so an interrupted script picks
 * up where it stopped), then the table is printed in Markdown from the runs' metrics.jsonl: the final evaluation
 * (mean ± sd over replicas) and the best half-epoch evaluation of the replica mean.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { meanSd } from '../src/nbp/metrics.ts';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '60' },
    replicas: { type: 'string', default: '3' },
    seed: { type: 'string', default: '1' },
    datasets: { type: 'string', default: 'mnist' },
    semantics: { type: 'string', default: 'loihi,numpy' },
    out: { type: 'string', default: 'runs/accuracy' },
    backend: { type: 'string', default: 'auto' },
    'table-only': { type: 'boolean' },
  },
});

interface Row {
  replica: number;
  epoch: number;
  samples: number;
  acc_spikes: number;
  acc_membrane: number;
  acc_exact: number;
  mse: number;
  train_samples_per_s: number | null;
}

const configs = values.datasets!.split(',').flatMap((d) => values.semantics!.split(',').map((s) => ({ dataset: d.trim(), semantics: s.trim() })));
const commands: string[] = [];
for (const { dataset, semantics } of configs) {
  const dir = join(values.out!, `${dataset}-${semantics}`);
  const args = [
    'bin/synfire.mjs',
    'train',
    '--dataset',
    dataset,
    '--semantics',
    semantics,
    '--epochs',
    values.epochs!,
    '--replicas',
    values.replicas!,
    '--seed',
    values.seed!,
    '--backend',
    values.backend!,
    '--out',
    dir,
    '--resume',
  ];
  commands.push(`node ${args.join(' ')}`);
  if (values['table-only']) continue;
  console.error(`\n== ${dataset}, ${semantics} semantics: node ${args.join(' ')}`);
  const t0 = Date.now();
  const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`accuracy: ${dataset}/${semantics} failed (exit ${res.status})`);
    process.exit(1);
  }
  console.error(`== ${dataset}/${semantics} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

const pct = (xs: number[]) => {
  const { mean, sd } = meanSd(xs);
  return `${(100 * mean).toFixed(2)} ± ${(100 * sd).toFixed(2)}`;
};
console.log(
  `\n| dataset | semantics | epochs | replicas | acc. spikes (%) | acc. membrane (%) | exact (%) | MSE | best spikes (epoch) | train samples/s per replica |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const { dataset, semantics } of configs) {
  const file = join(values.out!, `${dataset}-${semantics}`, 'metrics.jsonl');
  if (!existsSync(file)) continue;
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  const last = Math.max(...rows.map((r) => r.samples));
  const final = rows.filter((r) => r.samples === last);
  const byEval = new Map<number, Row[]>();
  for (const r of rows) byEval.set(r.epoch, [...(byEval.get(r.epoch) ?? []), r]);
  let best = { epoch: 0, mean: -1 };
  for (const [epoch, rs] of byEval) {
    const m = meanSd(rs.map((r) => r.acc_spikes)).mean;
    if (m > best.mean) best = { epoch, mean: m };
  }
  // Average rate over the run: total samples over total training time (Δsamples / rate per evaluation interval).
  let samples = 0;
  let seconds = 0;
  let prev = 0;
  for (const r of rows.filter((x) => x.replica === 0).sort((a, b) => a.samples - b.samples)) {
    if (r.train_samples_per_s) {
      samples += r.samples - prev;
      seconds += (r.samples - prev) / r.train_samples_per_s;
    }
    prev = r.samples;
  }
  const mse = meanSd(final.map((r) => r.mse));
  console.log(
    `| ${dataset} | ${semantics} | ${final[0]!.epoch} | ${final.length} | ${pct(final.map((r) => r.acc_spikes))} | ${pct(final.map((r) => r.acc_membrane))} | ${pct(final.map((r) => r.acc_exact))} | ${mse.mean.toFixed(4)} ± ${mse.sd.toFixed(4)} | ${(100 * best.mean).toFixed(2)} (${best.epoch}) | ${seconds > 0 ? Math.round(samples / seconds) : '-'} |`,
  );
}
console.log(`\nCommands:\n${commands.map((c) => `    ${c}`).join('\n')}`);
