/** `synfire export DIR FILE [--replica R]`: writes a replica's weights as JSON {"W1": nIn×400, "W2": 400×10}. */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import { loadWeightsSource } from '../../nbp/weights-source.ts';
import { formatWeightsJson } from '../../nbp/weights-json.ts';

const USAGE = `usage: synfire export DIR FILE [--replica R]

  Writes replica R (default 0) of the run in DIR as {"W1": nIn rows × 400, "W2": 400 rows × 10}, integers,
  a = x·W1 as in the authors' code: the format --init-weights reads.`;

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { replica: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`expected a run directory and an output file\n${USAGE}`);
  const [dir, file] = positionals as [string, string];
  const src = loadWeightsSource(dir);
  const replica = values.replica === undefined ? 0 : Number(values.replica);
  if (!Number.isInteger(replica) || replica < 0 || replica >= src.replicas.length) {
    throw new UsageError(`--replica must be an integer in [0, ${src.replicas.length - 1}], got '${values.replica}'`);
  }
  const w = src.replicas[replica]!.weights;
  writeFileSync(file, formatWeightsJson(src.shape, w.W1, w.W2));
  console.error(`wrote replica ${replica} of ${dir} (${src.shape.nIn}-${src.shape.nHid}-${src.shape.nOut}) to ${file}`);
  return 0;
}
