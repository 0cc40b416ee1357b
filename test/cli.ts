/** Runs the `synfire` CLI in-process for tests, with everything it prints captured (one helper for every CLI test). */
import { vi } from 'vitest';
import { main } from '../src/cli/main.ts';

/** What a CLI call returned and printed: console.log and stdout writes in `out`, console.error and stderr writes in `err`. */
export interface CliResult {
  rc: number;
  out: string;
  err: string;
}

/** Runs `synfire ARGS...` in this process; spies are removed afterwards, also when main() throws. */
export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const rc = await main(args);
    return { rc, out: out.join('\n'), err: err.join('\n') };
  } finally {
    vi.restoreAllMocks();
  }
}
