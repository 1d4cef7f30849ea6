import { existsSync, lstatSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Files a command writes (pictures, BPE codes) never destroy its inputs: a run's (or saved
 * model's) weights, config, vocabularies, metrics log, summary and lock are refused even with
 * --force, and any other existing file is overwritten only with --force, unless this process
 * wrote it (one `translate` writing FILE-1.png, FILE-2.png…).
 */

/** Files of a run folder (or a `saveModel` folder) that no output may replace. */
const RUN_FILE = /^(?:config\.json|vocab\.[^/]*\.json|metrics\.jsonl|summary\.json|glimpse\.lock)$/;

const written = new Set<string>();

/** Why `path` must not be written over, or null. */
function protectedFile(path: string): string | null {
  const name = basename(path);
  if (name.endsWith('.safetensors')) return 'a weights or checkpoint file';
  if (RUN_FILE.test(name) && existsSync(resolve(dirname(path), 'config.json'))) return `a file of the run folder ${dirname(path)}`;
  return null;
}

/**
 * Throws a UsageError (exit 2) unless the command may write `path` (given with `flag`):
 * never over a run's own files, over another existing file only with `force`; a folder is
 * never an output. Call it before the work, then {@link claimOutput} once written.
 *
 * @example checkOutput(flags.out, '--out', flags.force);
 */
export function checkOutput(path: string, flag: string, force: boolean): void {
  const full = resolve(path);
  const why = protectedFile(full);
  if (why) throw new UsageError(`${flag} ${path} is ${why}; glimpse never writes over it (choose another file)`);
  const st = lstatSync(full, { throwIfNoEntry: false });
  if (!st || written.has(full)) return;
  if (st.isDirectory()) throw new UsageError(`${flag} ${path} is a folder; expected a file name`);
  if (!force) throw new UsageError(`${flag} ${path} already exists; pass --force to overwrite it`);
}

/** Records that this process wrote `path`, so writing it again needs no --force. */
export function claimOutput(path: string): void {
  written.add(resolve(path));
}

/** The --force option's help. */
export const FORCE_HELP = 'overwrite an existing output file (a run\'s own files are never overwritten)';
