/**
 * A language model of the user's text in the training worker: the corpus split by lines (the
 * last 5 % for validation and test, as `glimpse train --task lm` splits a text file), the model
 * of the run config, and the trainer's language-modelling task, all through the public API.
 */
import { GlimpseError, data, train } from 'glimpse';

export type LmExperiment = Extract<train.Experiment, { kind: 'lm' }>;

/** Most distinct tokens the tab's language model predicts (word level on a large text can exceed it). */
export const MAX_TAB_VOCAB = 20_000;

/** The experiment of a language-model run config over `text`. */
export function lmExperiment(config: train.RunConfig, text: string): LmExperiment {
  const d = train.resolveData('text', config.data);
  const level = data.TEXT_LEVELS[d.level];
  const lines = data.splitLines(text);
  const corpus = data.buildLmCorpus(text, {
    ranges: data.lineRangesByFraction(lines.length), level: d.level, minFreq: level.keepsRare ? 1 : d.minFreq, name: d.source,
  });
  if (corpus.vocab.size > MAX_TAB_VOCAB) {
    throw new GlimpseError(`${d.source} has ${corpus.vocab.size.toLocaleString('en-US')} distinct ${d.level} tokens, more than the tab's ${MAX_TAB_VOCAB.toLocaleString('en-US')}: train on characters, or a smaller text`);
  }
  const stream = (split: string) => {
    const ids = corpus.ids[split];
    if (!ids || ids.length < d.batchSize + 1) {
      throw new GlimpseError(`the ${split} part of ${d.source} (its last lines) has ${ids?.length ?? 0} ${d.level} tokens, too few for ${d.batchSize} streams: use a longer text${d.level === 'word' ? ' or characters' : ''}`);
    }
    return data.batchify(ids, d.batchSize);
  };
  const trained = train.buildModel(config, { lm: corpus.vocab });
  if (trained.kind !== 'lm') throw new GlimpseError(`task ${config.task} is not a language-model task`);
  const task = new train.LanguageModelTask(trained.model, {
    train: stream('train'), valid: stream('valid'), test: stream('test'), bptt: d.bptt, labelSmoothing: config.objective.labelSmoothing,
  });
  return { kind: 'lm', config, model: trained.model, task, vocabs: { lm: corpus.vocab } };
}

/** A prompt to start from: the text's first line, cut to a few tokens the model knows. */
export function examplePrompt(exp: LmExperiment, text: string): string {
  const first = data.splitLines(text).find((l) => l.trim() !== '') ?? '';
  const d = exp.config.data as train.TextDataConfig;
  const cut = d.level === 'word' ? first.split(/\s+/).slice(0, 3).join(' ') : first.slice(0, 16);
  return cut.trim() || (exp.vocabs.lm.itos.find((t) => !exp.vocabs.lm.specials.includes(t)) ?? '');
}
