// Entry point of the WebAssembly kernels, compiled by `npm run build:wasm` (scripts/build-wasm.mjs).
// Every export is a pure function of pointers into the imported shared memory and sizes; no
// allocation, no globals, no data segments (so any number of instances can share one memory).
export { gemm_chunk, gemm_pack_b } from './gemm';
export { unary, unary_chunk, unary_bwd_chunk, fill_rows } from './activation';
export { softmax_chunk, softmax_bwd_chunk, ce_chunk, ce_bwd_chunk } from './softmax';
export { sum_axis } from './reduce';
export { adam_chunk } from './adam';
export { lstm_fwd_chunk, lstm_bwd_chunk, gru_fwd_chunk, gru_bwd_chunk, rnn_step_scratch } from './rnn_step';
export { sdpa_fwd_chunk, sdpa_bwd_chunk } from './attention';
