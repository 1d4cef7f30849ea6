import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type RunFileOut, writeFileAtomic } from '../node.js';
import { train } from '../index.js';
import { UsageError } from './errors.js';

/**
 * A new run folder written by a command (`export --format safetensors`, `average`): never the
 * run it was made from, never a training run's folder (its checkpoint, last weights or metrics
 * log would no longer match), and over files an earlier export or average wrote only with
 * --force, as outputs.ts does for single files.
 */

/** Files that mark a folder as a training run's. */
const TRAINING = [train.RUN_FILES.checkpoint, train.RUN_FILES.last, train.RUN_FILES.metrics];

/**
 * Throws a UsageError (exit 2) unless `files` may be written into the folder `out`: `sources`
 * are the run folders the output is made from.
 *
 * @example checkRunOutput(flags.out, [flags.run], files.map((f) => f.name), flags.force);
 */
export function checkRunOutput(out: string, sources: readonly string[], names: readonly string[], force: boolean): void {
  const full = resolve(out);
  if (sources.some((s) => resolve(s) === full)) throw new UsageError(`--out ${out} is the run it is made from; choose a new folder`);
  const st = statSync(full, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) throw new UsageError(`--out ${out} is a file; expected a folder for the new run`);
  const training = TRAINING.filter((f) => existsSync(join(full, f)));
  if (training.length) throw new UsageError(`--out ${out} holds a training run (${training.join(', ')}); glimpse never writes over one (choose a new folder)`);
  const taken = names.filter((f) => existsSync(join(full, f)));
  if (taken.length && !force) throw new UsageError(`--out ${out} already holds ${taken.join(', ')}; pass --force to replace them`);
}

/** Writes the files into `out` (created if missing), each atomically; returns their total bytes. */
export function writeRunOutput(out: string, files: readonly RunFileOut[]): number {
  mkdirSync(out, { recursive: true });
  for (const f of files) writeFileAtomic(join(out, f.name), f.bytes);
  return files.reduce((n, f) => n + Buffer.byteLength(f.bytes), 0);
}
