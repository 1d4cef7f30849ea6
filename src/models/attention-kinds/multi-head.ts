import { MultiheadAttention } from '../../nn/index.js';
import type { AttentionRule } from './rule.js';

/**
 * Multi-head attention (Vaswani et al. 2017) as a Luong-style source attention: the new state
 * h_t queries nh heads over the encoder states; the context has the decoder's size D.
 */
export const multiHead: AttentionRule = {
  summary: 'multi-head (Vaswani 2017): nh scaled dot-product heads over projections of h_t and h_j',
  options: ['heads'],
  flow: 'after-cell',
  build: (d, init) => new MultiheadAttention({ embedDim: d.D, numHeads: d.heads, kdim: d.M, vdim: d.M, batchFirst: true }, init),
  contextSize: (d) => d.D,
  check: (d) => (d.D % d.heads === 0 ? null : `decoderHidden ${d.D} is not divisible by heads ${d.heads}`),
};
