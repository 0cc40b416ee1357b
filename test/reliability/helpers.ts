/** Shared helpers of the reliability tests: temp run directories, a small data set, the CLI with captured output. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT } from '../paths.ts';

/** A fresh temporary directory. */
export const tempDir = (prefix = 'synfire-rel-') => mkdtempSync(join(tmpdir(), prefix));

export { cli, type CliResult } from '../cli.ts';

/** Train options on the CPU engine with a synthetic data directory. */
export const trainArgs = (data: string) => ['train', '--dataset', 'mnist', '--data-dir', data, '--backend', 'cpu', '--threads', '0'];

/** Runs the real `synfire` binary (bin/synfire.mjs) in a child process. */
export function spawnCli(
  args: string[],
  options: { closeStdout?: boolean; closeStderr?: boolean } = {},
): Promise<{ rc: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/synfire.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    if (options.closeStderr) child.stderr.destroy();
    else child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (rc) => done({ rc, stdout, stderr }));
  });
}
