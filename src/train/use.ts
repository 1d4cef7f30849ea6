import { tensor } from '../core/create.js';
import { EOS } from '../data/index.js';
import { type Hypothesis, greedy, sample } from '../decode/index.js';
import { GlimpseError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { TrainedModel } from './model.js';
import { type SearchSettings, checkEnsemble, decodeRows, seq2seqDecoder } from './search.js';
import { TASKS } from './task-rules/index.js';

type LmModel = Extract<TrainedModel, { kind: 'lm' }>;
type Seq2SeqModel = Extract<TrainedModel, { kind: 'seq2seq' }>;

/** Input text as the model's tokens and ids; `unknown` lists the tokens it has no id for. */
export interface EncodedInput {
  tokens: string[];
  ids: number[];
  unknown: string[];
}

/** The vocabulary of a model's input side. */
function inputVocab(t: TrainedModel) {
  return t.kind === 'lm' ? t.vocabs.lm : t.vocabs.src;
}

/**
 * Tokenizes and encodes text for the model's input side, as its task reads text. A token the
 * vocabulary lacks becomes `<unk>` where the vocabulary has one, and is an error naming it
 * (with the characters the model knows) where it has none: nothing is dropped silently.
 */
export function encodeInput(t: TrainedModel, text: string): EncodedInput {
  const vocab = inputVocab(t);
  const tokens = TASKS[t.config.task].tokenize(text, t.config.data);
  const unknown = tokens.filter((tok) => !vocab.has(tok));
  if (unknown.length && vocab.unkIndex < 0) {
    const known = vocab.itos.filter((s) => !s.startsWith('<')).join('');
    throw new GlimpseError(`the input has ${[...new Set(unknown)].map((u) => JSON.stringify(u)).join(', ')}, which this ${t.config.task} model does not know (it reads ${JSON.stringify(known)})`);
  }
  return { tokens, ids: Array.from(vocab.encode(tokens)), unknown };
}

/** Output ids as tokens and display text. */
export function decodeOutput(t: TrainedModel, ids: readonly number[]): { tokens: string[]; text: string } {
  const vocab = t.kind === 'lm' ? t.vocabs.lm : t.vocabs.tgt;
  const tokens = vocab.decode(ids);
  return { tokens, text: TASKS[t.config.task].detokenize(tokens, t.config.data) };
}

export interface GenerateOptions {
  maxTokens: number;
  /** 0: greedy (the most likely token at every step); else sampling at this temperature (default 1). */
  temperature?: number;
  topK?: number;
  topP?: number;
  rng: Rng;
  /** Never repeat an n-gram of the generated text (0 = off). */
  noRepeatNgram?: number;
  /** CTRL repetition penalty θ on tokens already generated (1 = off). */
  repetitionPenalty?: number;
}

export interface Generation {
  prompt: EncodedInput;
  /** Generated ids and tokens (the prompt excluded). */
  ids: number[];
  tokens: string[];
  /** Prompt and continuation as display text. */
  text: string;
  /**
   * Attention (lstm-attn): one row per generated token over every context position (prompt
   * and generated tokens before it); weights outside the attention window are 0.
   */
  attention: number[][] | null;
  /** Column labels of `attention`: the context tokens. */
  context: string[];
}

/**
 * Continues a prompt with a language model, greedily (temperature 0) or by sampling
 * (temperature, top-k, top-p). A prompt whose every token is unknown is an error that shows how
 * it was tokenised.
 */
export function generateText(t: TrainedModel, promptText: string, options: GenerateOptions): Generation {
  if (t.kind !== 'lm') throw new GlimpseError(`this run is a ${t.config.task} model; glimpse generate continues text with a language model (use glimpse translate)`);
  const m = t as LmModel;
  const prompt = encodeInput(m, promptText);
  if (prompt.tokens.length === 0) throw new GlimpseError('the prompt is empty: give some words to continue');
  if (prompt.unknown.length === prompt.tokens.length) {
    throw new GlimpseError(`every word of the prompt is unknown to the model: it was tokenised as [${prompt.tokens.map((x) => JSON.stringify(x)).join(', ')}], all <unk>`);
  }
  const step = m.model.asStepModel();
  const common = {
    start: prompt.ids[prompt.ids.length - 1]!, end: null, maxTokens: options.maxTokens, withAttention: m.model.attends,
    ...(options.noRepeatNgram !== undefined ? { noRepeatNgram: options.noRepeatNgram } : {}),
    ...(options.repetitionPenalty !== undefined ? { repetitionPenalty: options.repetitionPenalty } : {}),
  };
  const [h] = options.temperature === 0
    ? greedy(step, m.model.prime(prompt.ids), 1, common)
    : sample(step, m.model.prime(prompt.ids), 1, { ...common, temperature: options.temperature, topK: options.topK, topP: options.topP, rng: options.rng });
  const ids = h!.tokens;
  const out = decodeOutput(m, [...prompt.ids, ...ids]);
  const tokens = m.vocabs.lm.decode(ids);
  const context = [...prompt.tokens, ...tokens];
  let attention: number[][] | null = null;
  if (h!.attention) {
    // Row i (generating token i) attended to the last L context positions before it.
    attention = h!.attention.map((row, i) => {
      const full = new Array<number>(context.length).fill(0);
      const end = prompt.tokens.length + i; // positions 0 … end−1 are its context
      row.forEach((w, j) => (full[end - row.length + j] = w));
      return full;
    });
  }
  return { prompt, ids, tokens, text: out.text, attention, context };
}

export interface TranslateOptions {
  /** 1 = greedy. */
  beam: number;
  /** Hypotheses returned, best first (with `search.sample`: that many samples). */
  nBest: number;
  maxTokens: number;
  /** Beam search's length normalisation α (also `search.alpha`; default: the length penalty's own). */
  alpha?: number;
  /** Processors, length and coverage penalties, or sampling (see {@link SearchSettings}). */
  search?: SearchSettings;
  /** Target text every output starts with (tokenised as the task tokenises target text). */
  prefix?: string;
  /** Target words or phrases every output must contain. */
  constraints?: readonly string[];
}

export interface Translation {
  source: EncodedInput;
  /** Best first; each with its display text and target tokens. */
  hypotheses: (Hypothesis & { text: string; words: string[] })[];
}

/**
 * Translates (or transforms, for synthetic tasks) one input with greedy search, beam search or
 * sampling, returning the n best with their attention over the source tokens. Several models
 * (runs or checkpoints of one task with the same vocabularies) decode as an ensemble: averaged
 * log-probabilities, their mean attention in `attention` and each one's in `memberAttention`.
 *
 * @example
 * translateText([a, b], 'a dog runs', { beam: 5, nBest: 1, maxTokens: 50, search: { lengthPenalty: 'wu', alpha: 0.6, noRepeatNgram: 3 }, constraints: ['hund'] });
 */
export function translateText(t: TrainedModel | readonly TrainedModel[], text: string, options: TranslateOptions): Translation {
  const all: readonly TrainedModel[] = Array.isArray(t) ? t : [t as TrainedModel];
  const first = all[0];
  if (!first || first.kind !== 'seq2seq') throw new GlimpseError('this run is a language model; glimpse translate needs a seq2seq run (use glimpse generate)');
  checkEnsemble(all);
  const m = first as Seq2SeqModel;
  const source = encodeInput(m, text);
  const eos = TASKS[m.config.task].sourceEnd && m.vocabs.src.has(EOS) ? [m.vocabs.src.id(EOS)] : [];
  const ids = [...source.ids, ...eos];
  if (ids.length === 0) throw new GlimpseError('the input is empty after tokenisation');
  const src = tensor(Int32Array.from(ids), { shape: [1, ids.length] });
  const tgt = m.vocabs.tgt;
  // A model with a position table (a Transformer) cannot decode past it.
  const maxTokens = Math.min(options.maxTokens, ...all.map((x) => (x as Seq2SeqModel).model.maxLength?.length ?? Infinity));
  const decoder = seq2seqDecoder(all.map((x) => (x as Seq2SeqModel).model), { src, srcLengths: [ids.length] });
  const step = decoder.step;
  let state = decoder.state;
  const search = { ...options.search, ...(options.alpha !== undefined ? { alpha: options.alpha } : {}) };
  // Sampling draws the n best as n independent rows of the same source.
  const rows = search.sample ? options.nBest : 1;
  if (rows > 1) state = step.select(state, new Int32Array(rows));
  const hyps = decodeRows(step, state, rows, {
    beam: search.sample ? 1 : options.beam, nBest: search.sample ? 1 : options.nBest, start: tgt.id('<bos>'), end: tgt.id(EOS), maxTokens, withAttention: true,
    ...(options.prefix !== undefined ? { prefix: encodeTarget(m, options.prefix, 'the prefix') } : {}),
    ...(options.constraints?.length ? { constraints: options.constraints.map((c, i) => encodeTarget(m, c, `constraint ${i + 1}`)) } : {}),
  }, search);
  if (search.sample) hyps.sort((a, b) => b.score - a.score);
  return {
    source: { ...source, tokens: [...source.tokens, ...(eos.length ? [EOS] : [])] },
    hypotheses: hyps.map((h) => ({ ...h, text: decodeOutput(m, h.tokens).text, words: tgt.decode(h.tokens) })),
  };
}

/**
 * Target text as target ids, tokenised as the task tokenises text; a token the target
 * vocabulary lacks is an error naming it (it cannot be forced or required).
 */
export function encodeTarget(t: Seq2SeqModel, text: string, what: string): number[] {
  const tokens = TASKS[t.config.task].tokenize(text, t.config.data);
  if (tokens.length === 0) throw new GlimpseError(`${what} is empty after tokenisation: ${JSON.stringify(text)}`);
  const unknown = tokens.filter((tok) => !t.vocabs.tgt.has(tok));
  if (unknown.length) throw new GlimpseError(`${what} has ${[...new Set(unknown)].map((u) => JSON.stringify(u)).join(', ')}, which the target vocabulary does not hold (${t.vocabs.tgt.size} tokens)`);
  return Array.from(t.vocabs.tgt.encode(tokens));
}
