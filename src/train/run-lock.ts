/**
 * One writer per run folder, and no leftovers from writers that died: a lock file holding the
 * writer's process id, taken over when that process no longer exists, and the temporary
 * files of interrupted atomic writes (`<file>.tmp-<pid>-<hex>`, see writeFileAtomic) removed
 * once their process is gone.
 */
import { linkSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GlimpseError } from '../util/errors.js';

/** The lock file in a run folder. */
export const LOCK_FILE = 'glimpse.lock';

/** A held lock; `release()` removes the file if it is still ours. */
export interface RunLock {
  readonly file: string;
  release(): void;
}

interface LockInfo {
  pid: number;
  host: string;
  command: string;
  since: string;
}

/** Whether a process with this id exists on this machine (EPERM: it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): { text: string; info: LockInfo | null } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GlimpseError(`could not read the lock ${file}: ${(e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    const ok = typeof v === 'object' && v !== null && Number.isSafeInteger(v.pid) && typeof v.host === 'string';
    return { text, info: ok ? { pid: v.pid!, host: v.host!, command: String(v.command ?? 'glimpse'), since: String(v.since ?? '?') } : null };
  } catch {
    return { text, info: null }; // a lock cut off while it was written: its writer died
  }
}

/** Whether a lock's holder may still be running (on another host we cannot tell, so yes). */
function held(info: LockInfo | null): boolean {
  if (!info) return false;
  return info.host !== hostname() || processAlive(info.pid);
}

/**
 * Takes the lock of run folder `dir` for `command`, or throws one line naming the process that
 * holds it. A lock left by a process that no longer exists (killed, crashed) is taken over.
 *
 * @example
 * const lock = lockRunFolder('runs/reverse', 'glimpse train --resume');
 * try { ... } finally { lock.release(); }
 */
export function lockRunFolder(dir: string, command: string): RunLock {
  const file = join(dir, LOCK_FILE);
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), command, since: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      return {
        file,
        release: () => {
          if (readLock(file)?.text === mine) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new GlimpseError(`could not create the lock ${file}: ${(e as Error).message}`);
    }
    const current = readLock(file);
    if (current === null) continue; // released meanwhile
    if (held(current.info)) {
      const { pid, host, command: by, since } = current.info!;
      throw new GlimpseError(`${dir} is in use by process ${pid}${host !== hostname() ? ` on ${host}` : ''} (${by}, since ${since}); ` +
        `wait for it to finish or stop it (its lock: ${file})`);
    }
    // Stale: move it aside, and check that what was moved is the stale lock just read (another
    // process taking it over at the same moment may have replaced it); if not, put it back.
    const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(file, aside);
    } catch {
      continue;
    }
    const moved = readLock(aside);
    if (moved?.text !== current.text) {
      try {
        linkSync(aside, file);
      } catch {
        // someone else holds the lock now; the loop reads it
      }
    }
    rmSync(aside, { force: true });
  }
  throw new GlimpseError(`could not take the lock ${file}: other processes keep changing it`);
}

/** `<file>.tmp-<pid>-<8 hex>`: a temporary of writeFileAtomic; `<lock>.stale-<pid>-<8 hex>`: a lock being taken over. */
const TEMPORARY = /\.(?:tmp|stale)-(\d+)-[0-9a-f]{8}$/;

/**
 * Removes the temporaries that interrupted atomic writes left in `dir` (those whose process no
 * longer exists); returns their names.
 *
 * @example const removed = cleanTemporaries('runs/reverse');
 */
export function cleanTemporaries(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const m = TEMPORARY.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
