/**
 * glimpse's models: the language model (LSTM/GRU, optionally with causal attention, PROTOCOL W1)
 * and the encoder–decoder with attention (Bahdanau, Luong, multi-head; PROTOCOL W2 and W3);
 * the Transformer encoder–decoder (PROTOCOL W5) and decoder-only Transformer LM (W1 `transformer`).
 *
 * @example
 * import { models } from 'glimpse';
 * const s2s = new models.Seq2Seq({ srcVocabSize: 29, tgtVocabSize: 29, attention: 'luong-general', inputFeeding: true });
 *
 * @packageDocumentation
 */
export {
  LanguageModel, LANGUAGE_MODEL_SPEC,
  type LanguageModelConfig, type LanguageModelOutput, type LanguageModelStepState,
} from './lm.js';
export {
  Seq2Seq, SEQ2SEQ_SPEC, ATTENTION_KINDS,
  type AttentionKind, type Seq2SeqConfig, type SourceBatch, type Encoded, type DecoderState,
} from './seq2seq.js';
export {
  TransformerSeq2Seq, TRANSFORMER_SEQ2SEQ_SPEC, POSITIONAL_KINDS,
  type TransformerSeq2SeqConfig, type TransformerSeq2SeqState, type TransformerEncoded, type PositionalKind,
} from './transformer-seq2seq.js';
export {
  TransformerLanguageModel, TRANSFORMER_LM_SPEC,
  type TransformerLanguageModelConfig, type TransformerLanguageModelOutput, type TransformerLanguageModelState,
} from './transformer-lm.js';
