/**
 * The dataset cache for people without our files: download a registered corpus from its public
 * source (checksums verified), import local copies, and resolve a name or a path to files.
 * Node-only (file system, zlib, crypto).
 *
 * Cache layout: `<dir>/<dataset>/<file>`, dir = `GLIMPSE_DATA_DIR` or `~/.cache/glimpse/data`.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GlimpseError } from '../util/errors.js';
import { readFileChecked } from '../util/fs-node.js';
import { DATASET_NAMES, DATASETS, datasetInfo, isDatasetName, type DatasetFile, type DatasetInfo, type DatasetName } from './datasets.js';

/** The cache folder: `$GLIMPSE_DATA_DIR`, else `~/.cache/glimpse/data`. */
export function dataCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.GLIMPSE_DATA_DIR;
  return resolve(fromEnv !== undefined && fromEnv !== '' ? fromEnv : join(homedir(), '.cache', 'glimpse', 'data'));
}

/** Where a dataset's files are. */
export interface DatasetLocation {
  name: DatasetName;
  dir: string;
  /** File name → absolute path. */
  files: Record<string, string>;
}

/** Progress of a download, reported as bytes arrive. */
export interface DownloadProgress {
  dataset: DatasetName;
  file: string;
  /** 0-based index of the file, and how many files there are. */
  fileIndex: number;
  fileCount: number;
  /** Bytes received of this file (compressed size for gzip sources), and the total if the server said. */
  received: number;
  total: number | null;
  /** This file was already in the cache with the right checksum. */
  cached: boolean;
}

/** Options of {@link download}. */
export interface DownloadOptions {
  /** Cache folder (default {@link dataCacheDir}). */
  dir?: string;
  onProgress?: (p: DownloadProgress) => void;
  /** Download again even if the cache holds verified copies. */
  force?: boolean;
  /** Fetch implementation (default the global `fetch`); tests pass a fake. */
  fetch?: typeof fetch;
  /** Give up when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
}

/** SHA-256 (hex) of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function location(info: DatasetInfo, dir: string): DatasetLocation {
  const d = join(dir, info.name);
  return { name: info.name, dir: d, files: Object.fromEntries(info.files.map((f) => [f.name, join(d, f.name)])) };
}

/** A regular file (following symlinks), or false for anything else, missing included. */
function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The bytes of a local copy of a registered file, at most its registered size (checked reader). */
function readRegistered(path: string, file: DatasetFile): Uint8Array {
  return readFileChecked(path, 'corpus', { label: 'dataset file', maxBytes: file.bytes });
}

function verifiedInCache(path: string, file: DatasetFile): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size !== file.bytes) return false;
  return sha256(readRegistered(path, file)) === file.sha256;
}

/** Writes through a temporary name so an interrupted download never leaves a half file. */
function writeAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.part-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

function offlineHint(name: DatasetName): string {
  const files = DATASETS[name].files.map((f) => f.name).join(', ');
  return `to use local copies instead: glimpse data get ${name} --from PATH (a folder with ${files}), ` +
    'or give the training command the file paths';
}

async function fetchBytes(url: string, name: DatasetName, report: (received: number, total: number | null) => void, options: DownloadOptions): Promise<Uint8Array> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const idle = options.idleTimeoutMs ?? 30_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), idle);
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), idle);
  };
  try {
    let response: Response;
    try {
      response = await doFetch(url, { signal: controller.signal });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = controller.signal.aborted ? `no answer in ${idle / 1000} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
      throw new GlimpseError(`glimpse data: the network is unreachable (cannot fetch ${url}: ${why}); ${offlineHint(name)}`);
    }
    if (!response.ok) {
      throw new GlimpseError(`glimpse data: ${url} answered HTTP ${response.status} ${response.statusText}; ${offlineHint(name)}`);
    }
    const lengthHeader = response.headers.get('content-length');
    const total = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    const chunks: Uint8Array[] = [];
    let received = 0;
    report(0, total);
    if (response.body) {
      const reader = response.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          touch();
          chunks.push(value);
          received += value.length;
          report(received, total);
        }
      } catch (e) {
        const why = controller.signal.aborted ? `stalled for ${idle / 1000} s` : (e as Error).message;
        throw new GlimpseError(`glimpse data: download of ${url} broke off after ${received} bytes (${why}); ${offlineHint(name)}`);
      }
    }
    const out = new Uint8Array(received);
    let k = 0;
    for (const c of chunks) {
      out.set(c, k);
      k += c.length;
    }
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads a registered dataset into the cache (skipping files already there and verified),
 * checks every file's SHA-256, and returns where the files are.
 *
 * @example
 * const loc = await download('multi30k', { onProgress: (p) => bar.update(p.received) });
 * loc.files['train.en']; // ~/.cache/glimpse/data/multi30k/train.en
 */
export async function download(name: string, options: DownloadOptions = {}): Promise<DatasetLocation> {
  const info = datasetInfo(name);
  const loc = location(info, options.dir ?? dataCacheDir());
  const count = info.files.length;
  for (let i = 0; i < count; i++) {
    const file = info.files[i]!;
    const path = loc.files[file.name]!;
    const base = { dataset: info.name, file: file.name, fileIndex: i, fileCount: count };
    if (!options.force && verifiedInCache(path, file)) {
      options.onProgress?.({ ...base, received: file.bytes, total: file.bytes, cached: true });
      continue;
    }
    const raw = await fetchBytes(file.url, info.name, (received, total) => options.onProgress?.({ ...base, received, total, cached: false }), options);
    let bytes: Uint8Array;
    try {
      bytes = file.gzip ? gunzipSync(raw) : raw;
    } catch (e) {
      throw new GlimpseError(`glimpse data: ${file.url} is not valid gzip data (${(e as Error).message})`);
    }
    const got = sha256(bytes);
    if (got !== file.sha256) {
      throw new GlimpseError(`glimpse data: ${info.name}/${file.name} from ${file.url} has SHA-256 ${got}, expected ${file.sha256}; ` +
        `the file was not saved (the source may have changed; ${offlineHint(info.name)})`);
    }
    writeAtomic(path, bytes);
  }
  return loc;
}

/** Finds `file` for an import from `from`: the path itself (a one-file dataset), `from/file` or `from/<dataset>/file`. */
function findLocalCopy(from: string, info: DatasetInfo, file: DatasetFile): string | null {
  if (isFile(from)) return info.files.length === 1 ? from : null;
  for (const p of [join(from, file.name), join(from, info.name, file.name)]) if (isFile(p)) return p;
  return null;
}

/**
 * Copies local copies of a registered dataset into the cache after verifying their checksums.
 * `from` is the folder holding the files (or its parent, or for a one-file dataset the file).
 *
 * @example
 * importFrom('multi30k', '../shared/data/multi30k', { dir: tmp });
 */
export function importFrom(name: string, from: string, options: { dir?: string } = {}): DatasetLocation {
  const info = datasetInfo(name);
  if (!existsSync(from)) throw new GlimpseError(`glimpse data: ${from} does not exist; expected a folder with ${info.files.map((f) => f.name).join(', ')}`);
  const loc = location(info, options.dir ?? dataCacheDir());
  const found = info.files.map((f) => [f, findLocalCopy(from, info, f)] as const);
  const missing = found.filter(([, p]) => p === null).map(([f]) => f.name);
  if (missing.length > 0) {
    throw new GlimpseError(`glimpse data: ${from} lacks ${missing.join(', ')} of ${info.name}; expected a folder with ${info.files.map((f) => f.name).join(', ')}`);
  }
  for (const [file, src] of found) {
    const got = sha256(readRegistered(src!, file));
    if (got !== file.sha256) {
      throw new GlimpseError(`glimpse data: ${src} has SHA-256 ${got}, expected ${file.sha256} for ${info.name}/${file.name}; not imported`);
    }
  }
  for (const [file, src] of found) {
    const dest = loc.files[file.name]!;
    if (resolve(src!) === resolve(dest)) continue;
    mkdirSync(loc.dir, { recursive: true });
    const tmp = `${dest}.part-${process.pid}`;
    copyFileSync(src!, tmp);
    renameSync(tmp, dest);
  }
  return loc;
}

/** Which registered datasets are in the cache (files present with the registered sizes). */
export function cachedDatasets(options: { dir?: string } = {}): DatasetName[] {
  const dir = options.dir ?? dataCacheDir();
  return DATASET_NAMES.filter((n) => presentInCache(DATASETS[n], dir));
}

function presentInCache(info: DatasetInfo, dir: string): boolean {
  return info.files.every((f) => {
    const p = join(dir, info.name, f.name);
    const st = statSync(p, { throwIfNoEntry: false });
    return (st?.isFile() ?? false) && st!.size === f.bytes;
  });
}

/** What a dataset argument resolved to. */
export interface ResolvedDataset {
  /** The registered dataset, when the argument was its name or a folder with all its files. */
  name: DatasetName | null;
  kind: 'cache' | 'file' | 'directory';
  /** The folder holding the files. */
  dir: string;
  /** File name → absolute path (for a plain file: its own name). */
  files: Record<string, string>;
}

/**
 * Resolves what a user typed for a dataset: an existing path (a file, or a folder whose files
 * are listed) or a registered name (then its cached copy, which must have been fetched).
 *
 * @example
 * resolveDataset('tinyshakespeare').files['input.txt'];
 * resolveDataset('../shared/data/multi30k').files['train.en'];
 * resolveDataset('my-corpus.txt').files['my-corpus.txt'];
 */
export function resolveDataset(nameOrPath: string, options: { dir?: string } = {}): ResolvedDataset {
  if (existsSync(nameOrPath)) {
    const abs = resolve(nameOrPath);
    const files = Object.create(null) as Record<string, string>;
    if (!statSync(abs).isDirectory()) {
      // A file (or a FIFO, a device: the checked reader refuses those by name when it is read).
      files[basename(abs)] = abs;
      return { name: null, kind: 'file', dir: dirname(abs), files };
    }
    for (const entry of readdirSync(abs)) {
      const p = join(abs, entry);
      if (isFile(p)) files[entry] = p;
    }
    const match = DATASET_NAMES.find((n) => DATASETS[n].files.every((f) => Object.hasOwn(files, f.name))) ?? null;
    return { name: match, kind: 'directory', dir: abs, files };
  }
  if (isDatasetName(nameOrPath)) {
    const dir = options.dir ?? dataCacheDir();
    const info = DATASETS[nameOrPath];
    if (!presentInCache(info, dir)) {
      throw new GlimpseError(`dataset ${nameOrPath} is not in the cache (${join(dir, nameOrPath)}); ` +
        `fetch it with: glimpse data get ${nameOrPath}   (or from local copies: glimpse data get ${nameOrPath} --from PATH)`);
    }
    const loc = location(info, dir);
    return { name: info.name, kind: 'cache', dir: loc.dir, files: loc.files };
  }
  throw new GlimpseError(`${nameOrPath} is neither an existing file or folder nor a dataset name (known: ${DATASET_NAMES.join(', ')})`);
}

/** The path of `file` in a resolved dataset; a missing file is an error naming the folder. */
export function datasetFile(resolved: ResolvedDataset, file: string): string {
  const p = Object.hasOwn(resolved.files, file) ? resolved.files[file] : undefined;
  if (p === undefined) throw new GlimpseError(`${resolved.dir} has no ${file}; it has ${Object.keys(resolved.files).sort().join(', ') || 'no files'}`);
  return p;
}

/** Removes a dataset from the cache (e.g. after a checksum change). */
export function removeFromCache(name: string, options: { dir?: string } = {}): void {
  const loc = location(datasetInfo(name), options.dir ?? dataCacheDir());
  for (const p of Object.values(loc.files)) if (existsSync(p)) unlinkSync(p);
}
