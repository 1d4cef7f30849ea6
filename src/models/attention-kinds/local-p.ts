import { LocalPredictiveAttention } from '../../nn/index.js';
import type { AttentionRule } from './rule.js';

/**
 * Luong et al. 2015 §3.2 local-p: the "general" score over the window [p_t − D, p_t + D] around
 * a predicted p_t = (S − 1)·σ(v_pᵀ tanh(W_p h_t)), times a Gaussian of σ = D/2 (W_p has
 * attentionSize rows).
 */
export const localP: AttentionRule = {
  summary: 'Luong local-p: general score over [p_t - D, p_t + D], p_t = (S-1)·σ(v_p · tanh(W_p h_t)), times a Gaussian (σ = D/2)',
  options: ['attentionSize', 'attentionWindow'],
  flow: 'after-cell',
  build: (d, init) => new LocalPredictiveAttention({ queryDim: d.D, keyDim: d.M, attnDim: d.attentionSize, window: d.attentionWindow }, init),
  contextSize: (d) => d.M,
};
