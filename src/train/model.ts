/**
 * The browser-safe half of building a run: its model from the config and vocabularies, and
 * whole experiments for the synthetic tasks (their data are generated, no files). Reading
 * corpora from disk is in experiment.ts (Node only).
 */
import { type Seq2SeqExample, type Vocab, W3, encodeSynthetic, syntheticTask } from '../data/index.js';
import { FAMILIES, type LanguageModelLike, type ModelFamily, type Seq2SeqLike } from '../models/index.js';
import { GlimpseError } from '../util/errors.js';
import { ruleOf } from '../util/table.js';
import { resolveData } from './data-config.js';
import type { RunConfig } from './run-config.js';
import { TASKS } from './task-rules/index.js';
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
  | { kind: 'lm'; config: RunConfig; model: LanguageModelLike; vocabs: RunVocabs & { lm: Vocab } }
  | { kind: 'seq2seq'; config: RunConfig; model: Seq2SeqLike; vocabs: RunVocabs & { src: Vocab; tgt: Vocab } };

/** The references of a translation split: lines as written, and as the protocol tokenizer reads them. */
export interface TranslationReferences {
  lines: string[];
  tokens: string[][];
}

/** A model, its task and its vocabularies, built from a RunConfig. */
export type Experiment =
  | { kind: 'lm'; config: RunConfig; model: LanguageModelLike; task: LanguageModelTask; vocabs: RunVocabs & { lm: Vocab } }
  | {
    kind: 'seq2seq'; config: RunConfig; model: Seq2SeqLike; task: Seq2SeqTask; vocabs: RunVocabs & { src: Vocab; tgt: Vocab };
    /** Translation tasks: each split's reference lines and their normalised tokens (for BLEU). */
    references: Record<string, TranslationReferences> | null;
  };

export type Seq2SeqExperiment = Extract<Experiment, { kind: 'seq2seq' }>;

/** Separate seeds for the synthetic splits (train and test as PROTOCOL W3; valid its own). */
const SYNTHETIC_SEEDS = { train: W3.trainSeed, valid: 5678, test: W3.testSeed } as const;

/** How each family's model is built from a config and vocabularies. */
const BUILDERS: { readonly [F in ModelFamily]: (config: RunConfig, vocabs: RunVocabs) => TrainedModel } = {
  lm: (config, vocabs) => {
    if (!vocabs.lm) throw new GlimpseError('a language-model run needs its vocabulary (vocab.lm.json)');
    const { arch, ...settings } = config.model;
    const model = ruleOf(FAMILIES.lm.archs, arch, 'language-model architecture').build(settings, { vocabSize: vocabs.lm.size });
    return { kind: 'lm', config, model, vocabs: { lm: vocabs.lm } };
  },
  seq2seq: (config, vocabs) => {
    if (!vocabs.src || !vocabs.tgt) throw new GlimpseError('a seq2seq run needs its vocabularies (vocab.src.json, vocab.tgt.json)');
    const { arch, ...settings } = config.model;
    const model = ruleOf(FAMILIES.seq2seq.archs, arch, 'seq2seq architecture').build(settings, {
      srcVocabSize: vocabs.src.size, tgtVocabSize: vocabs.tgt.size, padIndex: vocabs.tgt.id('<pad>'),
    });
    return { kind: 'seq2seq', config, model, vocabs: { src: vocabs.src, tgt: vocabs.tgt } };
  },
};

/**
 * The model of a run config for the given vocabularies (fresh weights).
 *
 * @example
 * const { model } = buildModel(config, { src, tgt }); // a Seq2Seq for a reverse run
 */
export function buildModel(config: RunConfig, vocabs: RunVocabs): TrainedModel {
  return BUILDERS[TASKS[config.task].family](config, vocabs);
}

/** The seq2seq model and task of a run config over already encoded examples. */
export function seq2seqExperiment(
  config: RunConfig, vocabs: { src: Vocab; tgt: Vocab }, examples: Record<'train' | 'valid' | 'test', Seq2SeqExample[]>,
  references: Record<string, TranslationReferences> | null,
): Seq2SeqExperiment {
  const { src, tgt } = vocabs;
  const trained = BUILDERS.seq2seq(config, { src, tgt });
  if (trained.kind !== 'seq2seq') throw new GlimpseError(`task ${config.task} is not a seq2seq task`);
  const rule = TASKS[config.task];
  const data = config.data;
  const task = new Seq2SeqTask(trained.model, examples, {
    batchSize: data.batchSize, bucket: 'bucket' in data && data.bucket, teacherForcing: config.objective.teacherForcing ?? 1,
    scheduledSampling: {
      decay: config.objective.scheduledSampling ?? 'none', k: config.objective.samplingK ?? null, c: config.objective.samplingC ?? 1e-3, min: config.objective.samplingMin ?? 0,
    },
    wordDropout: config.objective.wordDropout ?? 0,
    labelSmoothing: config.objective.labelSmoothing, pad: tgt.id('<pad>'), bos: tgt.id('<bos>'), eos: tgt.id('<eos>'),
    accuracy: rule.accuracy, primary: rule.primary, freeRunning: config.objective.freeRunningEval ?? false,
  });
  return { kind: 'seq2seq', config, model: trained.model, task, vocabs: { src, tgt }, references };
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
  if (TASKS[config.task].data !== 'generated') {
    throw new GlimpseError(`buildSyntheticExperiment: task ${config.task} reads its data from files; expected a synthetic task`);
  }
  const d = resolveData('generated', config.data);
  const task = syntheticTask(config.task, { minLen: d.minLen, maxLen: d.maxLen });
  const src = saved.src ?? task.srcVocab;
  const tgt = saved.tgt ?? task.tgtVocab;
  const gen = (n: number, seed: number) => encodeSynthetic(task.generate(n, seed), task);
  const examples = { train: gen(d.trainSize, SYNTHETIC_SEEDS.train), valid: gen(d.validSize, SYNTHETIC_SEEDS.valid), test: gen(d.testSize, SYNTHETIC_SEEDS.test) };
  return seq2seqExperiment(config, { src, tgt }, examples, null);
}
