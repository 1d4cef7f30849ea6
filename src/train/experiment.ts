/**
 * Builds a run's experiment from its config, reading corpora from disk (Node only). The model
 * and the synthetic tasks, which need no files, are in the browser-safe model.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type BatchedStream, type ParallelSplitText, TEXT_LEVELS, type Seq2SeqExample, type Vocab, batchify, buildLmCorpus, buildParallelCorpus,
  encodeParallel, lineRangesByFraction, protocolTokenize, splitLines, W1_LINE_RANGES,
} from '../data/index.js';
import { MULTI30K_SPLITS, datasetFile, readParallelSplits, readTextFile, resolveDataset } from '../data/node.js';
import { GlimpseError } from '../util/errors.js';
import {
  type Experiment, type RunVocabs, type TranslationReferences, buildModel, buildSyntheticExperiment, seq2seqExperiment,
} from './model.js';
import { type DataKind, resolveData } from './data-config.js';
import type { RunConfig } from './run-config.js';
import { TASKS } from './task-rules/index.js';
import { LanguageModelTask } from './tasks/lm.js';

export { type Experiment, type RunVocabs, type TrainedModel, type TranslationReferences, buildModel } from './model.js';

/** Runs `build`, prefixing a data error with the file or folder it came from. */
function fromSource<T>(source: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof GlimpseError && !e.message.includes(source)) throw new GlimpseError(`${source}: ${e.message}`);
    throw e;
  }
}


function lmData(config: RunConfig, saved: Vocab | undefined) {
  const d = resolveData('text', config.data);
  const resolved = resolveDataset(d.source);
  const file = resolved.kind === 'file' ? Object.values(resolved.files)[0]! : datasetFile(resolved, 'input.txt');
  const text = readTextFile(file, 'text file');
  // The registered Tiny Shakespeare is split as PROTOCOL W1; other text by fractions (90/5/5).
  const ranges = resolved.name === 'tinyshakespeare' ? W1_LINE_RANGES : lineRangesByFraction(splitLines(text).length);
  let vocab = saved;
  let ids: Record<string, Int32Array>;
  if (!vocab) {
    const minFreq = TEXT_LEVELS[d.level].keepsRare ? 1 : d.minFreq;
    const corpus = fromSource(file, () => buildLmCorpus(text, { ranges, level: d.level, minFreq, name: file }));
    vocab = corpus.vocab;
    ids = corpus.ids;
  } else {
    const lines = splitLines(text);
    ids = {};
    for (const [split, [a, b]] of Object.entries(ranges)) {
      const part = lines.slice(a, b);
      ids[split] = vocab.encode(TEXT_LEVELS[d.level].stream(part));
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
  const d = resolveData('parallel', config.data);
  const resolved = resolveDataset(d.source);
  if (resolved.kind === 'file') throw new GlimpseError(`translation data must be a folder of split files or a dataset name, got the file ${d.source}`);
  if (resolved.name === 'multi30k') return readParallelSplits(resolved.dir, { splits: MULTI30K_SPLITS, src: d.srcLang, tgt: d.tgtLang });
  // Any folder: train.<src>/<tgt>, then val|valid|dev and test.
  const stem = (names: string[]) => names.find((n) => existsSync(join(resolved.dir, `${n}.${d.srcLang}`)));
  const splits: Record<string, string> = { train: 'train', valid: stem(['val', 'valid', 'dev']) ?? 'val', test: stem(['test']) ?? 'test' };
  return readParallelSplits(resolved.dir, { splits, src: d.srcLang, tgt: d.tgtLang });
}

function translateData(config: RunConfig, saved: RunVocabs) {
  const d = resolveData('parallel', config.data);
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

/** How each kind of data becomes an experiment (the file-reading kinds are Node only). */
const LOADERS: { readonly [K in DataKind]: (config: RunConfig, saved: RunVocabs) => Experiment } = {
  text: (config, saved) => {
    const data = lmData(config, saved.lm);
    const trained = buildModel(config, { lm: data.vocab });
    if (trained.kind !== 'lm') throw new GlimpseError(`task ${config.task} reads a text corpus but is not a language-model task`);
    const task = new LanguageModelTask(trained.model, {
      train: data.train, valid: data.valid, test: data.test, bptt: resolveData('text', config.data).bptt,
      labelSmoothing: config.objective.labelSmoothing,
    });
    return { kind: 'lm', config, model: trained.model, task, vocabs: { lm: data.vocab } };
  },
  parallel: (config, saved) => {
    const { src, tgt, examples, references } = translateData(config, saved);
    return seq2seqExperiment(config, { src, tgt }, { train: examples.train!, valid: examples.valid!, test: examples.test! }, references);
  },
  generated: (config, saved) => buildSyntheticExperiment(config, saved),
};

/**
 * Builds the model and task of a run. `saved` vocabularies (from a run folder) are used as
 * they are, so a resumed or evaluated run encodes its data exactly as it was trained.
 */
export function buildExperiment(config: RunConfig, saved: RunVocabs = {}): Experiment {
  return LOADERS[TASKS[config.task].data](config, saved);
}
