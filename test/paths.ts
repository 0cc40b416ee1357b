/** Paths the tests share: the golden traces live in shared/ beside the repository (CI clones it there too). */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is test/paths.ts). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Directory of the golden traces: $SYNFIRE_TRACES if set, else ../shared/loihi-traces relative to the repository
 * root. A missing directory fails every test file that imports this one, saying where it looked.
 */
export const TRACES_DIR: string = resolve(process.env.SYNFIRE_TRACES ?? resolve(ROOT, '../shared/loihi-traces'));

if (!existsSync(TRACES_DIR) || !statSync(TRACES_DIR).isDirectory()) {
  const from = process.env.SYNFIRE_TRACES ? `$SYNFIRE_TRACES (${process.env.SYNFIRE_TRACES})` : '../shared/loihi-traces beside the repository';
  throw new Error(
    `golden traces not found: ${TRACES_DIR} is not a directory (from ${from}). ` +
      'Put the shared/ checkout beside the repository, or set SYNFIRE_TRACES to the loihi-traces directory.',
  );
}
