/**
 * Durable file output for run directories (Node): every write's byte count is checked, files are fsynced before
 * they are renamed into place, a failed write never replaces a good file, and directories are created one level
 * at a time (Node's recursive mkdir spins forever under /proc and reports ENOENT instead of EROFS on a read-only
 * mount). Errors name the file, the cause and the errno code (ENOSPC, EROFS, ...).
 *
 * The file-system calls are injectable ({@link DurableFs}) so tests can simulate short writes and full disks.
 */
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The file-system calls durable writes use; tests substitute ones that fail. */
export interface DurableFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

/** The real file system. */
export const nodeFs: DurableFs = {
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (path) => fs.unlinkSync(path),
};

/** A file-system failure with the file and errno code in its message, e.g. "x: cannot write (ENOSPC: no space left on device)". */
export class FileError extends Error {
  override name = 'FileError';
  constructor(
    message: string,
    readonly file: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

function codeOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return 'ENOSPC: no space left on device';
  if (e?.code === 'EDQUOT') return 'EDQUOT: disk quota exceeded';
  if (e?.code === 'EROFS') return 'EROFS: read-only file system';
  return e instanceof Error ? e.message : String(err);
}

/** Writes all of `data` at the file position, looping over short writes; a write of 0 bytes is a full disk. */
export function writeFully(fd: number, data: Uint8Array, file: string, io: DurableFs = nodeFs): void {
  let off = 0;
  while (off < data.length) {
    let n: number;
    try {
      n = io.writeSync(fd, data, off, data.length - off);
    } catch (err) {
      throw new FileError(`${file}: cannot write (${reason(err)}) after ${off} of ${data.length} bytes`, file, codeOf(err));
    }
    if (!Number.isInteger(n) || n <= 0) {
      throw new FileError(
        `${file}: cannot write (ENOSPC: no space left on device: wrote 0 bytes) after ${off} of ${data.length} bytes`,
        file,
        'ENOSPC',
      );
    }
    off += n;
  }
}

/**
 * Writes `final` atomically: the data goes to a temporary file beside it (`.NAME.PID.tmp`), is written in full
 * and fsynced, then renamed over `final`, and the directory is fsynced. On any failure the temporary file is
 * removed, `final` is left as it was, and a {@link FileError} naming `final` and the cause is thrown.
 */
export function writeFileAtomic(final: string, data: string | Uint8Array, io: DurableFs = nodeFs): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const dir = dirname(final);
  const tmp = join(dir, `.${basename(final)}.${process.pid}.tmp`);
  const what = `${final}: not written (any previous version is kept unchanged)`;
  let fd: number;
  try {
    fd = io.openSync(tmp, 'w', 0o644);
  } catch (err) {
    throw new FileError(`${what} (cannot create ${tmp}: ${reason(err)})`, final, codeOf(err));
  }
  try {
    try {
      writeFully(fd, bytes, tmp, io);
      io.fsyncSync(fd);
    } finally {
      io.closeSync(fd);
    }
    io.renameSync(tmp, final);
  } catch (err) {
    try {
      io.unlinkSync(tmp);
    } catch {
      // Already gone (or the directory vanished): nothing to clean.
    }
    throw new FileError(`${what} (${err instanceof FileError ? err.message : reason(err)})`, final, codeOf(err) ?? (err as FileError).code);
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Directory fsync is not supported everywhere; the rename itself is atomic.
  }
}

/** Appends `text` to `file`, checking every byte reached it (a full disk throws a FileError naming the file). */
export function appendFully(file: string, text: string, io: DurableFs = nodeFs): void {
  let fd: number;
  try {
    fd = io.openSync(file, 'a', 0o644);
  } catch (err) {
    throw new FileError(`${file}: cannot open for appending (${reason(err)})`, file, codeOf(err));
  }
  try {
    writeFully(fd, Buffer.from(text, 'utf8'), file, io);
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}

/** statfs magic numbers of virtual file systems that accept no run directories. */
const VIRTUAL_FS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x1cd1: 'devpts',
  0x64626720: 'debugfs',
  0x73636673: 'securityfs',
};

/**
 * Creates `path` and its missing parents one level at a time, and checks it is a writable directory on a real
 * file system. Errors name the directory and the cause (EROFS, EACCES, a virtual file system such as /proc).
 */
export function makeRunDir(path: string): void {
  const abs = resolve(path);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(cur);
    } catch (err) {
      if (codeOf(err) !== 'ENOENT' && codeOf(err) !== 'ENOTDIR')
        throw new FileError(`${path}: cannot use ${cur} (${reason(err)})`, path, codeOf(err));
    }
    if (st) {
      if (!st.isDirectory()) throw new FileError(`${path}: ${cur} is not a directory`, path, 'ENOTDIR');
      break;
    }
    missing.unshift(cur);
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  const existing = missing.length ? dirname(missing[0]!) : abs;
  try {
    const kind = VIRTUAL_FS[Number(fs.statfsSync(existing).type)];
    if (kind)
      throw new FileError(
        `${path}: ${existing} is on the virtual ${kind} file system, which cannot hold files; choose a directory on a disk`,
        path,
        'EINVAL',
      );
  } catch (err) {
    if (err instanceof FileError) throw err;
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if (codeOf(err) === 'EEXIST') continue; // created concurrently
      throw new FileError(`${path}: cannot create directory ${dir} (${reason(err)})`, path, codeOf(err));
    }
  }
}

/** Files of a run directory that commands must never overwrite with their output. */
export const RUN_FILES = ['checkpoint.json', 'config.json', 'metrics.jsonl', '.synfire.lock'] as const;

/**
 * Throws if `output` is one of the run files of `runDir` (e.g. `synfire export DIR DIR/checkpoint.json` would
 * replace the checkpoint with a weights file). Names the flag or argument and the file.
 */
export function refuseRunFileOutput(output: string, runDir: string, what: string): void {
  const target = resolve(output);
  for (const name of RUN_FILES) {
    if (target === resolve(runDir, name)) throw new FileError(`${what} ${output} is the run's own ${name}; choose another file`, output, 'EEXIST');
  }
}
