import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BatchedStream, EOS, type ParallelSplitText, type Seq2SeqExample, Vocab, W3, batchify, buildLmCorpus, buildParallelCorpus,
  encodeParallel, encodeSynthetic, lineRangesByFraction, lmTokenStream, charStream, protocolTokenize, splitLines, syntheticTask, W1_LINE_RANGES,
} from '../data/index.js';
import { MULTI30K_SPLITS, datasetFile, readParallelSplits, readTextFile, resolveDataset } from '../data/node.js';
import { LanguageModel, type LanguageModelConfig } from '../models/lm.js';
import { Seq2Seq, type Seq2SeqConfig } from '../models/seq2seq.js';
import { GlimpseError } from '../util/errors.js';
import type { RunConfig } from './run-config.js';
import { LanguageModelTask } from './tasks/lm.js';
import { Seq2SeqTask } from './tasks/seq2seq.js';

/** Vocabularies of a run: `lm` for a language model, `src` and `tgt` for seq2seq. */
export interface RunVocabs {
  lm?: Vocab;
  src?: Vocab;
  tgt?: Vocab;
}

/** A model, its task and its vocabularies, built from a RunConfig. */
export type Experiment =
  | { kind: 'lm'; config: RunConfig; model: LanguageModel; task: LanguageModelTask; vocabs: RunVocabs & { lm: Vocab } }
  | {
    kind: 'seq2seq'; config: RunConfig; model: Seq2Seq; task: Seq2SeqTask; vocabs: RunVocabs & { src: Vocab; tgt: Vocab };
    /** Translation tasks: each split's reference lines and their normalised tokens (for BLEU). */
    references: Record<string, TranslationReferences> | null;
  };

/** The references of a translation split: lines as written, and as the protocol tokenizer reads them. */
export interface TranslationReferences {
  lines: string[];
  tokens: string[][];
}

/** Runs `build`, prefixing a data error with the file or folder it came from. */
function fromSource<T>(source: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof GlimpseError && !e.message.includes(source)) throw new GlimpseError(`${source}: ${e.message}`);
    throw e;
  }
}

/** Separate seeds for the synthetic splits (train and test as PROTOCOL W3; valid its own). */
const SYNTHETIC_SEEDS = { train: W3.trainSeed, valid: 5678, test: W3.testSeed } as const;

function lmData(config: RunConfig, saved: Vocab | undefined) {
  const d = config.data;
  const resolved = resolveDataset(d.source);
  const file = resolved.kind === 'file' ? Object.values(resolved.files)[0]! : datasetFile(resolved, 'input.txt');
  const text = readTextFile(file, 'text file');
  // The registered Tiny Shakespeare is split as PROTOCOL W1; other text by fractions (90/5/5).
  const ranges = resolved.name === 'tinyshakespeare' ? W1_LINE_RANGES : lineRangesByFraction(splitLines(text).length);
  let vocab = saved;
  let ids: Record<string, Int32Array>;
  if (!vocab) {
    const corpus = fromSource(file, () => buildLmCorpus(text, { ranges, level: d.level, minFreq: d.level === 'char' ? 1 : d.minFreq, name: file }));
    vocab = corpus.vocab;
    ids = corpus.ids;
  } else {
    const lines = splitLines(text);
    ids = {};
    for (const [split, [a, b]] of Object.entries(ranges)) {
      const part = lines.slice(a, b);
      ids[split] = vocab.encode(d.level === 'char' ? charStream(part) : lmTokenStream(part, undefined, EOS));
    }
  }
  const stream = (split: string): BatchedStream => {
    const s = ids[split];
    if (!s || s.length < d.batchSize + 1) throw new GlimpseError(`${file}: the ${split} split has ${s?.length ?? 0} tokens, too few for ${d.batchSize} streams`);
    return batchify(s, d.batchSize);
  };
  return { vocab, train: stream('train'), valid: stream('valid'), test: stream('test') };
}

function parallelSplits(config: RunConfig): Record<string, ParallelSplitText> {
  const d = config.data;
  const resolved = resolveDataset(d.source);
  if (resolved.kind === 'file') throw new GlimpseError(`translation data must be a folder of split files or a dataset name, got the file ${d.source}`);
  if (resolved.name === 'multi30k') return readParallelSplits(resolved.dir, { splits: MULTI30K_SPLITS, src: d.srcLang, tgt: d.tgtLang });
  // Any folder: train.<src>/<tgt>, then val|valid|dev and test.
  const stem = (names: string[]) => names.find((n) => existsSync(join(resolved.dir, `${n}.${d.srcLang}`)));
  const splits: Record<string, string> = { train: 'train', valid: stem(['val', 'valid', 'dev']) ?? 'val', test: stem(['test']) ?? 'test' };
  return readParallelSplits(resolved.dir, { splits, src: d.srcLang, tgt: d.tgtLang });
}

function translateData(config: RunConfig, saved: RunVocabs) {
  const d = config.data;
  const splits = parallelSplits(config);
  const references: Record<string, TranslationReferences> = {};
  for (const [split, text] of Object.entries(splits)) {
    const lines = splitLines(text.tgt);
    references[split] = { lines, tokens: lines.map(protocolTokenize) };
  }
  if (saved.src && saved.tgt) {
    const examples: Record<string, Seq2SeqExample[]> = {};
    for (const [split, text] of Object.entries(splits)) {
      const tok = (t: string) => splitLines(t).map(protocolTokenize);
      examples[split] = encodeParallel(tok(text.src), tok(text.tgt), saved.src, saved.tgt);
    }
    return { src: saved.src, tgt: saved.tgt, examples, references };
  }
  const corpus = fromSource(d.source, () => buildParallelCorpus(splits, { minFreq: d.minFreq, ...(d.maxVocab ? { maxSize: d.maxVocab } : {}) }));
  return { src: corpus.srcVocab, tgt: corpus.tgtVocab, examples: corpus.examples, references };
}

/** A trained model and what is needed to feed it, without the training data. */
export type TrainedModel =
  | { kind: 'lm'; config: RunConfig; model: LanguageModel; vocabs: RunVocabs & { lm: Vocab } }
  | { kind: 'seq2seq'; config: RunConfig; model: Seq2Seq; vocabs: RunVocabs & { src: Vocab; tgt: Vocab } };

/** The model of a run config for the given vocabularies (fresh weights). */
export function buildModel(config: RunConfig, vocabs: RunVocabs): TrainedModel {
  if (config.task === 'lm') {
    if (!vocabs.lm) throw new GlimpseError('a language-model run needs its vocabulary (vocab.lm.json)');
    const model = new LanguageModel({ ...(config.model as Partial<LanguageModelConfig>), vocabSize: vocabs.lm.size });
    return { kind: 'lm', config, model, vocabs: { lm: vocabs.lm } };
  }
  if (!vocabs.src || !vocabs.tgt) throw new GlimpseError('a seq2seq run needs its vocabularies (vocab.src.json, vocab.tgt.json)');
  const model = new Seq2Seq({
    ...(config.model as Partial<Seq2SeqConfig>), srcVocabSize: vocabs.src.size, tgtVocabSize: vocabs.tgt.size, padIndex: vocabs.tgt.id('<pad>'),
  });
  return { kind: 'seq2seq', config, model, vocabs: { src: vocabs.src, tgt: vocabs.tgt } };
}

/**
 * Builds the model and task of a run. `saved` vocabularies (from a run folder) are used as
 * they are, so a resumed or evaluated run encodes its data exactly as it was trained.
 */
export function buildExperiment(config: RunConfig, saved: RunVocabs = {}): Experiment {
  const d = config.data;
  if (config.task === 'lm') {
    const data = lmData(config, saved.lm);
    const { model } = buildModel(config, { lm: data.vocab }) as Extract<TrainedModel, { kind: 'lm' }>;
    const task = new LanguageModelTask(model, { train: data.train, valid: data.valid, test: data.test, bptt: d.bptt });
    return { kind: 'lm', config, model, task, vocabs: { lm: data.vocab } };
  }
  let src: Vocab;
  let tgt: Vocab;
  let examples: Record<string, Seq2SeqExample[]>;
  let references: Record<string, TranslationReferences> | null = null;
  if (config.task === 'translate') {
    ({ src, tgt, examples, references } = translateData(config, saved));
  } else {
    const task = syntheticTask(config.task, { minLen: d.minLen, maxLen: d.maxLen });
    src = saved.src ?? task.srcVocab;
    tgt = saved.tgt ?? task.tgtVocab;
    const gen = (n: number, seed: number) => encodeSynthetic(task.generate(n, seed), task);
    examples = { train: gen(d.trainSize, SYNTHETIC_SEEDS.train), valid: gen(d.validSize, SYNTHETIC_SEEDS.valid), test: gen(d.testSize, SYNTHETIC_SEEDS.test) };
  }
  const { model } = buildModel(config, { src, tgt }) as Extract<TrainedModel, { kind: 'seq2seq' }>;
  const synthetic = config.task !== 'translate';
  const task = new Seq2SeqTask(model, { train: examples.train!, valid: examples.valid!, test: examples.test! }, {
    batchSize: d.batchSize, bucket: d.bucket, teacherForcing: config.objective.teacherForcing, labelSmoothing: config.objective.labelSmoothing,
    pad: tgt.id('<pad>'), bos: tgt.id('<bos>'), eos: tgt.id('<eos>'), accuracy: synthetic,
  });
  return { kind: 'seq2seq', config, model, task, vocabs: { src, tgt }, references };
}

