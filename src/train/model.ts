/**
 * The browser-safe half of building a run: its model from the config and vocabularies, and
 * whole experiments for the synthetic tasks (their data are generated, no files). Reading
 * corpora from disk is in experiment.ts (Node only).
 */
import { type Seq2SeqExample, Vocab, W3, encodeSynthetic, syntheticTask } from '../data/index.js';
import { LanguageModel, type LanguageModelConfig } from '../models/lm.js';
import { Seq2Seq, type Seq2SeqConfig } from '../models/seq2seq.js';
import { GlimpseError } from '../util/errors.js';
import type { RunConfig } from './run-config.js';
import type { LanguageModelTask } from './tasks/lm.js';
import { Seq2SeqTask } from './tasks/seq2seq.js';

/** Vocabularies of a run: `lm` for a language model, `src` and `tgt` for seq2seq. */
export interface RunVocabs {
  lm?: Vocab;
  src?: Vocab;
  tgt?: Vocab;
}

/** A trained model and what is needed to feed it, without the training data. */
export type TrainedModel =
  | { kind: 'lm'; config: RunConfig; model: LanguageModel; vocabs: RunVocabs & { lm: Vocab } }
  | { kind: 'seq2seq'; config: RunConfig; model: Seq2Seq; vocabs: RunVocabs & { src: Vocab; tgt: Vocab } };

/** The references of a translation split: lines as written, and as the protocol tokenizer reads them. */
export interface TranslationReferences {
  lines: string[];
  tokens: string[][];
}

/** A model, its task and its vocabularies, built from a RunConfig. */
export type Experiment =
  | { kind: 'lm'; config: RunConfig; model: LanguageModel; task: LanguageModelTask; vocabs: RunVocabs & { lm: Vocab } }
  | {
    kind: 'seq2seq'; config: RunConfig; model: Seq2Seq; task: Seq2SeqTask; vocabs: RunVocabs & { src: Vocab; tgt: Vocab };
    /** Translation tasks: each split's reference lines and their normalised tokens (for BLEU). */
    references: Record<string, TranslationReferences> | null;
  };

export type Seq2SeqExperiment = Extract<Experiment, { kind: 'seq2seq' }>;

/** Separate seeds for the synthetic splits (train and test as PROTOCOL W3; valid its own). */
const SYNTHETIC_SEEDS = { train: W3.trainSeed, valid: 5678, test: W3.testSeed } as const;

/**
 * The model of a run config for the given vocabularies (fresh weights).
 *
 * @example
 * const { model } = buildModel(config, { src, tgt }); // a Seq2Seq for a reverse run
 */
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

/** The seq2seq model and task of a run config over already encoded examples. */
export function seq2seqExperiment(
  config: RunConfig, vocabs: { src: Vocab; tgt: Vocab }, examples: Record<'train' | 'valid' | 'test', Seq2SeqExample[]>,
  references: Record<string, TranslationReferences> | null,
): Seq2SeqExperiment {
  const { src, tgt } = vocabs;
  const { model } = buildModel(config, { src, tgt }) as Extract<TrainedModel, { kind: 'seq2seq' }>;
  const d = config.data;
  const task = new Seq2SeqTask(model, examples, {
    batchSize: d.batchSize, bucket: d.bucket, teacherForcing: config.objective.teacherForcing, labelSmoothing: config.objective.labelSmoothing,
    pad: tgt.id('<pad>'), bos: tgt.id('<bos>'), eos: tgt.id('<eos>'), accuracy: config.task !== 'translate',
  });
  return { kind: 'seq2seq', config, model, task, vocabs: { src, tgt }, references };
}

/**
 * The experiment of a synthetic task (reverse, copy, sort, dates): its data are generated from
 * fixed seeds, so it needs no files and runs in a browser exactly as `glimpse train` runs it.
 * `saved` vocabularies (from a run folder) are used as they are.
 *
 * @example
 * const exp = buildSyntheticExperiment(resolveRunConfig({ task: 'reverse', train: { maxSteps: 500 } }));
 * await new Trainer(exp.task, resolveTrainConfig(exp.config.train)).run();
 */
export function buildSyntheticExperiment(config: RunConfig, saved: RunVocabs = {}): Seq2SeqExperiment {
  if (config.task === 'lm' || config.task === 'translate') {
    throw new GlimpseError(`buildSyntheticExperiment: task ${config.task} reads its data from files; expected reverse, copy, sort or dates`);
  }
  const d = config.data;
  const task = syntheticTask(config.task, { minLen: d.minLen, maxLen: d.maxLen });
  const src = saved.src ?? task.srcVocab;
  const tgt = saved.tgt ?? task.tgtVocab;
  const gen = (n: number, seed: number) => encodeSynthetic(task.generate(n, seed), task);
  const examples = { train: gen(d.trainSize, SYNTHETIC_SEEDS.train), valid: gen(d.validSize, SYNTHETIC_SEEDS.valid), test: gen(d.testSize, SYNTHETIC_SEEDS.test) };
  return seq2seqExperiment(config, { src, tgt }, examples, null);
}
