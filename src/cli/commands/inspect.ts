/** `synfire inspect DIR|FILE`: each weight matrix's shape and the SHA-256 of its values (int32 LE, row-major). */
import { defineCommand } from '../command.ts';
import { loadWeightsSource } from '../../app/weights-source.ts';
import { weightsSha256 } from '../../app/checkpoint.ts';

const USAGE = `usage: synfire inspect DIR|FILE [--json] [--accept-unverified]

  DIR   a training run directory (checkpoint.json: every replica, W1, W2, P, M)
  FILE  a weights JSON file ({"W1", "W2"}, as written by synfire export)
  --accept-unverified  read a checkpoint written before checksums (format 1)
  SHA-256 is over the values as little-endian int32, row-major: numpy hashlib.sha256(W.astype('<i4').tobytes())`;

export const run = defineCommand({
  usage: USAGE,
  options: { json: { type: 'boolean' }, 'accept-unverified': { type: 'boolean' } },
  positionals: [1, 1],
  positionalsName: 'one run directory or weights file',
  run: inspect,
});

async function inspect(values: { json?: boolean; 'accept-unverified'?: boolean }, positionals: string[]): Promise<number> {
  const src = loadWeightsSource(positionals[0]!, { acceptUnverified: !!values['accept-unverified'] });
  const { nIn, nHid, nOut } = src.shape;
  const dims: Record<string, [number, number]> = { W1: [nIn, nHid], W2: [nHid, nOut], P: [nHid, nOut], M: [nHid, nOut] };
  const names = src.checkpoint ? (['W1', 'W2', 'P', 'M'] as const) : (['W1', 'W2'] as const);
  const report = src.replicas.map((r) => ({
    replica: r.replica,
    seed: r.seed,
    matrices: names.map((name) => ({ name, shape: dims[name]!, sha256: weightsSha256(r.weights[name]) })),
  }));
  if (values.json) {
    console.log(
      JSON.stringify(
        { path: src.path, shape: src.shape, config: src.checkpoint?.config ?? null, progress: src.checkpoint?.progress ?? null, replicas: report },
        null,
        2,
      ),
    );
    return 0;
  }
  const c = src.checkpoint;
  console.log(
    c
      ? `${src.path}: ${c.config.dataset} ${nIn}-${nHid}-${nOut}, ${c.config.semantics} semantics, ${c.config.engine} engine, ${c.config.replicas} replica(s), ${c.progress.samples} samples per replica (epoch ${c.progress.epoch}, offset ${c.progress.offset})`
      : `${src.path}: weights ${nIn}-${nHid}-${nOut}`,
  );
  for (const r of report) {
    console.log(`replica ${r.replica}${r.seed !== null ? ` (seed ${r.seed})` : ''}:`);
    for (const m of r.matrices) console.log(`  ${m.name.padEnd(2)}  ${`${m.shape[0]}×${m.shape[1]}`.padEnd(8)}  sha256 ${m.sha256}`);
  }
  return 0;
}
