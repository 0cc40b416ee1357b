/**
 * An exclusive lock on a run directory (Node): DIR/.synfire.lock holds {pid, hostname, started, command}. It is
 * created atomically (written to a temporary file, then hard-linked to the lock name, which fails if the lock
 * exists), so a lock file is never seen half-written. A lock whose process is gone (same host, PID not alive) is
 * stale and taken over; a live one, or one from another host, is a clear error naming its holder.
 */
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';

/** The lock file name inside a run directory. */
export const LOCK_FILE = '.synfire.lock';

/** What a lock file records about its holder. */
export interface LockHolder {
  pid: number;
  hostname: string;
  started: string;
  command: string;
}

const HolderSchema = v.object({
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  hostname: v.string(),
  started: v.string(),
  command: v.string(),
});

/** A run directory that another live process is using. */
export class RunLockedError extends Error {
  override name = 'RunLockedError';
  constructor(
    message: string,
    readonly holder: LockHolder | null,
  ) {
    super(message);
  }
}

/** A held lock. */
export interface RunLock {
  readonly file: string;
  release(): void;
}

/** True if a process with this PID exists on this host (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = v.safeParse(HolderSchema, JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

function describeHolder(h: LockHolder): string {
  return `PID ${h.pid} on ${h.hostname}, started ${h.started}: ${h.command}`;
}

/**
 * Takes the exclusive lock of run directory `dir` (which must exist). `log` hears about stale locks taken over.
 * Throws {@link RunLockedError} naming the holder when another live process has it.
 */
export function lockRunDir(dir: string, log: (line: string) => void = () => {}): RunLock {
  const file = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(me) + '\n');
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw new Error(`${file}: cannot create the run lock (${(err as Error).message})`);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${file}: cannot create the run lock (${(err as Error).message})`);
      }
      const seen = readText(file);
      const holder = readHolder(file);
      if (holder && holder.pid === process.pid && holder.hostname === me.hostname) {
        throw new RunLockedError(`${dir} is already in use by this process (${file})`, holder);
      }
      if (holder && holder.hostname !== me.hostname) {
        throw new RunLockedError(
          `${dir} is in use by ${describeHolder(holder)} (lock ${file}); if that process is gone, delete the lock file`,
          holder,
        );
      }
      if (holder && processAlive(holder.pid)) {
        throw new RunLockedError(
          `${dir} is in use by ${describeHolder(holder)} (lock ${file}); wait for it to finish or choose another --out`,
          holder,
        );
      }
      if (attempt >= 3) throw new RunLockedError(`${dir}: could not take over the stale lock ${file}; delete it by hand`, holder);
      // Stale (its process is gone) or unreadable: move it aside under a unique name, then try again.
      const aside = `${file}.stale.${process.pid}`;
      try {
        renameSync(file, aside);
      } catch {
        continue; // another process moved it first; look again
      }
      if (readText(aside) !== seen) {
        // Between reading and moving, another process replaced the stale lock with its own: put that back.
        try {
          linkSync(aside, file);
        } catch {
          // A third process holds the name now; the next attempt sees it.
        }
        unlinkSync(aside);
        continue;
      }
      unlinkSync(aside);
      log(`${dir}: removed a stale lock (${holder ? `PID ${holder.pid} is no longer running` : 'unreadable lock file'})`);
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // ignore
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const holder = readHolder(file);
    if (holder && holder.pid === process.pid && holder.hostname === me.hostname && holder.started === me.started) {
      try {
        unlinkSync(file);
      } catch {
        // ignore
      }
    }
  };
  process.on('exit', release);
  return { file, release };
}

/**
 * Removes temporary files left in `dir` by killed processes (`.NAME.PID.tmp` or `.synfire.lock.stale.PID` whose
 * PID is not alive, or ours from an earlier run in this process). Call it while holding the lock. Returns the
 * removed names.
 */
export function removeOrphanedTemporaries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    // `.NAME.PID.tmp` (atomic writes, lock creation) and `.synfire.lock.stale.PID` (a stale lock being removed).
    const m = /^\..+\.(\d+)\.tmp$/.exec(name) ?? /^\.synfire\.lock\.stale\.(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && processAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // ignore
    }
  }
  return removed;
}
