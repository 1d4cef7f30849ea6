/**
 * glimpse's data library: tokenizers, vocabularies, language-model streams, parallel corpora,
 * batching and synthetic tasks. Tensor-free and browser-safe (plain arrays and Int32Array);
 * the Node-only parts (files, dataset cache and downloads) are in `./node.js`.
 *
 * @example
 * import { buildLmCorpus, batchify, lmWindows } from './data/index.js';
 * const { vocab, ids } = buildLmCorpus(text);            // PROTOCOL W1 splits and vocabulary
 * for (const w of lmWindows(batchify(ids.train!, 32), 35)) { … }  // w.input, w.target: [L, 32]
 *
 * @packageDocumentation
 */
export { protocolTokenize, charTokenize, detokenizeWords, detokenizeChars, splitLines } from './tokenize.js';
export { Vocab, countTokens, PAD, UNK, BOS, EOS, DEFAULT_SPECIALS, type VocabBuildOptions, type VocabJSON } from './vocab.js';
export {
  lmTokenStream, charStream, lineRangesByFraction, buildLmCorpus, batchify, numLmWindows, lmWindow, lmWindows,
  W1_LINE_RANGES, W1_BATCH_SIZE, W1_BPTT,
  type LineRanges, type LmCorpusOptions, type LmCorpus, type BatchedStream, type LmWindow,
  TEXT_LEVELS, TEXT_LEVEL_NAMES, type TextLevel, type TextLevelRule,
} from './lm.js';
export {
  alignParallel, buildParallelCorpus, encodeParallel,
  type Seq2SeqExample, type SideNames, type ParallelSplitText, type ParallelCorpusOptions, type ParallelCorpus,
} from './parallel.js';
export {
  padSequences, makeSeq2SeqBatch, planBatches, seq2seqBatches,
  type PaddedBatch, type Seq2SeqBatch, type BatchPlanOptions,
} from './batching.js';
export {
  reverseTask, copyTask, sortTask, datesTask, syntheticTask, encodeSynthetic, LETTERS, SYNTHETIC_SPECIALS, W3, W3B,
  SYNTHETIC_TASKS, SYNTHETIC_TASK_NAMES, type SyntheticRule,
  type SyntheticTask, type SyntheticTaskName, type SyntheticPair, type LetterTaskOptions,
} from './synthetic.js';
export { DATE_FORMATS, isoDate, daysInMonth, type DateParts } from './dates.js';
export { DATASETS, DATASET_NAMES, isDatasetName, datasetInfo, type DatasetName, type DatasetInfo, type DatasetFile } from './datasets.js';
export {
  learnBpe, learnBpeMerges, BpeModel, loadSentencePiece, SentencePieceModel, loadSubwordModel, parseSubwordSpec,
  bpeWords, WordCounter, parseBpeCodes, formatBpeCodes, parseBpeVocabulary, formatBpeVocabulary,
  SUBWORD_LIMITS, BPE_SEPARATOR, BPE_CODES_HEADER, END_OF_WORD, SENTENCEPIECE_MODEL_PROTO,
  type SubwordKind, type SubwordModel, type SubwordModelInfo, type SubwordEncodeOptions, type SubwordSpec,
  type BpeModelOptions, type LearnBpeOptions, type BpeMergeOptions, type BpeMergeProgress, type SpmModelType,
} from './subwords/index.js';
