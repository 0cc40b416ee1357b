/**
 * The remedy accuracy runs behind docs/accuracy.md (not a test: each 60-epoch, 3-seed configuration takes minutes).
 *
 *   npx tsx scripts/accuracy.remedies.ts [--epochs 60] [--replicas 3] [--seed 1] [--out runs/remedy]
 *                                        [--only NAME,...] [--table-only]
 *
 * Each configuration is `synfire train ... --resume` into OUT/<name> (an interrupted script picks up where it
 * stopped); the table (final evaluation, mean ± sd over the replicas, and the mean |Δ| between consecutive
 * half-epoch evaluations over the last 10 epochs) is printed in Markdown from the runs' metrics.jsonl.
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
    out: { type: 'string', default: 'runs/remedy' },
    only: { type: 'string' },
    'table-only': { type: 'boolean' },
  },
});

/** The recommended remedy set (docs/accuracy.md). */
const RECOMMENDED = ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=20'];

/** The configurations: name, dataset, remedies (none = the faithful default, loihi semantics), seed (default --seed). */
const CONFIGS: Array<{ name: string; dataset: 'mnist' | 'fashion'; remedies: string[]; seed?: string }> = [
  { name: 'mnist-faithful', dataset: 'mnist', remedies: [] },
  { name: 'fashion-faithful', dataset: 'fashion', remedies: [] },
  { name: 'mnist-A', dataset: 'mnist', remedies: ['margin=256', 'output-floor=4096', 'lr-halve=10'] },
  { name: 'fashion-A', dataset: 'fashion', remedies: ['margin=256', 'output-floor=4096', 'lr-halve=10'] },
  { name: 'mnist-B', dataset: 'mnist', remedies: ['margin=512', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'fashion-B', dataset: 'fashion', remedies: ['margin=512', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'mnist-C', dataset: 'mnist', remedies: ['margin=512', 'output-floor=4096', 'lr-halve=8', 'hidden-box=512'] },
  { name: 'mnist-E', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'fashion-E', dataset: 'fashion', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'mnist-F', dataset: 'mnist', remedies: ['margin=256', 'target-margin=768', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'mnist-G', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1536', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'mnist-H', dataset: 'mnist', remedies: ['margin=512', 'nontarget-margin=768', 'target-margin=1024', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'mnist-I', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=5'] },
  { name: 'mnist-K', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'lr-halve=8'] },
  { name: 'mnist-L', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=1024', 'lr-halve=8'] },
  { name: 'mnist-M', dataset: 'mnist', remedies: ['margin=384', 'target-margin=1024', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'mnist-N', dataset: 'mnist', remedies: ['margin=512', 'output-floor=4096', 'lr-halve=15'] },
  { name: 'mnist-O', dataset: 'mnist', remedies: ['margin=512', 'target-margin=768', 'output-floor=4096', 'lr-halve=8'] },
  { name: 'mnist-P', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=12'] },
  { name: 'mnist-Q', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=15'] },
  { name: 'mnist-R', dataset: 'mnist', remedies: RECOMMENDED },
  { name: 'mnist-S', dataset: 'mnist', remedies: ['margin=512', 'target-margin=768', 'output-floor=4096', 'lr-halve=15'] },
  // R without lr-halve: what the schedule adds.
  { name: 'mnist-T', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096'] },
  { name: 'fashion-T', dataset: 'fashion', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096'] },
  // The recommended set (R) on Fashion-MNIST, and R and the faithful model on seeds 4-6, which took no part in choosing R.
  { name: 'fashion-R', dataset: 'fashion', remedies: RECOMMENDED },
  { name: 'mnist-R-seeds456', dataset: 'mnist', remedies: RECOMMENDED, seed: '4' },
  { name: 'mnist-faithful-seeds456', dataset: 'mnist', remedies: [], seed: '4' },
  // Follow-up search for a set meeting both MNIST targets (seeds 1-3).
  { name: 'mnist-U', dataset: 'mnist', remedies: ['margin=512', 'target-margin=768', 'output-floor=4096', 'lr-halve=20'] },
  { name: 'mnist-V', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=30'] },
  { name: 'mnist-W', dataset: 'mnist', remedies: ['margin=384', 'target-margin=1024', 'output-floor=4096', 'lr-halve=20'] },
  { name: 'mnist-X', dataset: 'mnist', remedies: ['margin=512', 'target-margin=896', 'output-floor=4096', 'lr-halve=20'] },
  { name: 'mnist-Y', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=8192', 'lr-halve=20'] },
  { name: 'mnist-Z', dataset: 'mnist', remedies: ['margin=512', 'target-margin=640', 'output-floor=4096', 'lr-halve=15'] },
  { name: 'mnist-AA', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=25'] },
  { name: 'mnist-AB', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=2048', 'lr-halve=20'] },
  { name: 'mnist-AC', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=25', 'hidden-box=128'] },
  { name: 'mnist-AD', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1152', 'output-floor=4096', 'lr-halve=25'] },
  { name: 'mnist-AE', dataset: 'mnist', remedies: ['margin=512', 'target-margin=768', 'output-floor=4096', 'lr-halve=25'] },
  { name: 'mnist-AF', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=22'] },
  { name: 'mnist-AG', dataset: 'mnist', remedies: ['margin=512', 'output-floor=4096', 'lr-halve=25'] },
  { name: 'mnist-AH', dataset: 'mnist', remedies: ['margin=512', 'target-margin=896', 'output-floor=4096', 'lr-halve=25'] },
  // The closest to both targets on seeds 1-3 (AA), on the held-out seeds 4-6.
  { name: 'mnist-AA-seeds456', dataset: 'mnist', remedies: ['margin=512', 'target-margin=1024', 'output-floor=4096', 'lr-halve=25'], seed: '4' },
];

interface Row {
  replica: number;
  seed: number;
  epoch: number;
  samples: number;
  acc_spikes: number;
  acc_membrane: number;
  silent: number;
  train_samples_per_s: number | null;
}

const only = values.only?.split(',');
const chosen = CONFIGS.filter((c) => !only || only.includes(c.name));
const commands: string[] = [];
for (const c of chosen) {
  const args = [
    'bin/synfire.mjs',
    'train',
    '--dataset',
    c.dataset,
    '--epochs',
    values.epochs!,
    '--replicas',
    values.replicas!,
    '--seed',
    c.seed ?? values.seed!,
    '--backend',
    'cpu',
  ];
  for (const r of c.remedies) args.push('--remedy', r);
  args.push('--out', join(values.out!, c.name), '--resume');
  commands.push(`node ${args.join(' ')}`);
  if (values['table-only']) continue;
  console.error(`\n== ${c.name}: node ${args.join(' ')}`);
  const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`accuracy.remedies: ${c.name} failed (exit ${res.status})`);
    process.exit(1);
  }
}

const pct = (xs: number[]) => {
  const { mean, sd } = meanSd(xs);
  return `${(100 * mean).toFixed(2)} ± ${(100 * sd).toFixed(2)}`;
};
console.log(
  '\n| configuration | dataset | remedies | epochs | seeds | acc. spikes (%) | acc. membrane (%) | silent (%) | half-epoch swing, spikes (pts) | train samples/s per replica |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const c of chosen) {
  const file = join(values.out!, c.name, 'metrics.jsonl');
  if (!existsSync(file)) continue;
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  const last = Math.max(...rows.map((r) => r.samples));
  const final = rows.filter((r) => r.samples === last);
  const lastEpoch = final[0]!.epoch;
  const swings: number[] = [];
  for (const rep of new Set(rows.map((r) => r.replica))) {
    const seq = rows.filter((r) => r.replica === rep && r.epoch > lastEpoch - 10).sort((a, b) => a.epoch - b.epoch);
    for (let i = 1; i < seq.length; i++) swings.push(Math.abs(seq[i]!.acc_spikes - seq[i - 1]!.acc_spikes));
  }
  let samples = 0,
    seconds = 0,
    prev = 0;
  for (const r of rows.filter((x) => x.replica === 0).sort((a, b) => a.samples - b.samples)) {
    if (r.train_samples_per_s) {
      samples += r.samples - prev;
      seconds += (r.samples - prev) / r.train_samples_per_s;
    }
    prev = r.samples;
  }
  console.log(
    `| ${c.name} | ${c.dataset} | ${c.remedies.join(' ') || '— (faithful)'} | ${lastEpoch} | ${final.map((r) => r.seed).join(',')} | ${pct(final.map((r) => r.acc_spikes))} | ${pct(final.map((r) => r.acc_membrane))} | ${pct(final.map((r) => r.silent))} | ${(100 * meanSd(swings).mean).toFixed(2)} | ${seconds > 0 ? Math.round(samples / seconds) : '-'} |`,
  );
}
console.log(`\nCommands:\n${commands.map((c) => `    ${c}`).join('\n')}`);
