import { LuongDotAttention } from '../../nn/index.js';
import type { AttentionRule } from './rule.js';

/** Luong et al. 2015 "dot": e_j = h_tᵀ h_j (needs D = M). */
export const luongDot: AttentionRule = {
  summary: 'Luong dot: h_t · h_j (decoder size must equal the encoder state size)',
  options: [],
  flow: 'after-cell',
  build: () => new LuongDotAttention(),
  contextSize: (d) => d.M,
  check: (d) => (d.D === d.M ? null : `luong-dot attention needs decoderHidden = encoder state size (${d.M}), got ${d.D}`),
};
