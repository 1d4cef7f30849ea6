/** Messages between the lessons page and its worker (web/src/lessons/lessons.worker.ts). */
import type { BackendReport } from '../report.js';

export type LessonRequest =
  /** Train the attention lesson's toy coreference model (`train.coref`). */
  | { id: number; type: 'coref'; steps: number; seed: number }
  /** Every layer's per-head weights of the toy model on "the N1 didn't cross the N2 because it was too A". */
  | { id: number; type: 'coref-sentence'; n1: string; n2: string; adj: string }
  /** Train the context-vector lesson's reversal model (`train.CONTEXT_VECTOR_LESSON`). */
  | { id: number; type: 'reverse'; steps: number; seed: number }
  /** Decode `word` greedily, keeping every step's decoder state and the encoder states. */
  | { id: number; type: 'reverse-trace'; word: string };

export interface CorefTrained {
  type: 'coref';
  steps: number;
  seed: number;
  /** Accuracy on 200 fresh sentences, and the training time. */
  accuracy: number;
  seconds: number;
  layers: number;
  heads: number;
  /** The attention lesson's part 1: Q, K, V [4][d_k] of head 1 of layer 2 for four tokens of "…too tired". */
  part1: { labels: string[]; q: number[][]; k: number[][]; v: number[][] };
  /** The words the template's slots take: nouns of animals, of places, and the adjectives. */
  animals: string[];
  places: string[];
  adjectives: string[];
}

export interface CorefSentence {
  type: 'coref-sentence';
  words: string[];
  /** Per layer, per head: [T][T] weights (queries × keys). */
  weights: number[][][][];
  /** What the model names at "it", and the right answer. */
  prediction: string;
  referent: string;
  /** The position of "it". */
  it: number;
}

export interface ReverseTrained {
  type: 'reverse';
  steps: number;
  seed: number;
  exact: number;
  seconds: number;
}

export interface ReverseTrace {
  type: 'reverse-trace';
  /** The input letters (keys) and the greedy output tokens (one per decoder step, `<eos>` last). */
  letters: string[];
  output: string[];
  /** Encoder states h̄_j [S][M]; decoder states h_t [steps][D]; the model's own attention [steps][S]. */
  memory: number[][];
  queries: number[][];
  attention: number[][];
}

export type LessonReply =
  | ({ id: number } & (CorefTrained | CorefSentence | ReverseTrained | ReverseTrace))
  | { id: number; type: 'ready'; backend: BackendReport }
  | { id: number; type: 'error'; message: string };
