import { AdditiveAttention } from '../../nn/index.js';
import type { AttentionRule } from './rule.js';

/** Bahdanau et al. 2015: e_j = vᵀ tanh(W_q s_{t−1} + W_k h_j), queried before the cell. */
export const bahdanau: AttentionRule = {
  summary: 'additive (Bahdanau 2015): vᵀ tanh(W_q s_{t-1} + W_k h_j), queried with the previous state',
  options: ['attentionSize', 'attentionBias'],
  flow: 'before-cell',
  build: (d, init) => new AdditiveAttention({ queryDim: d.D, keyDim: d.M, attnDim: d.attentionSize, bias: d.attentionBias }, init),
  contextSize: (d) => d.M,
};
