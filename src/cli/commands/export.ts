/** `synfire export DIR FILE [--replica R]`: writes a replica's weights as JSON {"W1": nIn×400, "W2": 400×10}. */
import { UsageError } from '../errors.ts';
import { defineCommand, intOption } from '../command.ts';
import { loadWeightsSource } from '../../app/weights-source.ts';
import { formatWeightsJson } from '../../app/weights-json.ts';
import { refuseRunFileOutput, writeFileAtomic } from '../../app/durable.ts';

const USAGE = `usage: synfire export DIR FILE [--replica R] [--accept-unverified]

  Writes replica R (default 0) of the run in DIR as {"W1": nIn rows × 400, "W2": 400 rows × 10}, integers,
  a = x·W1 as in the authors' code: the format --init-weights reads. FILE is replaced atomically.
  --accept-unverified  read a checkpoint written before checksums (format 1)`;

export const run = defineCommand({
  usage: USAGE,
  options: { replica: { type: 'string' }, 'accept-unverified': { type: 'boolean' } },
  positionals: [2, 2],
  positionalsName: 'a run directory and an output file',
  async run(values, positionals) {
    const [dir, file] = positionals as [string, string];
    refuseRunFileOutput(file, dir, 'FILE');
    const src = loadWeightsSource(dir, { acceptUnverified: !!values['accept-unverified'] });
    const last = src.replicas.length - 1;
    let replica: number;
    try {
      replica = intOption(values.replica, '--replica', 0, last) ?? 0;
    } catch {
      throw new UsageError(`--replica must be an integer in [0, ${last}], got '${values.replica}'`);
    }
    const w = src.replicas[replica]!.weights;
    writeFileAtomic(file, formatWeightsJson(src.shape, w.W1, w.W2));
    console.error(`wrote replica ${replica} of ${dir} (${src.shape.nIn}-${src.shape.nHid}-${src.shape.nOut}) to ${file}`);
    return 0;
  },
});
