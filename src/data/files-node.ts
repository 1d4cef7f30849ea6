/**
 * Reading corpus files in Node with errors that say what is wrong (missing, a folder, empty,
 * not UTF-8, misaligned). Node-only: the browser gets file contents another way.
 */
import { join } from 'node:path';
import { GlimpseError } from '../util/errors.js';
import { readTextChecked } from '../util/fs-node.js';
import { alignParallel, type ParallelSplitText } from './parallel.js';
import { splitLines } from './tokenize.js';

/**
 * The text of a UTF-8 corpus file, read through the checked reader: missing, not a regular
 * file (a directory, FIFO, device), larger than the corpus limit (`READ_LIMITS.corpus`),
 * empty or undecodable → a {@link GlimpseError} naming the file. A byte-order mark is kept.
 */
export function readTextFile(path: string, what = 'file'): string {
  const text = readTextChecked(path, 'corpus', { label: what, keepBom: true });
  if (text.length === 0) throw new GlimpseError(`${what} ${path} is empty; expected one sentence or line of text per line`);
  return text;
}

/** Reads two aligned files; different line counts → an error naming both files and both counts. */
export function readParallelFiles(srcPath: string, tgtPath: string): { src: string[]; tgt: string[] } {
  const src = splitLines(readTextFile(srcPath, 'source file'));
  const tgt = splitLines(readTextFile(tgtPath, 'target file'));
  alignParallel(src, tgt, { src: srcPath, tgt: tgtPath });
  return { src, tgt };
}

/** File stems of the Multi30K splits (test = test_2016_flickr, as PROTOCOL W2). */
export const MULTI30K_SPLITS = { train: 'train', valid: 'val', test: 'test_2016_flickr' } as const;

/**
 * Reads `DIR/<stem>.<src>` and `DIR/<stem>.<tgt>` for each split, checking each pair is aligned,
 * ready for `buildParallelCorpus`.
 *
 * @example
 * const corpus = buildParallelCorpus(readParallelSplits('../shared/data/multi30k'));
 */
export function readParallelSplits(
  dir: string,
  options: { splits?: Readonly<Record<string, string>>; src?: string; tgt?: string } = {},
): Record<string, ParallelSplitText> {
  const splits = options.splits ?? MULTI30K_SPLITS;
  const srcExt = options.src ?? 'en';
  const tgtExt = options.tgt ?? 'de';
  const out: Record<string, ParallelSplitText> = {};
  for (const [split, stem] of Object.entries(splits)) {
    const srcName = join(dir, `${stem}.${srcExt}`);
    const tgtName = join(dir, `${stem}.${tgtExt}`);
    const src = readTextFile(srcName, 'source file');
    const tgt = readTextFile(tgtName, 'target file');
    alignParallel(splitLines(src), splitLines(tgt), { src: srcName, tgt: tgtName });
    out[split] = { src, tgt, srcName, tgtName };
  }
  return out;
}
