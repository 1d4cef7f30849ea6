/**
 * Messages between the page and its two workers. Plain data only (structured clone): weights
 * as number[][], tokens as strings.
 */
import type { BackendReport } from './backend.js';

/** Attention of one decoded output: rows = output tokens, columns = input tokens. */
export interface AttentionPicture {
  weights: number[][];
  rowLabels: string[];
  colLabels: string[];
}

// ---- training worker -----------------------------------------------------------------------

export type TrainRequest =
  | { type: 'start'; input: string }
  | { type: 'pause' }
  | { type: 'reset' }
  /** The input whose attention is shown while training. */
  | { type: 'watch'; input: string };

/** The reversal run the training view trains (PROTOCOL W3's model, smaller). */
export interface TrainSetup {
  parameters: number;
  minLen: number;
  maxLen: number;
  trainSize: number;
  validSize: number;
  batchSize: number;
  maxSteps: number;
  target: number;
}

export type TrainEvent =
  | { type: 'ready'; backend: BackendReport; setup: TrainSetup }
  /** Progress: mean training loss of the steps since the previous message. */
  | { type: 'progress'; step: number; loss: number; steps: number; trainSeconds: number }
  | { type: 'eval'; step: number; exact: number; tokenAccuracy: number; validLoss: number }
  | { type: 'attention'; step: number; input: string; output: string; correct: boolean; picture: AttentionPicture }
  | { type: 'state'; state: 'idle' | 'running' | 'paused' | 'done'; reason?: string }
  | { type: 'error'; message: string };

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
}

export interface GenerateResult {
  /** The prompt as the model read it, and what it wrote after it. */
  prompt: string;
  continuation: string;
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
