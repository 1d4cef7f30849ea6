/**
 * Layers and attention mechanisms: `Module` and everything built on it, with PyTorch's
 * parameter names and initialisation.
 *
 * @packageDocumentation
 */
export { Module, ModuleList, type StateDict, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export { type InitOptions, type FloatDType } from './config.js';
export { Linear, type LinearConfig } from './linear.js';
export { Embedding, type EmbeddingConfig } from './embedding.js';
export { Dropout, type DropoutConfig } from './dropout.js';
export { LayerNorm, type LayerNormConfig } from './layernorm.js';
export { type RecurrentState } from './state.js';
export { LSTMCell, GRUCell, type CellConfig } from './cells.js';
export { LSTM, GRU, type RNNConfig, type RNNForwardOptions, type RNNOutput } from './rnn.js';
export { SteppedRNN, type SteppedRNNConfig, type CellFactory } from './stepped-rnn.js';
export * from './attention/index.js';
export * from './transformer/index.js';
