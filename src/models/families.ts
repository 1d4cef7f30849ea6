/**
 * The two families of models glimpse trains, as interfaces the trainer, the decoders and the
 * command line use, and the architectures of each family as tables: `rnn` today; a new
 * architecture (a Transformer, an encoder–decoder LM) is one file and one row.
 *
 * A run's config holds `model: { arch, …that architecture's own config }`, without the
 * vocabulary sizes (they come from the data).
 */
import type { Tensor } from '../core/tensor.js';
import type { InitOptions, Module, RecurrentState } from '../nn/index.js';
import { type ConfigSpec, resolveConfig } from '../util/config.js';
import { GlimpseError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { ENCODER_DECODER_LM_SPEC, EncoderDecoderLm, type EncoderDecoderLmConfig } from './encdec-lm.js';
import { LANGUAGE_MODEL_SPEC, LanguageModel, type LanguageModelConfig } from './lm.js';
import { SEQ2SEQ_SPEC, Seq2Seq, type Seq2SeqConfig, type SourceBatch } from './seq2seq.js';
import type { AttentionMapGroup } from './attention-maps.js';
import type { StepModel } from './step.js';
import { TRANSFORMER_LM_SPEC, TransformerLanguageModel, type TransformerLanguageModelConfig } from './transformer-lm.js';
import { TRANSFORMER_SEQ2SEQ_SPEC, TransformerSeq2Seq, type TransformerSeq2SeqConfig } from './transformer-seq2seq.js';

/** A language model as the trainer and the decoders use it. */
export interface LanguageModelLike<S = unknown> extends Module {
  readonly vocabSize: number;
  /** Whether generation reports attention over the context. */
  readonly attends: boolean;
  /** The longest window it reads at once and the config key that sets it (absent: no limit). */
  readonly maxWindow?: { readonly length: number; readonly key: string };
  /**
   * ids int32 [T, B] (time-major BPTT windows) → logits [T, B, V], the state to carry into the
   * next window (null for models that carry none) and the attention [B, T, T] if any.
   */
  forward(ids: Tensor, state: RecurrentState | null): { logits: Tensor; state: RecurrentState | null; attention: Tensor | null };
  /** The model as a decoder (eval mode, no grad). */
  asStepModel(): StepModel<S>;
  /** Runs a prompt's tokens but the last, for generation to continue from the last one. */
  prime(prompt: readonly number[]): S;
  /** Models with several layers and heads: each one's attention over a text (its last window), for pictures. */
  attentionMaps?(ids: readonly number[]): AttentionMapGroup[];
}

/** A sequence-to-sequence model as the trainer and the decoders use it. */
export interface Seq2SeqLike<S = unknown> extends Module {
  readonly tgtVocabSize: number;
  /** Whether decoding reports attention over the source. */
  readonly attends: boolean;
  /**
   * The longest source, and the most decoder inputs (`<bos> y…`), it reads, with the config key
   * that sets it (absent: no limit): a Transformer's position table.
   */
  readonly maxLength?: { readonly length: number; readonly key: string };
  /** Mean cross-entropy over the real target tokens, and how many there are. */
  loss(batch: SourceBatch, tgtIn: Tensor, tgtOut: Tensor, options?: { teacherForcing?: number; wordDropout?: number; labelSmoothing?: number; rng?: Rng }): { loss: Tensor; tokens: number };
  /** Teacher-forced logits [B, T, V] and the attention [B, T, S] (null without). */
  forward(batch: SourceBatch, tgtIn: Tensor): { logits: Tensor; attention: Tensor | null };
  /** Encodes a source batch (no grad): the state decoding starts from. */
  startState(batch: SourceBatch): S;
  /** The model as a decoder over an encoded batch (eval mode, no grad). */
  asStepModel(): StepModel<S>;
  /**
   * Models with several layers and heads: each one's attention for one example (a batch of 1)
   * and decoder inputs `<bos> y…`, for pictures.
   */
  attentionMaps?(batch: SourceBatch, tgtIn: Tensor): AttentionMapGroup[];
}

/** One architecture of a family: its config spec and how to build it for given vocabulary sizes. */
export interface ArchRule<Sizes, M> {
  readonly summary: string;
  /** The keys of its config (vocabulary sizes excluded). */
  readonly keys: readonly string[];
  /** Checks a model config (vocabulary sizes excluded) and fills its defaults; errors name `where`. */
  resolve(config: Readonly<Record<string, unknown>>, where: string): Record<string, unknown>;
  build(config: Readonly<Record<string, unknown>>, sizes: Sizes, init?: InitOptions): M;
  /** A short description of a resolved config, e.g. "lstm + attention, 2 × 256". */
  describe(config: Readonly<Record<string, unknown>>): string;
}

export interface LmSizes { vocabSize: number }
export interface Seq2SeqSizes { srcVocabSize: number; tgtVocabSize: number; padIndex: number }

/**
 * An architecture whose config type C holds the vocabulary sizes `sizes` too: `resolve` checks
 * the rest with placeholder sizes, `build` adds the real ones.
 */
function archOf<C extends object, Sizes extends object, M>(
  summary: string, component: string, spec: ConfigSpec<C>, placeholder: Sizes, make: (config: C, init?: InitOptions) => M,
  describe: (config: Readonly<Required<C>>) => string,
  /** Checks between keys (one line naming them), run when a config is resolved, before any build. */
  check: (config: Readonly<Required<C>>, where: string) => void = () => {},
): ArchRule<Sizes, M> {
  const sizeKeys = Object.keys(placeholder);
  return {
    summary,
    keys: Object.keys(spec).filter((k) => !sizeKeys.includes(k)),
    resolve(config, where) {
      const full = resolveConfig<C>(where || component, { ...config, ...placeholder }, spec);
      check(full, where || component);
      const resolved: Record<string, unknown> = { ...full };
      for (const k of sizeKeys) delete resolved[k];
      return resolved;
    },
    build: (config, sizes, init) => make(resolveConfig<C>(component, { ...config, ...sizes }, spec), init),
    describe: (config) => describe(resolveConfig<C>(component, { ...config, ...placeholder }, spec)),
  };
}

/** Multi-head attention splits d_model evenly into heads of hd = dModel / nhead. */
function checkHeads(dModel: number, nhead: number, where: string): void {
  if (dModel % nhead !== 0) {
    throw new GlimpseError(`${where}: dModel ${dModel} is not divisible by nhead ${nhead} (each head gets dModel / nhead features); pick a head count that divides it`);
  }
}

const lmTable = {
  rnn: archOf<LanguageModelConfig, LmSizes, LanguageModelLike>(
    'embedding → stacked LSTM/GRU → optional causal attention over the window → linear (PROTOCOL W1)',
    'LanguageModel', LANGUAGE_MODEL_SPEC, { vocabSize: 1 }, (c, init) => new LanguageModel(c, init),
    (c) => `${c.cell}${c.stepped ? ' (cells stepped in a loop)' : ''}${c.attention ? ' + attention' : ''} language model, ${c.numLayers} × ${c.hiddenSize}`,
  ),
  transformer: archOf<TransformerLanguageModelConfig, LmSizes, LanguageModelLike>(
    'decoder-only Transformer: embedding + learned positions → causal self-attention layers → linear (PROTOCOL W1 transformer)',
    'TransformerLanguageModel', TRANSFORMER_LM_SPEC, { vocabSize: 1 }, (c, init) => new TransformerLanguageModel(c, init),
    (c) => `transformer language model, ${c.numLayers} ${c.normFirst ? 'pre' : 'post'}-norm layers × d_model ${c.dModel}, ${c.nhead} heads, context ${c.contextSize}`,
    (c, where) => checkHeads(c.dModel, c.nhead, where),
  ),
  encdec: archOf<EncoderDecoderLmConfig, LmSizes, LanguageModelLike>(
    'the lesson\'s encoder–decoder LM: encoder cell over the window, decoder cell attending (dot product) over its states',
    'EncoderDecoderLm', ENCODER_DECODER_LM_SPEC, { vocabSize: 1 }, (c, init) => new EncoderDecoderLm(c, init),
    (c) => `${c.cell} encoder–decoder language model with dot-product attention, ${c.hiddenSize} hidden`,
  ),
} satisfies Record<string, ArchRule<LmSizes, LanguageModelLike>>;

const seq2seqTable = {
  rnn: archOf<Seq2SeqConfig, Seq2SeqSizes, Seq2SeqLike>(
    'bidirectional LSTM/GRU encoder, LSTM/GRU decoder with an attention kind (PROTOCOL W2, W3)',
    'Seq2Seq', SEQ2SEQ_SPEC, { srcVocabSize: 1, tgtVocabSize: 1, padIndex: 0 }, (c, init) => new Seq2Seq(c, init),
    (c) => `seq2seq, ${c.attention} attention, ${c.cell} encoder ${c.bidirectional ? '2 × ' : ''}${c.encoderHidden}, decoder ${c.decoderHidden}`,
  ),
  transformer: archOf<TransformerSeq2SeqConfig, Seq2SeqSizes, Seq2SeqLike>(
    'Transformer encoder–decoder: self-attention encoder, causal decoder with cross-attention (PROTOCOL W5)',
    'TransformerSeq2Seq', TRANSFORMER_SEQ2SEQ_SPEC, { srcVocabSize: 1, tgtVocabSize: 1, padIndex: 0 }, (c, init) => new TransformerSeq2Seq(c, init),
    (c) => `transformer, ${c.numEncoderLayers} encoder + ${c.numDecoderLayers} decoder ${c.normFirst ? 'pre' : 'post'}-norm layers × d_model ${c.dModel}, ${c.nhead} heads`,
    (c, where) => checkHeads(c.dModel, c.nhead, where),
  ),
} satisfies Record<string, ArchRule<Seq2SeqSizes, Seq2SeqLike>>;

export type LmArch = keyof typeof lmTable;
export type Seq2SeqArch = keyof typeof seq2seqTable;
export const LM_ARCHS: { readonly [A in LmArch]: ArchRule<LmSizes, LanguageModelLike> } = lmTable;
export const SEQ2SEQ_ARCHS: { readonly [A in Seq2SeqArch]: ArchRule<Seq2SeqSizes, Seq2SeqLike> } = seq2seqTable;

/** The families: what a run of each trains, and its architectures. */
export const FAMILIES = {
  lm: { summary: 'a language model: predicts the next token of a text', archs: LM_ARCHS },
  seq2seq: { summary: 'an encoder–decoder: maps a source sequence to a target sequence', archs: SEQ2SEQ_ARCHS },
} as const;
export type ModelFamily = keyof typeof FAMILIES;
