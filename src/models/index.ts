/**
 * glimpse's models, in two families (`FAMILIES`): language models (LSTM/GRU, optionally with
 * causal attention, PROTOCOL W1; the decoder-only Transformer of W1 `transformer`) and
 * encoder–decoders (recurrent with Bahdanau, Luong or multi-head attention, PROTOCOL W2 and W3;
 * the Transformer of W5). Each family's architectures, the seq2seq attention kinds, the
 * recurrent cells and the decoder bridges are typed rule tables.
 *
 * @example
 * import { models } from 'glimpse';
 * const s2s = new models.Seq2Seq({ srcVocabSize: 29, tgtVocabSize: 29, attention: 'luong-general', inputFeeding: true });
 * Object.keys(models.ATTENTION); // ['none', 'bahdanau', 'luong-dot', 'luong-general', 'luong-concat', 'multi-head']
 *
 * @packageDocumentation
 */
export {
  LanguageModel, LANGUAGE_MODEL_SPEC,
  type LanguageModelConfig, type LanguageModelOutput, type LanguageModelStepState,
} from './lm.js';
export { EncoderDecoderLm, ENCODER_DECODER_LM_SPEC, type EncoderDecoderLmConfig, type EncoderDecoderLmState } from './encdec-lm.js';
export { Seq2Seq, SEQ2SEQ_SPEC, type Seq2SeqConfig, type SourceBatch } from './seq2seq.js';
export {
  ATTENTION, ATTENTION_KINDS, type AttentionKind, type AttentionRule, type AttentionDims, type AttentionOption, type DecoderFlowName,
} from './attention-kinds/index.js';
export { DECODER_FLOWS, type DecoderFlow, type DecoderParts, type DecoderState, type Encoded, type StepResult } from './decoder-flows.js';
export { BRIDGES, BRIDGE_KINDS, type BridgeKind, type BridgeRule } from './bridges.js';
export { RECURRENT_KINDS, RECURRENT_KIND_NAMES, type RecurrentKind, type RecurrentKindName } from './recurrent-kinds.js';
export {
  FAMILIES, LM_ARCHS, SEQ2SEQ_ARCHS,
  type ModelFamily, type LmArch, type Seq2SeqArch, type ArchRule, type LmSizes, type Seq2SeqSizes,
  type LanguageModelLike, type Seq2SeqLike,
} from './families.js';
export type { StepModel, StepOutput, StepAttentionMaps } from './step.js';
export type { AttentionMapGroup } from './attention-maps.js';
export { MAX_LAYER_SIZE, MAX_LAYERS, MAX_VOCAB, MAX_HEADS, MAX_WINDOW } from './limits.js';
export {
  TransformerSeq2Seq, TRANSFORMER_SEQ2SEQ_SPEC, POSITIONAL_KINDS,
  type TransformerSeq2SeqConfig, type TransformerSeq2SeqState, type TransformerEncoded, type PositionalKind,
} from './transformer-seq2seq.js';
export {
  TransformerLanguageModel, TRANSFORMER_LM_SPEC,
  type TransformerLanguageModelConfig, type TransformerLanguageModelOutput, type TransformerLanguageModelState,
} from './transformer-lm.js';
