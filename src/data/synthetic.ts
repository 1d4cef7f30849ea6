/**
 * Synthetic sequence-to-sequence tasks generated in-process from a seed (no files): reverse,
 * copy, sort (letters) and date normalisation. Each task has fixed character vocabularies, so
 * a model trained on one seed's data can be tested on another's.
 */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { ruleOf, tableKeys } from '../util/table.js';
import { dateExample, DATE_SRC_ALPHABET, DATE_TGT_ALPHABET } from './dates.js';
import type { Seq2SeqExample } from './parallel.js';
import { Vocab } from './vocab.js';

export const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** W3's specials: ids 0, 1, 2; the letters follow (a = 3 … z = 28). */
export const SYNTHETIC_SPECIALS: readonly string[] = ['<pad>', '<bos>', '<eos>'];

/** A generated pair of token sequences. */
export interface SyntheticPair {
  src: string[];
  tgt: string[];
}

/** A task: its vocabularies and a seeded generator. */
export interface SyntheticTask {
  name: string;
  description: string;
  srcVocab: Vocab;
  tgtVocab: Vocab;
  /** `n` pairs drawn with `new Rng(seed)`; the same seed gives the same pairs. */
  generate(n: number, seed: number): SyntheticPair[];
}

/** Options of the letter tasks. */
export interface LetterTaskOptions {
  /** Shortest source (default 5). */
  minLen?: number;
  /** Longest source, inclusive (default 20). */
  maxLen?: number;
}

/** PROTOCOL W3 sizes and seeds (lengths 5–20; W3b uses 10–60). */
export const W3 = { trainSize: 20000, trainSeed: 1234, testSize: 1000, testSeed: 4321, minLen: 5, maxLen: 20 } as const;
export const W3B = { ...W3, minLen: 10, maxLen: 60 } as const;

function letterVocab(): Vocab {
  return new Vocab([...SYNTHETIC_SPECIALS, ...LETTERS], { specials: SYNTHETIC_SPECIALS, unk: null });
}

function letterTask(name: 'reverse' | 'copy' | 'sort', describe: string, target: (src: string[]) => string[], options: LetterTaskOptions): SyntheticTask {
  const minLen = options.minLen ?? W3.minLen;
  const maxLen = options.maxLen ?? W3.maxLen;
  check(Number.isInteger(minLen) && Number.isInteger(maxLen) && minLen >= 1 && maxLen >= minLen,
    `${name} task: need integer lengths 1 <= minLen <= maxLen, got ${minLen}..${maxLen}`);
  const vocab = letterVocab();
  return {
    name,
    description: `${describe} (${minLen}–${maxLen} letters a–z)`,
    srcVocab: vocab,
    tgtVocab: vocab,
    generate(n, seed) {
      checkCount(name, n);
      const rng = new Rng(seed);
      const out: SyntheticPair[] = [];
      for (let k = 0; k < n; k++) {
        const len = rng.randint(minLen, maxLen + 1);
        const src = new Array<string>(len);
        for (let i = 0; i < len; i++) src[i] = LETTERS[rng.randint(0, LETTERS.length)]!;
        out.push({ src, tgt: target(src) });
      }
      return out;
    },
  };
}

function checkCount(task: string, n: number): void {
  check(Number.isInteger(n) && n >= 0, `${task} task: number of pairs must be a non-negative integer, got ${n}`);
}

/** Reverse a letter string (PROTOCOL W3): "abc" → "cba". */
export function reverseTask(options: LetterTaskOptions = {}): SyntheticTask {
  return letterTask('reverse', 'reverse the letters', (s) => [...s].reverse(), options);
}

/** Copy a letter string unchanged. */
export function copyTask(options: LetterTaskOptions = {}): SyntheticTask {
  return letterTask('copy', 'copy the letters', (s) => [...s], options);
}

/** Sort the letters alphabetically: "cab" → "abc". */
export function sortTask(options: LetterTaskOptions = {}): SyntheticTask {
  return letterTask('sort', 'sort the letters', (s) => [...s].sort(), options);
}

/**
 * Date normalisation: a date written in one of many human formats ("3rd of March 2021",
 * "March 3, 2021", "03/03/2021" (day first), …), character by character, to ISO "2021-03-03".
 */
export function datesTask(options: { minYear?: number; maxYear?: number } = {}): SyntheticTask {
  const minYear = options.minYear ?? 1900;
  const maxYear = options.maxYear ?? 2099;
  check(Number.isInteger(minYear) && Number.isInteger(maxYear) && minYear >= 1000 && maxYear <= 9999 && minYear <= maxYear,
    `dates task: need four-digit years minYear <= maxYear, got ${minYear}..${maxYear}`);
  const srcVocab = new Vocab([...SYNTHETIC_SPECIALS, ...DATE_SRC_ALPHABET], { specials: SYNTHETIC_SPECIALS, unk: null });
  const tgtVocab = new Vocab([...SYNTHETIC_SPECIALS, ...DATE_TGT_ALPHABET], { specials: SYNTHETIC_SPECIALS, unk: null });
  return {
    name: 'dates',
    description: `normalise dates to YYYY-MM-DD (years ${minYear}–${maxYear})`,
    srcVocab,
    tgtVocab,
    generate(n, seed) {
      checkCount('dates', n);
      const rng = new Rng(seed);
      const out: SyntheticPair[] = [];
      for (let k = 0; k < n; k++) {
        const { text, iso } = dateExample(rng, minYear, maxYear);
        out.push({ src: Array.from(text), tgt: Array.from(iso) });
      }
      return out;
    },
  };
}

/** What a synthetic task's row says: its summary, an example input, and how to make it. */
export interface SyntheticRule {
  readonly summary: string;
  /** An input to try a trained model on. */
  readonly example: string;
  /** Whether the source is letters a–z whose length the options set. */
  readonly letters: boolean;
  make(options: LetterTaskOptions): SyntheticTask;
}

const table = {
  reverse: { summary: 'reverse a string of letters (PROTOCOL W3)', example: 'helloworld', letters: true, make: reverseTask },
  copy: { summary: 'copy a string of letters', example: 'helloworld', letters: true, make: copyTask },
  sort: { summary: 'sort the letters of a string', example: 'helloworld', letters: true, make: sortTask },
  dates: { summary: 'normalise a written date to YYYY-MM-DD', example: '3rd of March 2021', letters: false, make: () => datesTask() },
} satisfies Record<string, SyntheticRule>;

/** The synthetic tasks: a new one is a generator (its file) and a row here. */
export type SyntheticTaskName = keyof typeof table;
export const SYNTHETIC_TASKS: { readonly [K in SyntheticTaskName]: SyntheticRule } = table;
export const SYNTHETIC_TASK_NAMES = tableKeys(SYNTHETIC_TASKS);

/** The task called `name` (an unknown name is an error listing the known ones). */
export function syntheticTask(name: string, options: LetterTaskOptions = {}): SyntheticTask {
  return ruleOf(SYNTHETIC_TASKS, name, 'synthetic task').make(options);
}

/**
 * Encodes pairs as W3 does: source ids without specials, target ids + `<eos>` (the decoder
 * input `<bos> y…` is made by the batcher).
 */
export function encodeSynthetic(pairs: readonly SyntheticPair[], task: SyntheticTask): Seq2SeqExample[] {
  const eos = task.tgtVocab.id('<eos>');
  return pairs.map((p) => {
    const tgt = new Int32Array(p.tgt.length + 1);
    tgt.set(task.tgtVocab.encode(p.tgt));
    tgt[p.tgt.length] = eos;
    return { src: task.srcVocab.encode(p.src), tgt };
  });
}
