/**
 * The recurrent language model (`--model lstm`, `gru`, `lstm-attn`, `gru-attn`) as one graph
 * over a window, equal to `LanguageModel.forward`:
 *   ids int64 [T, B], h0 (and c0 for LSTM) [L, B, H]
 *   → logits [T, B, V], hn (and cn) [L, B, H], with attention also attention [B, T, T].
 * Attention is causal dot-product attention over the window's top-layer outputs, decomposed
 * into MatMul / Softmax, then tanh(W[h_t; c_t]).
 */
import type { LanguageModelConfig } from '../../../models/index.js';
import { OnnxGraph } from '../graph.js';
import { attention, linear } from '../layers.js';
import { CELL_RULES, recurrentStack } from '../recurrent.js';
import { type ExportRule, finish } from './rule.js';

export const LM_RNN_EXPORT: ExportRule = {
  usage: 'lm.onnx runs a window of token ids (time-major [T, B]) from a recurrent state and returns next-token logits and the state to carry into the next window; zeros start a text.',
  graphs({ params, config }, producerVersion) {
    const c = config as Required<LanguageModelConfig>;
    const { numLayers: L, hiddenSize: H, vocabSize: V } = c;
    const hasCell = CELL_RULES[c.cell].hasCell;
    const g = new OnnxGraph('glimpse_lm');
    const ids = g.input('ids', 'int64', ['T', 'B']);
    const h0 = g.input('h0', 'float', [L, 'B', H]);
    const c0 = hasCell ? g.input('c0', 'float', [L, 'B', H]) : '';
    const x = g.op('Gather', [g.param('encoder.weight', params['encoder.weight']!), ids]); // [T, B, E]
    const rnn = recurrentStack(g, params, { cell: c.cell, prefix: 'rnn', numLayers: L, hiddenSize: H, bidirectional: false }, x, h0, c0);
    let features = rnn.y; // [T, B, H]
    let weights: string | null = null;
    if (c.attention) {
      const h = g.op('Transpose', [rnn.y], { perm: { ints: [1, 0, 2] } }); // [B, T, H]
      const a = attention(g, h, h, h, 3, 1 / Math.sqrt(H), 'causal');
      const combined = g.op('Tanh', [linear(g, params, g.op('Concat', [h, a.context], { axis: { i: -1 } }), 'combine')]);
      features = g.op('Transpose', [combined], { perm: { ints: [1, 0, 2] } });
      weights = a.weights;
    }
    g.output(linear(g, params, features, 'decoder'), 'logits', 'float', ['T', 'B', V]);
    g.output(rnn.h, 'hn', 'float', [L, 'B', H]);
    if (rnn.c) g.output(rnn.c, 'cn', 'float', [L, 'B', H]);
    if (weights) g.output(weights, 'attention', 'float', ['B', 'T', 'T']);
    const what = `${c.cell}${c.attention ? ' + attention' : ''} language model, ${L} × ${H}`;
    return [finish(g, 'lm.onnx', `glimpse ${what}: one window, ids [T, B] → logits [T, B, V]`, producerVersion)];
  },
};
