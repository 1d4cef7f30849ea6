import { LocalMonotonicAttention } from '../../nn/index.js';
import type { AttentionRule } from './rule.js';

/** Luong et al. 2015 §3.2 local-m: the "general" score over the window [t − D, t + D] only. */
export const localM: AttentionRule = {
  summary: 'Luong local-m: general score h_t · W_a h_j over the window [t - D, t + D]',
  options: ['attentionWindow'],
  flow: 'after-cell',
  build: (d, init) => new LocalMonotonicAttention({ queryDim: d.D, keyDim: d.M, window: d.attentionWindow }, init),
  contextSize: (d) => d.M,
};
