export { TRANSFORMER_ACTIVATIONS, ACTIVATION_FUNCTIONS, type TransformerActivation } from './activation.js';
export { TRANSFORMER_LAYER_SPEC, type TransformerLayerConfig, type ResolvedLayerConfig } from './config.js';
export { generateSquareSubsequentMask, continuationMask } from './masks.js';
export { type KeyValue, type MemoryKeyValue, type DecoderLayerCache, cachedLength, selectRows } from './cache.js';
export { TransformerEncoderLayer, type EncoderLayerForwardOptions, type LayerOutput } from './encoder-layer.js';
export { TransformerDecoderLayer, type DecoderLayerForwardOptions, type DecoderLayerOutput } from './decoder-layer.js';
export { TransformerEncoder, type TransformerStackConfig, type EncoderForwardOptions } from './encoder.js';
export { TransformerDecoder, type DecoderCache, type DecoderStackOutput, selectDecoderCache } from './decoder.js';
export { Transformer, type TransformerConfig, type TransformerForwardOptions, type TransformerOutput } from './transformer.js';
