/**
 * Messages between the page and its two workers. Plain data only (structured clone): weights
 * as number[][], tokens as strings.
 */
import type { BackendReport } from './backend.js';
import type { TrainChoice } from './train-presets.js';

/** Attention of one decoded output: rows = output tokens, columns = input tokens. */
export interface AttentionPicture {
  weights: number[][];
  rowLabels: string[];
  colLabels: string[];
}

// ---- training worker -----------------------------------------------------------------------

export type TrainRequest =
  /** A fresh model of this choice (reset: a fresh one of the same choice, another seed). */
  | { type: 'configure'; choice: TrainChoice }
  | { type: 'start'; input: string }
  | { type: 'pause' }
  | { type: 'reset' }
  /** The input (a language model: the prompt) whose output and attention are shown while training. */
  | { type: 'watch'; input: string };

/** The run the training view trains: a synthetic task or a language model, at the tab's sizes. */
export interface TrainSetup {
  family: 'seq2seq' | 'lm';
  task: string;
  /** The model as `glimpse train` describes it, e.g. "seq2seq, multi-head attention, gru encoder 2 × 48, decoder 96". */
  model: string;
  parameters: number;
  /** The data in a phrase, e.g. "20,000 training strings of 4–14 letters, batches of 32". */
  data: string;
  /** What evaluation measures, e.g. "exact match on 200 held-out strings". */
  evaluation: string;
  maxSteps: number;
  /** Stops once validation exact match reaches it (null: runs to the step limit). */
  target: number | null;
  /** Whether the model has attention to show. */
  attends: boolean;
  /**
   * The watched input: its label, a hint, one to start from, the one watched now, and its
   * bounds (letter tasks: lengths of a–z).
   */
  input: { label: string; hint: string; example: string; watched: string; maxLength: number; letters: { minLen: number; maxLen: number } | null };
}

export type TrainEvent =
  | { type: 'ready'; backend: BackendReport }
  | { type: 'setup'; setup: TrainSetup }
  /** Progress: mean training loss of the steps since the previous message. */
  | { type: 'progress'; step: number; loss: number; steps: number; trainSeconds: number }
  /** Validation: exact match and token accuracy (seq2seq; NaN for a language model), loss and perplexity. */
  | { type: 'eval'; step: number; exact: number; tokenAccuracy: number; validLoss: number; ppl: number }
  /**
   * The watched input's output (a language model: a sampled continuation of the prompt) and its
   * attention (null: the model has none); `correct` null where the page cannot tell.
   */
  | { type: 'attention'; step: number; input: string; output: string; correct: boolean | null; picture: AttentionPicture | null }
  /** The watched input cannot be read by this model (e.g. a character outside its alphabet). */
  | { type: 'watch-error'; message: string }
  | { type: 'state'; state: 'idle' | 'running' | 'paused' | 'done'; reason?: string }
  /** `during` setup: the choice could not be built (no model until another configure). */
  | { type: 'error'; message: string; during: 'setup' | 'training' };

// ---- explore worker ------------------------------------------------------------------------

/** A run folder's files as the page read them. */
export interface RunFilesMessage {
  name: string;
  config: string;
  vocabs: { lm?: string; src?: string; tgt?: string };
  weights: ArrayBuffer;
  weightsFile: string;
}

/** What the page shows about a loaded run. */
export interface RunInfo {
  name: string;
  task: string;
  kind: 'lm' | 'seq2seq';
  /** e.g. "seq2seq, luong-general attention" or "lstm-attn language model". */
  model: string;
  parameters: number;
  /** Whether the model has attention to show. */
  attention: boolean;
  vocab: string;
  weightsFile: string;
  /** An input to start with. */
  example: string;
  /** What the input is called ("Prompt", "Sentence", "Input") and the verb of running it. */
  inputLabel: string;
  action: string;
}

export type ExploreRequest =
  | { id: number; type: 'load'; files: RunFilesMessage }
  | { id: number; type: 'translate'; text: string; beam: number; nBest: number }
  | ({ id: number; type: 'generate'; prompt: string } & SamplingSettings)
  /**
   * One decoder step after `chosen` (target ids after `<bos>`, or after the prompt), with the k
   * most likely next tokens; `sampling` for a language model.
   */
  | { id: number; type: 'step'; text: string; chosen: number[]; k: number; sampling?: SamplingSettings };

/** A language model's sampling settings, as `glimpse generate` takes them. */
export interface SamplingSettings {
  temperature: number;
  /** 0: all tokens. */
  topK: number;
  /** 1: all tokens. */
  topP: number;
  seed: number;
  /** Tokens to generate. */
  maxTokens: number;
}

/**
 * One kind of attention of a multi-layer, multi-head model (e.g. "cross-attention"):
 * `weights[l][h]` is layer l+1, head h+1, rows × columns.
 */
export interface HeadGridSection {
  title: string;
  weights: number[][][][];
  rowLabels: string[];
  colLabels: string[];
  rowTitle: string;
  colTitle: string;
}

/** A next-token candidate of the step view. */
export interface StepCandidate {
  id: number;
  token: string;
  /** Its probability in the distribution the token is drawn from (sampling: after temperature, top-k, top-p). */
  prob: number;
  /** The model's own probability, where sampling adjusted it. */
  modelProb?: number;
}

export interface StepResult {
  source: string[];
  unknown: string[];
  /** The tokens chosen so far, each with the probability the model gave it. */
  steps: StepCandidate[];
  /** The k most likely next tokens (empty once `<eos>` was chosen, or the tokens are all written). */
  next: StepCandidate[];
  /** The token "Step" takes: the most likely one, or (sampling) the seeded generator's draw. */
  pick: StepCandidate | null;
  /** Attention rows over the source (or context): one per chosen token, then the next step's. */
  attention: number[][];
  finished: boolean;
  /** The whole output: the chosen tokens, then what the model writes from there (greedy, or sampling on). */
  continuation: string;
  /** What the attention's rows and columns are. */
  rowTitle: string;
  colTitle: string;
}

export interface TranslateResult {
  source: string[];
  unknown: string[];
  /** Best first; `grid` holds every layer's and head's maps (Transformer runs; null for RNNs). */
  hypotheses: { text: string; words: string[]; score: number; finished: boolean; picture: AttentionPicture | null; grid: HeadGridSection[] | null }[];
  /** Beam search as a tree (beam search only; null for greedy decoding). */
  tree: BeamTreeNode[] | null;
}

/**
 * A hypothesis beam search kept at one step, or ended there (`decode.BeamNode`, with every
 * step's nodes in one list, step by step).
 */
export interface BeamTreeNode {
  /** Index of the node it extends in the list (−1: it extends `<bos>`). */
  parent: number;
  /** 1: the first output token. */
  step: number;
  token: string;
  /** Σ log p of its tokens: its parent's plus its token's. */
  logProb: number;
  /** Its token is `<eos>`. */
  finished: boolean;
  /** The score it was ranked by among the final hypotheses; null when the search went on from it or pruned it. */
  score: number | null;
  /** Its step's attention row over the source (null: the model has none). */
  attention: number[] | null;
}

export interface GenerateResult {
  /** The prompt as the model read it, and what it wrote after it. */
  prompt: string;
  continuation: string;
  /** The generated tokens, each with the model's own log-probability of it (before temperature, top-k and top-p). */
  tokens: string[];
  logProbs: number[];
  unknown: string[];
  picture: AttentionPicture | null;
  grid: HeadGridSection[] | null;
}

export type ExploreReply =
  | { id: -1; type: 'ready'; backend: BackendReport }
  | { id: number; type: 'loaded'; info: RunInfo }
  | { id: number; type: 'translated'; result: TranslateResult }
  | { id: number; type: 'generated'; result: GenerateResult }
  | { id: number; type: 'stepped'; result: StepResult }
  | { id: number; type: 'error'; message: string };
