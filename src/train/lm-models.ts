/**
 * The language models `--task lm --model NAME` offers, as a table: each name picks an
 * architecture of `models.LM_ARCHS` and settings of it (PROTOCOL W1's `lstm` and `lstm-attn`
 * among them). A new one is a row here (and, for a new architecture, a row there).
 */
import type { LmArch } from '../models/index.js';
import { tableKeys } from '../util/table.js';
import type { TrainConfig } from './config.js';

export interface LmModelRule {
  readonly summary: string;
  readonly arch: LmArch;
  /** Settings of the architecture's config. */
  readonly model: Readonly<Record<string, unknown>>;
  /** Training settings that differ from the task's preset. */
  readonly train?: Readonly<Partial<TrainConfig>>;
}

const table = {
  lstm: { summary: 'embedding → 2-layer LSTM → linear (PROTOCOL W1 lstm)', arch: 'rnn', model: { cell: 'lstm', attention: false } },
  gru: { summary: 'the same with GRU layers', arch: 'rnn', model: { cell: 'gru', attention: false } },
  'lstm-attn': {
    summary: 'LSTM, then causal dot-product attention over the window, tanh(W[h; c]) (PROTOCOL W1 lstm-attn)',
    arch: 'rnn', model: { cell: 'lstm', attention: true },
  },
  'gru-attn': { summary: 'the same with GRU layers', arch: 'rnn', model: { cell: 'gru', attention: true } },
  'lstm-scratch': {
    summary: 'the lstm model with its recurrence as the from-scratch LSTMCell stepped in a loop (same weights and results, slower)',
    arch: 'rnn', model: { cell: 'lstm', attention: false, stepped: true },
  },
  'encdec-attn': {
    summary: 'the lesson\'s encoder–decoder LM: LSTMCell encoder over the window, LSTMCell decoder with dot-product attention over its states, log-softmax',
    arch: 'encdec', model: { cell: 'lstm' },
  },
  transformer: {
    summary: 'decoder-only Transformer: 4 pre-norm GELU layers of 256, 4 heads, learned positions over the window (PROTOCOL W1 transformer)',
    arch: 'transformer',
    model: { dModel: 256, nhead: 4, numLayers: 4, dimFeedforward: 1024, dropout: 0.2, activation: 'gelu', normFirst: true },
    train: { lr: 1e-3 },
  },
} satisfies Record<string, LmModelRule>;

export type LmModelName = keyof typeof table;
export const LM_MODELS: { readonly [K in LmModelName]: LmModelRule } = table;
export const LM_MODEL_NAMES = tableKeys(LM_MODELS);
