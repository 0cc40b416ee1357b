/** Paths the tests share: the golden traces live in shared/ beside the repository (CI clones it there too). */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Directory of the golden traces: $SYNFIRE_TRACES, else ../shared/loihi-traces, else /work/shared/loihi-traces. */
export const TRACES_DIR: string =
  process.env.SYNFIRE_TRACES ??
  [resolve(ROOT, '../shared/loihi-traces'), '/work/shared/loihi-traces'].find((p) => existsSync(p)) ??
  resolve(ROOT, '../shared/loihi-traces');
