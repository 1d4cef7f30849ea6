import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
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

// Reading files a user can point at. Every read goes through one check: the file is opened,
// the *opened descriptor* is examined (not the path, so nothing can be swapped in between),
// anything but a regular file is refused (directories, FIFOs, sockets, devices such as
// /dev/zero or /dev/urandom, also behind a symlink), and its size must be within the limit of
// its kind. Then exactly that many bytes are read, or a range of them (safetensors tensors).

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** The kinds of files glimpse reads; each has a documented size limit (docs/reliability.md). */
export type ReadKind = 'config' | 'vocab' | 'metrics' | 'corpus' | 'text' | 'weights' | 'checkpoint';

/** A kind's size limit and how errors name its files. */
export interface ReadRule {
  maxBytes: number;
  label: string;
}

/** Size limits per kind of file, far above what glimpse writes and far below what exhausts memory. */
export const READ_LIMITS: { readonly [K in ReadKind]: ReadRule } = {
  /** A run's config.json, a `--config` file, a model folder's config.json. */
  config: { maxBytes: 1 * MiB, label: 'config file' },
  /** vocab.{lm,src,tgt}.json. */
  vocab: { maxBytes: 64 * MiB, label: 'vocabulary' },
  /** A run's metrics.jsonl. */
  metrics: { maxBytes: 64 * MiB, label: 'metrics log' },
  /** Training corpora (text and parallel files); decoded whole, and V8 strings end near 512 MiB. */
  corpus: { maxBytes: 256 * MiB, label: 'corpus file' },
  /** BLEU / chrF references and hypotheses (files and standard input). */
  text: { maxBytes: 256 * MiB, label: 'text file' },
  /** Weights (best/last/model.safetensors); read tensor by tensor, never whole. */
  weights: { maxBytes: 4 * GiB, label: 'weights file' },
  /** checkpoint.safetensors (weights, optimizer moments, carried state). */
  checkpoint: { maxBytes: 16 * GiB, label: 'checkpoint' },
};

/** `1.5 GiB`, `12 MiB`, `300 bytes`. */
export function formatBytes(n: number): string {
  if (n >= GiB) return `${+(n / GiB).toFixed(1)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** Options of the checked readers. */
export interface ReadOptions {
  /** How errors name the file, e.g. `'source file'` (default: the kind's label). */
  label?: string;
  /** A tighter limit than the kind's (e.g. a dataset file's registered size). */
  maxBytes?: number;
}

/** A regular file opened for reading, its size taken from the descriptor. */
export interface CheckedFile {
  readonly path: string;
  readonly fd: number;
  readonly size: number;
  /** `vocabulary runs/x/vocab.src.json`: the start of every message about this file. */
  readonly name: string;
}

const OPEN_ERRORS: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of its path is not a folder)',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
  ELOOP: 'cannot be read: its symbolic links form a loop',
  EISDIR: 'is a directory; expected a regular file',
  ENAMETOOLONG: 'cannot be read: its name is too long',
};

function notRegular(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device (such as /dev/zero)';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` for reading after checking, on the opened descriptor, that it is a regular file
 * within the size limit of `kind`. A FIFO is opened non-blocking, so it is refused instead of
 * waiting for a writer. Close it with {@link closeChecked}, or use {@link withCheckedFile}.
 *
 * @example
 * const f = openChecked('runs/x/best.safetensors', 'weights');
 */
export function openChecked(path: string, kind: ReadKind, options: ReadOptions = {}): CheckedFile {
  const rule = READ_LIMITS[kind];
  const name = `${options.label ?? rule.label} ${path}`;
  const limit = Math.min(options.maxBytes ?? Infinity, rule.maxBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new GlimpseError(`${name} ${OPEN_ERRORS[code] ?? `cannot be opened (${code})`}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new GlimpseError(`${name} is ${notRegular(st)}; expected a regular file`);
    if (st.size > limit) {
      // Sizes that round alike (64 MiB + 1 byte) are given in bytes.
      const [size, max] = formatBytes(st.size) === formatBytes(limit) ? [`${st.size} bytes`, `${limit}-byte`] : [formatBytes(st.size), formatBytes(limit)];
      const bound = limit < rule.maxBytes ? `the ${max} it should have` : `the ${max} limit for a ${rule.label}`;
      throw new GlimpseError(`${name} is ${size}, more than ${bound}; is it the right file?`);
    }
    return { path, fd, size: st.size, name };
  } catch (e) {
    closeSync(fd);
    if (e instanceof GlimpseError) throw e;
    throw new GlimpseError(`${name} cannot be examined: ${(e as Error).message}`);
  }
}

/** Closes a file from {@link openChecked}. */
export function closeChecked(file: CheckedFile): void {
  closeSync(file.fd);
}

/** Opens `path` as {@link openChecked} does, runs `use` on it and closes it whatever happens. */
export function withCheckedFile<T>(path: string, kind: ReadKind, use: (file: CheckedFile) => T, options: ReadOptions = {}): T {
  const file = openChecked(path, kind, options);
  try {
    return use(file);
  } finally {
    closeChecked(file);
  }
}

/**
 * `length` bytes of `file` from byte `position`, in a fresh buffer of its own. A file that
 * got shorter than its checked size, or a failing read, is an error naming the file.
 */
export function readRange(file: CheckedFile, position: number, length: number): Uint8Array {
  if (position < 0 || length < 0 || position + length > file.size) {
    throw new GlimpseError(`${file.name}: bytes ${position}–${position + length} lie outside its ${file.size} bytes`);
  }
  let out: Uint8Array;
  try {
    out = new Uint8Array(length);
  } catch {
    throw new GlimpseError(`${file.name}: not enough memory to read ${formatBytes(length)} of it`);
  }
  let done = 0;
  while (done < length) {
    let n: number;
    try {
      n = readSync(file.fd, out, done, Math.min(length - done, GiB), position + done);
    } catch (e) {
      throw new GlimpseError(`${file.name} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (n === 0) throw new GlimpseError(`${file.name} changed while it was read (it ended after ${position + done} of its ${file.size} bytes)`);
    done += n;
  }
  return out;
}

/**
 * The whole of a checked file (see {@link openChecked}) as bytes.
 *
 * @example
 * const bytes = readFileChecked('ref.de', 'text', { label: 'reference file' });
 */
export function readFileChecked(path: string, kind: ReadKind, options: ReadOptions = {}): Uint8Array {
  return withCheckedFile(path, kind, (f) => readRange(f, 0, f.size), options);
}

/**
 * The whole of a checked file as strict UTF-8 text; a byte-order mark is dropped unless
 * `keepBom` (sacreBLEU and the corpora keep it as a character).
 *
 * @example
 * const text = readTextChecked('runs/x/config.json', 'config');
 */
export function readTextChecked(path: string, kind: ReadKind, options: ReadOptions & { keepBom?: boolean } = {}): string {
  const bytes = readFileChecked(path, kind, options);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: options.keepBom ?? false }).decode(bytes);
  } catch {
    throw new GlimpseError(`${options.label ?? READ_LIMITS[kind].label} ${path} is not valid UTF-8 text`);
  }
}
