/**
 * The recurrent cells a model can be built from, as a table: a new kind is one row, and every
 * model that takes a `cell` option gets it.
 */
import {
  type CellConfig, GRU, GRUCell, type InitOptions, LSTM, LSTMCell, type RNNConfig, SteppedRNN, type SteppedRNNConfig,
} from '../nn/index.js';
import { tableKeys } from '../util/table.js';

export interface RecurrentKind {
  /** A stacked, optionally bidirectional layer over a sequence (fused kernels). */
  layer(config: RNNConfig, init: InitOptions): GRU | LSTM;
  /** One cell (the decoder's), stepped through its own forward / forwardSequence. */
  cell(config: CellConfig, init: InitOptions): GRUCell | LSTMCell;
  /** The same stack as `layer` (one direction) with its cell stepped in a loop: the from-scratch recurrence. */
  stepped(config: SteppedRNNConfig, init: InitOptions): SteppedRNN;
}

const table = {
  gru: {
    layer: (c, init) => new GRU(c, init), cell: (c, init) => new GRUCell(c, init),
    stepped: (c, init) => new SteppedRNN(c, (cc, i) => new GRUCell(cc, i), init),
  },
  lstm: {
    layer: (c, init) => new LSTM(c, init), cell: (c, init) => new LSTMCell(c, init),
    stepped: (c, init) => new SteppedRNN(c, (cc, i) => new LSTMCell(cc, i), init),
  },
} satisfies Record<string, RecurrentKind>;

/** 'gru' | 'lstm' */
export type RecurrentKindName = keyof typeof table;
export const RECURRENT_KINDS: { readonly [K in RecurrentKindName]: RecurrentKind } = table;
export const RECURRENT_KIND_NAMES = tableKeys(RECURRENT_KINDS);
