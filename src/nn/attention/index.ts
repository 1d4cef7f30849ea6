export { type AttentionOutput, type SourceAttentionOptions, type SourceAttender, SourceAttention } from './source.js';
export { AdditiveAttention, type AdditiveAttentionConfig } from './additive.js';
export {
  LuongDotAttention, LuongGeneralAttention, LuongConcatAttention, type LuongGeneralConfig, type LuongConcatConfig,
} from './luong.js';
export { ScaledDotProductAttention, type ScaledDotProductAttentionConfig, type ScaledDotProductOptions } from './scaled.js';
export { MultiheadAttention, type MultiheadAttentionConfig, type MultiheadForwardOptions } from './multihead.js';
export { SinusoidalPositionalEncoding, LearnedPositionalEmbedding, type PositionalConfig } from './positional.js';
export { lengthMask, paddingMask, causalMask, maskedSoftmax } from './masks.js';
export { attendHeads, checkMask, type HeadMasks } from './heads.js';
export {
  LocalAttention, LocalMonotonicAttention, LocalPredictiveAttention, LOCAL_WINDOW, type LocalAttentionConfig, type LocalPredictiveConfig,
} from './local.js';
