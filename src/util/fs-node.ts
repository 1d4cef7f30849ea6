import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { GlimpseError } from './errors.js';

/**
 * Writes `data` to `path` atomically: a temporary file beside it is written, flushed to disk
 * (fsync) and renamed over `path`, so a crash leaves the old file or the new one, never half
 * of either. The directory is fsynced too where the platform allows.
 *
 * @example writeFileAtomic('run/model.safetensors', bytes);
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w', 0o644);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new GlimpseError(`writeFileAtomic: could not write ${path}: ${(e as Error).message}`);
  }
  try {
    const dirFd = openSync(dirname(path), 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Directories cannot be opened or fsynced on some platforms (Windows); the rename stands.
  }
}
