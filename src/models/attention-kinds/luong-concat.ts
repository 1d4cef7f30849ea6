import { LuongConcatAttention } from '../../nn/index.js';
import type { AttentionRule } from './rule.js';

/** Luong et al. 2015 "concat": e_j = vᵀ tanh(W [h_t; h_j]). */
export const luongConcat: AttentionRule = {
  summary: 'Luong concat: vᵀ tanh(W [h_t; h_j])',
  options: ['attentionSize'],
  flow: 'after-cell',
  build: (d, init) => new LuongConcatAttention({ queryDim: d.D, keyDim: d.M, attnDim: d.attentionSize }, init),
  contextSize: (d) => d.M,
};
