/**
 * Where a task's data come from, as a table keyed by kind: a text corpus (language models),
 * parallel files (translation) or pairs generated in-process (synthetic tasks). Each kind has its
 * own config, so a run's config holds only the keys its task uses, and a key that does not apply
 * is an error naming it.
 */
import { TEXT_LEVEL_NAMES, type TextLevel } from '../data/index.js';

export type { TextLevel };
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import { tableKeys } from '../util/table.js';

/** Largest batch (examples or streams) and window a run may ask for. */
export const MAX_BATCH = 65_536;
export const MAX_WINDOW = 1_000_000;
/** Most generated pairs per split (synthetic tasks). */
export const MAX_GENERATED = 10_000_000;


/** A text corpus read as one token stream, cut into B streams and windows of T (PROTOCOL W1). */
export interface TextDataConfig {
  /** A dataset name (tinyshakespeare) or the path of a text file. */
  source: string;
  level: TextLevel;
  /** Keep tokens seen at least this often in train (vocabulary). */
  minFreq: number;
  /** Largest vocabulary (0: no limit). */
  maxVocab: number;
  /** B: parallel streams. */
  batchSize: number;
  /** T: BPTT window length. */
  bptt: number;
}

/** Aligned sentence pairs in files `<split>.<lang>` (PROTOCOL W2). */
export interface ParallelDataConfig {
  /** A dataset name (multi30k) or a folder of train/val/test files. */
  source: string;
  /** Source and target language suffixes of the split files. */
  srcLang: string;
  tgtLang: string;
  minFreq: number;
  maxVocab: number;
  /** Sentence pairs per batch. */
  batchSize: number;
  /** Group similar lengths into batches (faster; off in the protocol's like-for-like mode). */
  bucket: boolean;
}

/** Pairs generated from fixed seeds (PROTOCOL W3). */
export interface GeneratedDataConfig {
  /** Source lengths (letter tasks). */
  minLen: number;
  maxLen: number;
  trainSize: number;
  validSize: number;
  testSize: number;
  batchSize: number;
  bucket: boolean;
}

const TEXT_SPEC: ConfigSpec<TextDataConfig> = {
  source: { type: 'string', default: 'tinyshakespeare' },
  level: { type: 'enum', values: TEXT_LEVEL_NAMES, default: 'word' },
  minFreq: { type: 'int', min: 1, default: 2 },
  maxVocab: { type: 'int', min: 0, default: 0 },
  batchSize: { type: 'int', min: 1, max: MAX_BATCH, default: 32 },
  bptt: { type: 'int', min: 1, max: MAX_WINDOW, default: 35 },
};

const PARALLEL_SPEC: ConfigSpec<ParallelDataConfig> = {
  source: { type: 'string', default: 'multi30k' },
  srcLang: { type: 'string', default: 'en' },
  tgtLang: { type: 'string', default: 'de' },
  minFreq: { type: 'int', min: 1, default: 2 },
  maxVocab: { type: 'int', min: 0, default: 0 },
  batchSize: { type: 'int', min: 1, max: MAX_BATCH, default: 128 },
  bucket: { type: 'boolean', default: false },
};

const GENERATED_SPEC: ConfigSpec<GeneratedDataConfig> = {
  minLen: { type: 'int', min: 1, max: 10_000, default: 5 },
  maxLen: { type: 'int', min: 1, max: 10_000, default: 20 },
  trainSize: { type: 'int', min: 1, max: MAX_GENERATED, default: 20000 },
  validSize: { type: 'int', min: 1, max: MAX_GENERATED, default: 1000 },
  testSize: { type: 'int', min: 1, max: MAX_GENERATED, default: 1000 },
  batchSize: { type: 'int', min: 1, max: MAX_BATCH, default: 64 },
  bucket: { type: 'boolean', default: false },
};

export interface DataKinds {
  text: TextDataConfig;
  parallel: ParallelDataConfig;
  generated: GeneratedDataConfig;
}
export type DataKind = keyof DataKinds;
export type DataConfig = DataKinds[DataKind];

export interface DataKindRule<C> {
  readonly summary: string;
  readonly spec: ConfigSpec<C>;
  /** What is wrong with a resolved config, or null. */
  check?(config: Readonly<Required<C>>): string | null;
}

export const DATA_KINDS: { readonly [K in DataKind]: DataKindRule<DataKinds[K]> } = {
  text: { summary: 'a text file read as one token stream', spec: TEXT_SPEC },
  parallel: { summary: 'aligned sentence pairs in <split>.<lang> files', spec: PARALLEL_SPEC },
  generated: {
    summary: 'pairs generated in-process from fixed seeds',
    spec: GENERATED_SPEC,
    check: (c) => (c.minLen > c.maxLen ? `minLen ${c.minLen} is greater than maxLen ${c.maxLen}` : null),
  },
};
export const DATA_KIND_NAMES = tableKeys(DATA_KINDS);

/** Checks a data config of kind `kind` and fills its defaults; `where` names it in errors. */
export function resolveData<K extends DataKind>(kind: K, given: unknown, where = 'data'): Readonly<DataKinds[K]> {
  const rule = DATA_KINDS[kind] as DataKindRule<DataKinds[K]>;
  const c = resolveConfig<DataKinds[K]>(where, given, rule.spec);
  const problem = rule.check?.(c) ?? null;
  if (problem) throw new GlimpseError(`${where}: ${problem}`);
  return c;
}
