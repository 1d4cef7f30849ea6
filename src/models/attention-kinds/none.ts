import type { AttentionRule } from './rule.js';

/** No attention: the decoder sees the source only through its initial state (the bottleneck of W3b). */
export const none: AttentionRule = {
  summary: 'no attention: the source reaches the decoder only through its initial state',
  options: [],
  flow: 'none',
  build: () => null,
  contextSize: () => 0,
};
