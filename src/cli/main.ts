/** The `synfire` command dispatcher: each command lives in its own module under ./commands. */

/** A CLI command: takes its own argv (without the command name) and returns the exit code. */
export type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  info: { summary: 'print the WebGPU adapter, its limits and features', load: () => import('./commands/info.ts') },
  replay: { summary: 'replay golden Loihi traces and compare', load: () => import('./commands/replay.ts') },
  train: { summary: 'train nBP (fused or circuit engine)', load: () => import('./commands/train.ts') },
  eval: { summary: 'evaluate a checkpoint on a test set', load: () => import('./commands/eval.ts') },
  inspect: { summary: 'print weight shapes and SHA-256 of a checkpoint', load: () => import('./commands/inspect.ts') },
  export: { summary: 'export checkpoint weights as JSON', load: () => import('./commands/export.ts') },
  bench: { summary: 'run benchmarks (core, nbp)', load: () => import('./commands/bench.ts') },
  raster: { summary: 'record one sample of the nBP circuit as a spike raster', load: () => import('./commands/raster.ts') },
  report: { summary: 'write a self-contained HTML report of a training run', load: () => import('./commands/report.ts') },
  'import-nir': {
    summary: 'import a NIR graph (HDF5) as a network description, quantized to Loihi integers',
    load: () => import('./commands/import-nir.ts'),
  },
  'export-nir': {
    summary: 'export a network description as a NIR graph (integers in a synfire extension)',
    load: () => import('./commands/export-nir.ts'),
  },
  run: { summary: 'run a network description for N steps and write its spikes', load: () => import('./commands/run.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)} ${c.summary}`);
  return `usage: synfire <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'synfire <command> --help' for a command's options.`;
}

let pipesGuarded = false;

/**
 * When the reader of stdout goes away (`synfire inspect DIR | head`), writing fails with EPIPE: exit quietly
 * (status 0) instead of dying with a stack trace. A closed stderr (`2>&1 | head` ended) only silences the
 * diagnostics: a training run keeps going and still writes its checkpoints. Installed once per process.
 */
export function exitQuietlyOnClosedPipe(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  const closed = (err: NodeJS.ErrnoException) => err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED';
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (closed(err)) process.exit(0);
    throw err;
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (!closed(err)) throw err;
  });
}

/** Runs the CLI with the given arguments and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`synfire: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  let mod: { run: Command };
  try {
    mod = await entry.load();
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' &&
      ['ts', 'js'].some((ext) => String(err).includes(`commands/${name}.${ext}`))
    ) {
      console.error(`synfire: command '${name}' is not available in this build`);
      return 2;
    }
    throw err;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof Error && (err.name === 'UsageError' || String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`synfire ${name}: ${err.message}`);
      return 2;
    }
    console.error(`synfire ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.SYNFIRE_DEBUG) console.error(err);
    return 1;
  }
}
