/**
 * The ONNX export of every architecture, as a table typed by the model families' architecture
 * names: a new architecture without its export row does not compile.
 */
import type { LmArch, Seq2SeqArch } from '../../../models/index.js';
import { LM_ENCDEC_EXPORT } from './lm-encdec.js';
import { LM_RNN_EXPORT } from './lm-rnn.js';
import { LM_TRANSFORMER_EXPORT } from './lm-transformer.js';
import type { ExportRule } from './rule.js';
import { SEQ2SEQ_RNN_EXPORT } from './seq2seq-rnn.js';
import { SEQ2SEQ_TRANSFORMER_EXPORT } from './seq2seq-transformer.js';

export const ONNX_EXPORTS: {
  readonly lm: { readonly [A in LmArch]: ExportRule };
  readonly seq2seq: { readonly [A in Seq2SeqArch]: ExportRule };
} = {
  lm: { rnn: LM_RNN_EXPORT, transformer: LM_TRANSFORMER_EXPORT, encdec: LM_ENCDEC_EXPORT },
  seq2seq: { rnn: SEQ2SEQ_RNN_EXPORT, transformer: SEQ2SEQ_TRANSFORMER_EXPORT },
};

export type { ExportRule, ExportedGraph, ExportSource } from './rule.js';
