import { LuongGeneralAttention } from '../../nn/index.js';
import type { AttentionRule } from './rule.js';

/** Luong et al. 2015 "general": e_j = h_tᵀ W_a h_j. */
export const luongGeneral: AttentionRule = {
  summary: 'Luong general: h_t · W_a h_j',
  options: [],
  flow: 'after-cell',
  build: (d, init) => new LuongGeneralAttention({ queryDim: d.D, keyDim: d.M }, init),
  contextSize: (d) => d.M,
};
